//===- WorkerPoolTest.cpp - the host lane's worker pool -------------------===//

#include "moe/Runtime/WorkerPool.h"

#include "gtest/gtest.h"

#include <atomic>
#include <set>
#include <thread>

using moe::runtime::WorkerPool;

namespace {

TEST(WorkerPoolTest, RunsEveryTaskOnceOverManyJobs) {
  for (unsigned threads : {1u, 2u, 4u}) {
    WorkerPool pool(threads);
    EXPECT_EQ(pool.threads(), threads);
    for (size_t count : {0u, 1u, 3u, 17u, 200u}) {
      // Back-to-back jobs: a worker slow to leave one must not run the
      // next one's tasks with the old task function.
      for (int repeat = 0; repeat < 20; ++repeat) {
        std::vector<std::atomic<int>> hits(count);
        for (std::atomic<int> &hit : hits)
          hit.store(0);
        pool.parallelFor(count, [&](size_t i) { hits[i].fetch_add(1); });
        for (size_t i = 0; i < count; ++i)
          ASSERT_EQ(hits[i].load(), 1) << "task " << i << " of " << count
                                       << ", " << threads << " threads";
      }
    }
  }
}

TEST(WorkerPoolTest, UsesMoreThanOneThreadWhenItHasThem) {
  WorkerPool pool(3);
  std::mutex mutex;
  std::set<std::thread::id> seen;
  std::atomic<int> waiting{0};
  // Each task waits until three tasks have started, which needs three
  // threads running at once.
  pool.parallelFor(3, [&](size_t) {
    waiting.fetch_add(1);
    while (waiting.load() < 3)
      std::this_thread::yield();
    std::lock_guard<std::mutex> lock(mutex);
    seen.insert(std::this_thread::get_id());
  });
  EXPECT_EQ(seen.size(), 3u);
}

} // namespace
