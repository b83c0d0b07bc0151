// NextHeightDelayMs: the next height's proposer starts it at once under a
// backlog (a full block waits, or the last block was full); otherwise, and
// for every other validator, the block interval holds (they start when the
// proposal reaches them).
#include "node/block_pacing.h"

#include <gtest/gtest.h>

namespace jobcard::node {
namespace {

constexpr std::uint64_t kInterval = 1000;

TEST(BlockPacing, ALightLoadKeepsTheBlockInterval) {
  EXPECT_EQ(NextHeightDelayMs({/*pending=*/0, /*last_block=*/1, /*capacity=*/2500, kInterval, true}), kInterval);
  EXPECT_EQ(NextHeightDelayMs({10, 900, 2500, kInterval, true}), kInterval);
  EXPECT_EQ(NextHeightDelayMs({2499, 2499, 2500, kInterval, true}), kInterval);
}

TEST(BlockPacing, AFullBlockWaitingStartsTheNextHeightAtOnce) {
  // The lead's measurement: 16,000 pending, blocks capped near 2,500 by the budget.
  EXPECT_EQ(NextHeightDelayMs({16000, 2200, 2500, kInterval, true}), 0u);
  EXPECT_EQ(NextHeightDelayMs({2500, 10, 2500, kInterval, true}), 0u);
}

TEST(BlockPacing, ALastBlockFullToCapacityStartsTheNextHeightAtOnce) {
  // The block drained the pool, but the load filled it to capacity: the
  // transactions arriving meanwhile should not wait an interval.
  EXPECT_EQ(NextHeightDelayMs({0, 2500, 2500, kInterval, true}), 0u);
  EXPECT_EQ(NextHeightDelayMs({5, 3000, 2500, kInterval, true}), 0u);
}

TEST(BlockPacing, OnlyTheNextProposerSkipsTheInterval) {
  EXPECT_EQ(NextHeightDelayMs({16000, 2200, 2500, kInterval, false}), kInterval);
  EXPECT_EQ(NextHeightDelayMs({0, 2500, 2500, kInterval, false}), kInterval);
  EXPECT_EQ(NextHeightDelayMs({16000, 2200, 2500, kInterval, true}), 0u);
}

TEST(BlockPacing, AnUnknownCapacityKeepsTheInterval) {
  EXPECT_EQ(NextHeightDelayMs({16000, 2200, 0, kInterval, true}), kInterval);
}

TEST(BlockPacing, AZeroIntervalStaysZero) {
  EXPECT_EQ(NextHeightDelayMs({0, 0, 100, 0, true}), 0u);
}

}  // namespace
}  // namespace jobcard::node
