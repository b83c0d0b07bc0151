// The consensus host uses the pacing and timeouts of its config (node.json's
// consensus_* fields, node/node_config.h) rather than fixed values: the most
// transactions it proposes per block, the pause between heights (and that a
// backlog skips it), and the propose timeout after which a round without a
// proposal moves on; and a node refuses a max above the genesis's. Each
// timing check is a lower bound, a count, or (the backlog) a bound of one
// whole 20 s interval for a few blocks of 20 transactions.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>

#include "ledger/tx.h"
#include "node/consensus/validator_set.h"
#include "node/node_service.h"
#include "tests/support/chain_fixture.h"
#include "tests/support/consensus_cluster.h"
#include "tests/support/temp_dir.h"

namespace jobcard::testing {
namespace {

constexpr std::uint64_t kMaxWaitMs = 60000;
constexpr std::uint64_t kIntervalMs = 1200;
constexpr std::uint64_t kProposeMs = 2500;
constexpr std::uint64_t kLongIntervalMs = 20000;

bool AllCommitted(ConsensusCluster& c, const std::vector<ledger::Tx>& txs) {
  for (const auto& tx : txs) {
    if (!c.AllCommitted(ledger::TxId(c.chain().genesis.chain_id, tx))) return false;
  }
  return true;
}

TEST(ConsensusHostConfig, ProposesAtMostTheConfiguredTxsPerBlock) {
  ConsensusCluster c(4);
  c.AdjustHostConfig([](node::ConsensusHostConfig& config) { config.max_block_txs = 2; });
  for (std::size_t i = 0; i < 4; ++i) c.Start(i);
  // Independent enrolments, all pending before the first height starts: the
  // genesis would allow them in one block.
  const auto txs = SyntheticBlockTxs(c.chain(), 1, 5);
  ASSERT_EQ(txs.size(), 5u);
  for (const auto& tx : txs) ASSERT_TRUE(c.Submit(0, tx).ok());
  ASSERT_TRUE(c.RunUntil([&] { return AllCommitted(c, txs); }, kMaxWaitMs));
  EXPECT_GE(c.height(0), 3u);
  for (std::uint64_t h = 1; h <= c.height(0); ++h) {
    auto block = c.store(0).GetBlock(h);
    ASSERT_TRUE(block.ok());
    EXPECT_LE(block->txs.size(), 2u) << "height " << h;
  }
}

TEST(ConsensusHostConfig, WaitsTheConfiguredBlockIntervalBetweenHeights) {
  ConsensusCluster c(4);  // the genesis's block interval is 30 ms
  c.AdjustHostConfig([](node::ConsensusHostConfig& config) { config.block_interval_ms = kIntervalMs; });
  for (std::size_t i = 0; i < 4; ++i) c.Start(i);
  const auto txs = SyntheticBlockTxs(c.chain(), 1, 2);
  ASSERT_TRUE(c.Submit(1, txs[0]).ok());
  ASSERT_TRUE(c.RunUntil([&] { return AllCommitted(c, {txs[0]}); }, kMaxWaitMs));
  ASSERT_TRUE(c.Submit(1, txs[1]).ok());
  ASSERT_TRUE(c.RunUntil([&] { return AllCommitted(c, {txs[1]}); }, kMaxWaitMs));
  ASSERT_EQ(c.height(1), 2u);
  auto first = c.store(1).GetBlock(1);
  auto second = c.store(1).GetBlock(2);
  ASSERT_TRUE(first.ok() && second.ok());
  // Block 2 is proposed no sooner than the interval after block 1 committed,
  // which is after block 1 was proposed.
  EXPECT_GE(second->header.time_ms - first->header.time_ms, kIntervalMs);
}

// Under a backlog (the pool holds a full block, or the last block was full)
// the next height starts right after the commit, not an interval later
// (node/block_pacing.h). The bound is one whole interval of 20 s for the
// three or four blocks, which the old pacing needs two or three times over.
TEST(ConsensusHostConfig, ABacklogStartsEachHeightRightAfterTheCommit) {
  ConsensusCluster c(4);
  c.AdjustHostConfig([](node::ConsensusHostConfig& config) {
    config.block_interval_ms = kLongIntervalMs;
    config.max_block_txs = 20;
  });
  for (std::size_t i = 0; i < 4; ++i) c.Start(i);
  const auto txs = SyntheticBlockTxs(c.chain(), 1, 60);  // 60 independent enrolments: 3 full blocks
  for (std::size_t t = 0; t < txs.size(); ++t) ASSERT_TRUE(c.Submit(t % 4, txs[t]).ok());
  ASSERT_TRUE(c.RunUntil([&] { return AllCommitted(c, txs); }, 3 * kLongIntervalMs))
      << "heights " << c.height(0) << " " << c.height(1) << " " << c.height(2) << " " << c.height(3);
  const std::uint64_t last = c.height(0);
  ASSERT_GE(last, 3u);
  auto first = c.store(0).GetBlock(1);
  auto latest = c.store(0).GetBlock(last);
  ASSERT_TRUE(first.ok() && latest.ok());
  // Block times are the proposers' clocks when they built the blocks.
  EXPECT_LT(latest->header.time_ms - first->header.time_ms, kLongIntervalMs)
      << last << " blocks: the heights after a full block waited for the block interval";
  EXPECT_TRUE(c.fatal_errors().empty());
}

TEST(ConsensusHostConfig, ARoundWithoutItsProposerLastsTheConfiguredProposeTimeout) {
  ConsensusCluster c(4);
  c.AdjustHostConfig([](node::ConsensusHostConfig& config) { config.timeouts.propose_base_ms = kProposeMs; });
  for (std::size_t i = 0; i < 4; ++i) c.Start(i);
  // Stop the proposer of height 1, round 0: the others wait out the propose
  // timeout before round 1, whose proposer is another validator.
  auto set = node::consensus::ValidatorSet::Create(c.store(0).GetValidators());
  ASSERT_TRUE(set.ok());
  node::consensus::ProposerSchedule schedule(*set);
  const crypto::PublicKey proposer = set->members()[schedule.ProposerOf(0)].key;
  std::size_t stopped = c.size();
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (c.key(i).public_key() == proposer) stopped = i;
  }
  ASSERT_LT(stopped, c.size());
  c.Stop(stopped);
  const std::size_t through = (stopped + 1) % c.size();
  const auto tx = SyntheticBlockTxs(c.chain(), 1, 1)[0];
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(c.Submit(through, tx).ok());
  ASSERT_TRUE(c.RunUntil([&] { return c.height(through) >= 1; }, kMaxWaitMs));
  const auto elapsed_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  EXPECT_GE(static_cast<std::uint64_t>(elapsed_ms), kProposeMs);
  auto cert = c.store(through).GetCertificate(1);
  ASSERT_TRUE(cert.ok());
  EXPECT_GE(cert->round, 1u) << "committed in round 0 although its proposer was stopped";
}

TEST(ConsensusHostConfig, ANodeRefusesToProposeMoreTxsThanTheGenesisAllows) {
  TempDir home;
  const TestChain chain = MakeTestChain();
  std::ofstream(home.path() / "genesis.json") << ledger::GenesisToJson(chain.genesis).dump(2) << "\n";
  node::NodeConfig config;
  config.consensus.max_block_txs = chain.genesis.params.max_block_txs + 1;
  auto refused = node::NodeService::Open(home.path(), config, std::nullopt);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "config.invalid");
  EXPECT_NE(refused.error().message.find("consensus_max_block_txs"), std::string::npos) << refused.error().message;
  config.consensus.max_block_txs = chain.genesis.params.max_block_txs;
  auto opened = node::NodeService::Open(home.path(), config, std::nullopt);
  EXPECT_TRUE(opened.ok()) << opened.error().message;
}

}  // namespace
}  // namespace jobcard::testing
