//===- WorkerPool.h - threads that share a layer's host experts -*- C++ -*-===//
//
// The host lane of a layer runs one compiled expert function per expert;
// the experts write disjoint rows, so they can run on several threads with
// no locks and give the same bits as one thread. A Session keeps one pool
// for its lifetime, so a layer step does not pay for creating threads.
//
//===----------------------------------------------------------------------===//

#ifndef MOE_RUNTIME_WORKERPOOL_H
#define MOE_RUNTIME_WORKERPOOL_H

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace moe::runtime {

class WorkerPool {
public:
  /// `threads` in all, the caller's included (0 or 1: no worker threads).
  explicit WorkerPool(unsigned threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool &) = delete;
  WorkerPool &operator=(const WorkerPool &) = delete;

  unsigned threads() const { return workers_.size() + 1; }

  /// Calls `task(i)` for every i < count, spread over the pool and the
  /// calling thread, and returns when all are done. One call at a time.
  void parallelFor(size_t count, const std::function<void(size_t)> &task);

  /// The threads a pool gets by default: the machine's hardware threads.
  static unsigned defaultThreads();

private:
  void workerLoop();
  /// Runs tasks of the current job until none is left.
  void drain();

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_, finished_;
  const std::function<void(size_t)> *task_ = nullptr;
  size_t count_ = 0, next_ = 0;
  /// Workers still in the current job.
  unsigned busy_ = 0;
  /// Bumped for every job, so a worker takes each job once.
  unsigned long long job_ = 0;
  bool stopping_ = false;
};

} // namespace moe::runtime

#endif // MOE_RUNTIME_WORKERPOOL_H
