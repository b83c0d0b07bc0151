// tests/support/process_probe.h: what the benchmarks read of a process from
// /proc. The devnet bench reports the nodes' CPU per committed entry from
// CpuSeconds, so a misread field would silently report nonsense.
#include "tests/support/process_probe.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cmath>

namespace jobcard::testing {
namespace {

TEST(ProcessProbe, CpuSecondsFollowsTheCpuThisProcessBurns) {
  const auto before = CpuSeconds(::getpid());
  ASSERT_TRUE(before.has_value());
  // Burn at least 300 ms of this thread's CPU (a bounded loop: wall time is
  // not CPU time on a loaded machine, so count CPU, up to 10 s of wall).
  volatile double sink = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  double now = *before;
  while (now - *before < 0.3 && std::chrono::steady_clock::now() < deadline) {
    for (int i = 0; i < 1'000'000; ++i) sink = sink + std::sqrt(static_cast<double>(i));
    now = CpuSeconds(::getpid()).value_or(*before);
  }
  EXPECT_GE(now - *before, 0.3);
  // Not more than the wall time the loop could have taken on every core.
  EXPECT_LT(now - *before, 10.0 * 64);
}

TEST(ProcessProbe, NoProcessHasNoCpuSeconds) {
  EXPECT_FALSE(CpuSeconds(-1).has_value());
  EXPECT_FALSE(CpuSeconds(0x3fffffff).has_value());  // above Linux's pid_max
}

}  // namespace
}  // namespace jobcard::testing
