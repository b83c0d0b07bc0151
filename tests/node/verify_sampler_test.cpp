// tests/support/verify_baseline.h, VerifySampler: the ledger benchmark's CPU
// ratio divides by its rate, so a slice that verified nothing, or a rate
// that is not the slices' total, would silently skew every reported ratio.
#include <gtest/gtest.h>

#include "tests/support/verify_baseline.h"

namespace jobcard::testing {
namespace {

TEST(VerifySampler, VerifiesEverySignatureItCountsCyclingThroughItsMessages) {
  const SyntheticWorkload workload;
  VerifySampler sampler(workload, 10);
  EXPECT_EQ(sampler.per_cpu_second(), 0.0);
  EXPECT_EQ(sampler.slowest_slice_per_cpu_second(), 0.0);
  // 25 of 10 prepared messages: the cycle wraps twice and every one verifies.
  EXPECT_EQ(sampler.Sample(25), 25);
  EXPECT_EQ(sampler.Sample(0), 0);
  EXPECT_EQ(sampler.verified(), 25u);
  EXPECT_EQ(sampler.slices(), 1u);  // an empty Sample is no slice
}

TEST(VerifySampler, ItsRateLiesBetweenItsSlowestAndFastestSlice) {
  const SyntheticWorkload workload;
  VerifySampler sampler(workload, 50);
  for (int slice = 0; slice < 4; ++slice) ASSERT_EQ(sampler.Sample(100 + 50 * slice), 100 + 50 * slice);
  EXPECT_EQ(sampler.verified(), 100u + 150u + 200u + 250u);
  ASSERT_GT(sampler.per_cpu_second(), 0.0);
  EXPECT_LE(sampler.slowest_slice_per_cpu_second(), sampler.per_cpu_second());
  EXPECT_GE(sampler.fastest_slice_per_cpu_second(), sampler.per_cpu_second());
}

}  // namespace
}  // namespace jobcard::testing
