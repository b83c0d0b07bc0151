// When the consensus host pushes a committed block to a peer that seems
// behind (spec/consensus.md, "Catch-up"): not to a peer at the height it
// committed last within a gossip interval of that commit (the slowest
// validator's late precommit, or its status sent while it executed the
// block: it is committing that height too), but to one still there after
// the interval, and to one two or more heights back at once. Four
// validators on the in-memory bus; node 1's key plays the peer. Every wait
// is bounded.
#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "ledger/tx.h"
#include "node/consensus_wire.h"
#include "tests/support/chain_fixture.h"
#include "tests/support/consensus_cluster.h"

namespace jobcard::testing {
namespace {

using node::p2p::Channel;

constexpr std::uint64_t kMaxWaitMs = 60000;
constexpr std::uint64_t kPastIntervalMs = 250;  // the cluster's gossip interval is 100 ms

class ConsensusHostServe : public ::testing::Test {
 protected:
  void Start(std::uint64_t gossip_interval_ms) {
    c_.AdjustHostConfig([gossip_interval_ms](node::ConsensusHostConfig& config) { config.gossip_interval_ms = gossip_interval_ms; });
    const crypto::PublicKey node0 = c_.key(0).public_key(), node1 = c_.key(1).public_key();
    c_.hub().lose = [this, node0, node1](const crypto::PublicKey& from, Channel channel, ByteView payload) {
      if (from == node1 && channel == Channel::kConsensus) KeepPrecommit(payload);
      if (from == node0 && channel == Channel::kSync) KeepServedHeight(payload);
      return false;
    };
    c_.StartAll();
  }

  // Commits one block of fresh transactions; returns its height.
  std::uint64_t CommitABlock() {
    const std::uint64_t next = c_.height(0) + 1;
    const auto txs = SyntheticBlockTxs(c_.chain(), next, 1);
    for (const auto& tx : txs) EXPECT_TRUE(c_.Submit(0, tx).ok());
    EXPECT_TRUE(c_.RunUntil(
        [&] {
          for (std::size_t i = 0; i < c_.size(); ++i) {
            if (c_.height(i) < next) return false;
          }
          return true;
        },
        kMaxWaitMs));
    return next;
  }

  void FromNode1(const node::ConsensusMessage& message) {
    c_.host(0).OnMessage(c_.key(1).public_key(), Channel::kConsensus, node::EncodeConsensusMessage(message));
    c_.RunFor(50);
  }

  void KeepPrecommit(ByteView payload) {
    auto decoded = node::DecodeConsensusMessage(payload);
    if (!decoded.ok()) return;
    const auto* vote = std::get_if<node::consensus::Vote>(&*decoded);
    if (vote && vote->type == node::consensus::VoteType::kPrecommit && vote->value && !precommits_.count(vote->height)) {
      precommits_.emplace(vote->height, *vote);
    }
  }
  void KeepServedHeight(ByteView payload) {
    auto decoded = node::DecodeSyncMessage(payload);
    if (!decoded.ok()) return;
    if (const auto* block = std::get_if<node::CertifiedBlock>(&*decoded)) served_.push_back(block->block.header.height);
  }

  ConsensusCluster c_{4};
  std::map<std::uint64_t, node::consensus::Vote> precommits_;  // node 1's first precommit for a block, by height
  std::vector<std::uint64_t> served_;                          // heights node 0 pushed
};

// A long gossip interval (10 s) keeps the test inside "just committed".
TEST_F(ConsensusHostServe, APeerAtTheHeightJustCommittedIsNotPushedTheBlock) {
  Start(10000);
  const std::uint64_t h = CommitABlock();
  ASSERT_TRUE(precommits_.count(h)) << "node 1's precommit for the block was not seen";
  served_.clear();
  FromNode1(precommits_.at(h));
  EXPECT_TRUE(served_.empty()) << "pushed block " << served_.front() << " for a late precommit";
  FromNode1(node::StatusMessage{h});
  EXPECT_TRUE(served_.empty()) << "pushed block " << served_.front() << " for a status sent while committing";
  EXPECT_TRUE(c_.hub().penalties().empty());
}

TEST_F(ConsensusHostServe, APeerStillThereAGossipIntervalLaterIsPushedTheBlock) {
  Start(100);
  const std::uint64_t h = CommitABlock();
  c_.RunFor(kPastIntervalMs);
  served_.clear();
  FromNode1(node::StatusMessage{h});
  ASSERT_EQ(served_.size(), 1u);
  EXPECT_EQ(served_.front(), h);
  EXPECT_TRUE(c_.fatal_errors().empty());
}

TEST_F(ConsensusHostServe, AVoteTwoHeightsBackIsAnsweredAtOnce) {
  Start(10000);
  const std::uint64_t first = CommitABlock();
  ASSERT_TRUE(precommits_.count(first));
  const std::uint64_t second = CommitABlock();
  ASSERT_EQ(second, first + 1);
  served_.clear();
  FromNode1(precommits_.at(first));
  ASSERT_EQ(served_.size(), 1u);
  EXPECT_EQ(served_.front(), first);
  EXPECT_TRUE(c_.fatal_errors().empty());
}

}  // namespace
}  // namespace jobcard::testing
