// tests/support/verify_baseline.h, ThreadCpuSecondsNamed: the ledger
// benchmark reports RocksDB's background CPU from it, so a misread /proc
// field or a name that never matches would silently report nonsense.
#include <gtest/gtest.h>
#include <pthread.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "tests/support/verify_baseline.h"

namespace jobcard::testing {
namespace {

TEST(ThreadCpu, CountsTheCpuOfTheThreadsOfThatNameOnly) {
  std::atomic<bool> burnt{false}, release{false};
  std::atomic<double> own_seconds{0};
  std::thread spinner([&] {
    pthread_setname_np(pthread_self(), "jc-spin-test");
    // At least 300 ms of CPU, bounded by 10 s of wall time on a loaded machine.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    volatile double sink = 0;
    while (ThreadCpuSeconds() < 0.3 && std::chrono::steady_clock::now() < deadline) {
      for (int i = 0; i < 100000; ++i) sink = sink + i * 0.5;
    }
    own_seconds = ThreadCpuSeconds();
    burnt = true;
    // Stay alive while the test reads /proc: an exited thread is not listed.
    while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  });
  while (!burnt) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const double named = ThreadCpuSecondsNamed("jc-spin");
  const double unmatched = ThreadCpuSecondsNamed("jc-no-such-thread");
  release = true;
  spinner.join();

  ASSERT_GE(own_seconds.load(), 0.3) << "the spinner did not get 300 ms of CPU in 10 s";
  // /proc counts in clock ticks (10 ms); allow a few of them each way.
  EXPECT_NEAR(named, own_seconds.load(), 0.05);
  EXPECT_EQ(unmatched, 0.0);
}

}  // namespace
}  // namespace jobcard::testing
