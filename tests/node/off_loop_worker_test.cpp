// OffLoopWorker bounds what waits by weight (the host: a gossiped batch
// weighs its transactions), not by job: a job that would pass the bound is
// refused and never run, and one that fits beside the waiting ones runs.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "node/off_loop_worker.h"

namespace jobcard::node {
namespace {

TEST(OffLoopWorker, RefusesAJobThatWouldPassTheBoundByWeight) {
  OffLoopWorker worker(10);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> started;
  // Holds the thread, so what follows waits in the queue.
  ASSERT_TRUE(worker.Post([&started, released] {
    started.set_value();
    released.wait();
  }));
  started.get_future().wait();
  ASSERT_EQ(worker.queued(), 0u) << "the running job no longer waits";

  std::atomic<int> ran{0};
  EXPECT_TRUE(worker.Post([&] { ran += 1; }, 6));
  EXPECT_EQ(worker.queued(), 6u);
  EXPECT_FALSE(worker.Post([&] { ran += 100; }, 5)) << "6 + 5 waiting would pass 10";
  EXPECT_EQ(worker.refused(), 1u);
  EXPECT_TRUE(worker.Post([&] { ran += 10; }, 4)) << "6 + 4 fits exactly";
  EXPECT_FALSE(worker.Post([&] { ran += 1000; }));
  release.set_value();
  for (int i = 0; i < 500 && ran.load() != 11; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(ran.load(), 11) << "the two accepted jobs run, the refused ones never";
  EXPECT_EQ(worker.queued(), 0u);
  EXPECT_EQ(worker.refused(), 2u);
}

}  // namespace
}  // namespace jobcard::node
