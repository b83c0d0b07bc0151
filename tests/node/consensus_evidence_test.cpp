// Evidence of equivocation: the evidence file's encoding (canonical, only
// real pairs, bounded), a damaged file moved aside, and the host keeping
// evidence across a restart without scoring the honest peer that relayed
// one of the two votes.
#include <gtest/gtest.h>

#include <fstream>

#include "node/consensus_wire.h"
#include "node/evidence_file.h"
#include "tests/support/consensus_cluster.h"
#include "tests/support/fixtures.h"
#include "tests/support/temp_dir.h"

namespace jobcard::testing {
namespace {

using node::consensus::DuplicateVoteEvidence;
using node::consensus::SignVote;
using node::consensus::VoteType;

Hash32 HashOfByte(std::uint8_t b) {
  Hash32 h{};
  h.fill(b);
  return h;
}

DuplicateVoteEvidence PairAt(std::uint64_t height, const crypto::SigningKey& key) {
  return {SignVote(kTestChainId, VoteType::kPrevote, height, 0, HashOfByte(1), key),
          SignVote(kTestChainId, VoteType::kPrevote, height, 0, HashOfByte(2), key)};
}

TEST(EvidenceFile, RoundTripsAndIsCanonical) {
  const auto key = KeyFromByte(0x43);
  const std::vector<DuplicateVoteEvidence> list{PairAt(3, key), PairAt(9, key)};
  const Bytes bytes = node::EncodeEvidenceList(list);
  auto decoded = node::DecodeEvidenceList(bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(*decoded, list);
  Bytes trailing = bytes;
  trailing.push_back(0);
  EXPECT_FALSE(node::DecodeEvidenceList(trailing).ok());
  Bytes truncated(bytes.begin(), bytes.end() - 1);
  EXPECT_FALSE(node::DecodeEvidenceList(truncated).ok());
}

TEST(EvidenceFile, RefusesWhatIsNotAConflictingPair) {
  const auto key = KeyFromByte(0x43);
  const auto vote = SignVote(kTestChainId, VoteType::kPrevote, 3, 0, HashOfByte(1), key);
  auto same = node::DecodeEvidenceList(node::EncodeEvidenceList({{vote, vote}}));
  ASSERT_FALSE(same.ok());
  EXPECT_EQ(same.error().code, "evidence.not_a_pair");
  const auto other_height = SignVote(kTestChainId, VoteType::kPrevote, 4, 0, HashOfByte(2), key);
  EXPECT_FALSE(node::DecodeEvidenceList(node::EncodeEvidenceList({{vote, other_height}})).ok());
  const auto other_key = SignVote(kTestChainId, VoteType::kPrevote, 3, 0, HashOfByte(2), KeyFromByte(0x44));
  EXPECT_FALSE(node::DecodeEvidenceList(node::EncodeEvidenceList({{vote, other_key}})).ok());
}

TEST(EvidenceFile, MissingFileIsEmptyAndDamagedFileIsMovedAside) {
  TempDir dir;
  const auto path = dir.path() / "evidence";
  auto none = node::LoadEvidence(path);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());

  const std::vector<DuplicateVoteEvidence> list{PairAt(5, KeyFromByte(0x43))};
  ASSERT_TRUE(node::SaveEvidence(path, list).ok());
  auto loaded = node::LoadEvidence(path);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(*loaded, list);

  std::ofstream(path, std::ios::binary | std::ios::trunc) << "not evidence";
  auto damaged = node::LoadEvidence(path);
  ASSERT_TRUE(damaged.ok());
  EXPECT_TRUE(damaged->empty());
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "evidence.damaged"));
}

// Validator 3 is Byzantine and down; its two prevotes reach node 0 through
// node 1 (an honest relay). Node 0 keeps the pair, does not score node 1,
// and still has the pair after a restart.
TEST(ConsensusEvidence, SurvivesARestartAndTheRelayIsNotScored) {
  ConsensusCluster c(4);
  for (std::size_t i = 0; i < 3; ++i) c.Start(i);
  const auto& byzantine = c.key(3);
  const std::uint64_t height = c.height(0) + 1;
  const std::string chain_id = c.chain().genesis.chain_id;
  for (std::uint8_t value : {1, 2}) {
    const auto vote = SignVote(chain_id, VoteType::kPrevote, height, 0, HashOfByte(value), byzantine);
    c.host(0).OnMessage(c.key(1).public_key(), node::p2p::Channel::kConsensus, node::EncodeConsensusMessage(vote));
  }
  auto evidence = c.host(0).evidence();
  ASSERT_EQ(evidence.size(), 1u);
  EXPECT_EQ(evidence[0].first.validator, byzantine.public_key());
  EXPECT_NE(evidence[0].first.value, evidence[0].second.value);
  for (const auto& [offender, reason] : c.hub().penalties()) {
    EXPECT_NE(offender, c.key(1).public_key()) << "the honest relay was scored: " << reason;
  }

  c.Stop(0);
  c.Start(0);
  EXPECT_EQ(c.host(0).evidence(), evidence);

  // Sent by the equivocator itself, the second vote does score it.
  const auto again = SignVote(chain_id, VoteType::kPrecommit, height, 0, HashOfByte(3), byzantine);
  const auto conflict = SignVote(chain_id, VoteType::kPrecommit, height, 0, HashOfByte(4), byzantine);
  c.host(1).OnMessage(byzantine.public_key(), node::p2p::Channel::kConsensus, node::EncodeConsensusMessage(again));
  c.host(1).OnMessage(byzantine.public_key(), node::p2p::Channel::kConsensus, node::EncodeConsensusMessage(conflict));
  c.RunFor(50);
  bool scored = false;
  for (const auto& [offender, reason] : c.hub().penalties()) scored |= offender == byzantine.public_key();
  EXPECT_TRUE(scored);
}

}  // namespace
}  // namespace jobcard::testing
