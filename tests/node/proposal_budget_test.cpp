// ProposalBudget: a proposal holds what the proposer can execute in a quarter
// of the round's propose timeout, at its measured cost per transaction.
#include "node/proposal_budget.h"

#include <gtest/gtest.h>

namespace jobcard::node {
namespace {

TEST(ProposalBudget, BeforeAnyMeasurementAssumesAMillisecondPerTransaction) {
  ProposalBudget budget;
  EXPECT_EQ(budget.MaxTxs(3000, 20000), 750u);
}

TEST(ProposalBudget, SlowExecutionShrinksTheNextProposal) {
  // The devnet stall: 8,887 transactions executed in 8,421 ms against a
  // 3,000 ms propose timeout. The next proposal must fit in 750 ms.
  ProposalBudget budget;
  budget.Observe(8887, 8421);
  const std::uint32_t max = budget.MaxTxs(3000, 20000);
  EXPECT_LE(max, 800u);
  EXPECT_GE(max, 700u);
  EXPECT_LE(static_cast<double>(max) * budget.ms_per_tx(), 750.0 + 1.0);
}

TEST(ProposalBudget, FastExecutionGrowsItUpToTheCap) {
  ProposalBudget budget;
  for (int i = 0; i < 10; ++i) budget.Observe(5000, 100);  // 0.02 ms each
  EXPECT_EQ(budget.MaxTxs(3000, 20000), 20000u);           // 37,500 fit; the cap holds
  EXPECT_EQ(budget.MaxTxs(3000, 30000), 30000u);
  EXPECT_EQ(budget.MaxTxs(1000, 100000), 12500u);
}

TEST(ProposalBudget, LaterRoundsWithLongerTimeoutsAllowMore) {
  ProposalBudget budget;
  budget.Observe(1000, 1000);
  EXPECT_LT(budget.MaxTxs(3000, 20000), budget.MaxTxs(3500, 20000));
}

TEST(ProposalBudget, NeverBelowTheFloorNorAboveTheCap) {
  ProposalBudget budget;
  budget.Observe(100, 60000);  // 600 ms per transaction
  EXPECT_EQ(budget.MaxTxs(3000, 20000), ProposalBudget::kMinTxs);
  EXPECT_EQ(budget.MaxTxs(3000, 10), 10u);
}

TEST(ProposalBudget, SmallBlocksAreNotMeasured) {
  ProposalBudget budget;
  budget.Observe(1, 50);  // fixed costs of an almost empty block
  EXPECT_EQ(budget.MaxTxs(3000, 20000), 750u);
}

TEST(ProposalBudget, FollowsAChangeWithinAFewBlocks) {
  ProposalBudget budget;
  budget.Observe(1000, 100);  // 0.1 ms
  const std::uint32_t fast = budget.MaxTxs(3000, 20000);
  for (int i = 0; i < 4; ++i) budget.Observe(1000, 1000);  // the machine got 10x slower
  const std::uint32_t slow = budget.MaxTxs(3000, 20000);
  EXPECT_LT(slow * 5, fast);
  EXPECT_LE(slow, 900u);
}

}  // namespace
}  // namespace jobcard::node
