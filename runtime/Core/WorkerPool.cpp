//===- WorkerPool.cpp - threads that share a layer's host experts ---------===//

#include "moe/Runtime/WorkerPool.h"

namespace moe::runtime {

WorkerPool::WorkerPool(unsigned threads) {
  for (unsigned i = 1; i < threads; ++i)
    workers_.emplace_back([this] { workerLoop(); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread &worker : workers_)
    worker.join();
}

unsigned WorkerPool::defaultThreads() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : n;
}

void WorkerPool::drain() {
  // Tasks are handed out one at a time under the lock: a task is a whole
  // expert's matmuls, so the lock is never the bottleneck.
  std::unique_lock<std::mutex> lock(mutex_);
  while (next_ < count_) {
    size_t i = next_++;
    const std::function<void(size_t)> &task = *task_;
    lock.unlock();
    task(i);
    lock.lock();
  }
}

void WorkerPool::workerLoop() {
  unsigned long long seen = 0;
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || job_ != seen; });
      if (stopping_)
        return;
      seen = job_;
    }
    drain();
    std::lock_guard<std::mutex> lock(mutex_);
    if (--busy_ == 0)
      finished_.notify_one();
  }
}

void WorkerPool::parallelFor(size_t count,
                             const std::function<void(size_t)> &task) {
  if (workers_.empty() || count <= 1) {
    for (size_t i = 0; i < count; ++i)
      task(i);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    task_ = &task;
    count_ = count;
    next_ = 0;
    busy_ = workers_.size();
    ++job_;
  }
  wake_.notify_all();
  drain();
  // Every worker leaves the job before the next one starts, so none can
  // still be reading `task` when this returns.
  std::unique_lock<std::mutex> lock(mutex_);
  finished_.wait(lock, [&] { return busy_ == 0; });
  task_ = nullptr;
}

} // namespace moe::runtime
