// Evidence of equivocation: the evidence file's encoding (canonical, only
// real pairs, bounded), a damaged file moved aside, the host keeping
// evidence across a restart without scoring the honest peer that relayed
// one of the two votes, and conflicting votes that arrive after the node
// decided their height (DecidedVotes: one pair per slot, only for the keys
// that may vote, bounded; then the host).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "node/consensus/decided_votes.h"
#include "node/consensus_wire.h"
#include "node/evidence_file.h"
#include "tests/support/chain_fixture.h"
#include "tests/support/consensus_cluster.h"
#include "tests/support/fixtures.h"
#include "tests/support/temp_dir.h"

namespace jobcard::testing {
namespace {

using node::consensus::DecidedVotes;
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

TEST(DecidedVotes, AConflictingLateVoteMakesOnePairPerSlot) {
  const auto key = KeyFromByte(0x51);
  DecidedVotes votes;
  votes.Open(7, {key.public_key()});
  const auto first = SignVote(kTestChainId, VoteType::kPrecommit, 7, 1, HashOfByte(1), key);
  EXPECT_TRUE(votes.WouldMatter(first));
  EXPECT_FALSE(votes.Add(first).has_value());
  EXPECT_FALSE(votes.WouldMatter(first)) << "the same vote again changes nothing";
  EXPECT_FALSE(votes.Add(first).has_value());

  const auto conflict = SignVote(kTestChainId, VoteType::kPrecommit, 7, 1, std::nullopt, key);
  ASSERT_TRUE(votes.WouldMatter(conflict));
  auto pair = votes.Add(conflict);
  ASSERT_TRUE(pair.has_value());
  EXPECT_EQ(pair->first, first);
  EXPECT_EQ(pair->second, conflict);
  // The slot has made its pair: a third value proves nothing more.
  const auto third = SignVote(kTestChainId, VoteType::kPrecommit, 7, 1, HashOfByte(3), key);
  EXPECT_FALSE(votes.WouldMatter(third));
  EXPECT_FALSE(votes.Add(third).has_value());
  // Another type or round of the same height is another slot.
  EXPECT_FALSE(votes.Add(SignVote(kTestChainId, VoteType::kPrevote, 7, 1, std::nullopt, key)).has_value());
  EXPECT_FALSE(votes.Add(SignVote(kTestChainId, VoteType::kPrecommit, 7, 2, std::nullopt, key)).has_value());
}

TEST(DecidedVotes, OnlyKeptHeightsAndTheirValidatorsCount) {
  const auto member = KeyFromByte(0x51);
  const auto stranger = KeyFromByte(0x52);
  DecidedVotes votes(/*heights_kept=*/3);
  for (std::uint64_t h = 1; h <= 5; ++h) votes.Open(h, {member.public_key()});
  EXPECT_FALSE(votes.Holds(2));
  EXPECT_TRUE(votes.Holds(3));
  EXPECT_TRUE(votes.Holds(5));
  EXPECT_FALSE(votes.WouldMatter(SignVote(kTestChainId, VoteType::kPrevote, 2, 0, HashOfByte(1), member)));
  EXPECT_FALSE(votes.WouldMatter(SignVote(kTestChainId, VoteType::kPrevote, 4, 0, HashOfByte(1), stranger)));
  (void)votes.Add(SignVote(kTestChainId, VoteType::kPrevote, 4, 0, HashOfByte(1), stranger));
  EXPECT_EQ(votes.size(), 0u);
  // A height far below the newest is not opened again.
  votes.Open(1, {member.public_key()});
  EXPECT_FALSE(votes.Holds(1));
  // Opening a kept height again adds keys and keeps its votes.
  (void)votes.Add(SignVote(kTestChainId, VoteType::kPrevote, 4, 0, HashOfByte(1), member));
  votes.Open(4, {stranger.public_key()});
  EXPECT_TRUE(votes.IsValidator(4, stranger.public_key()));
  EXPECT_TRUE(votes.IsValidator(4, member.public_key()));
  EXPECT_EQ(votes.size(), 1u);
}

TEST(DecidedVotes, AFloodIsBoundedAndStillCompared) {
  const auto key = KeyFromByte(0x51);
  DecidedVotes votes(/*heights_kept=*/2, /*max_votes_per_height=*/64);
  votes.Open(9, {key.public_key()});
  const auto kept = SignVote(kTestChainId, VoteType::kPrevote, 9, 0, HashOfByte(1), key);
  (void)votes.Add(kept);
  for (std::uint32_t round = 1; round < 500; ++round) {
    (void)votes.Add(SignVote(kTestChainId, VoteType::kPrevote, 9, round, std::nullopt, key));
  }
  EXPECT_EQ(votes.size(), 64u);
  // What was kept before the flood still finds its conflict.
  EXPECT_TRUE(votes.Add(SignVote(kTestChainId, VoteType::kPrevote, 9, 0, HashOfByte(2), key)).has_value());
  votes.Open(10, {key.public_key()});
  votes.Open(11, {key.public_key()});
  EXPECT_EQ(votes.size(), 0u) << "height 9 left with its votes";
}

bool Scored(ConsensusCluster& c, const crypto::PublicKey& key) {
  for (const auto& [offender, reason] : c.hub().penalties()) {
    if (offender == key) return true;
  }
  return false;
}

// A height is decided by validators 0-2; then votes for it arrive. The
// machine has forgotten the height, so before decided_votes.h no evidence
// was kept for them (RELIABILITY.md, "equivocating proposer, after the
// merge"). Now: a precommit contradicting one of the commit certificate's,
// relayed by an honest peer, is kept (the relay not scored); two late
// prevotes that contradict each other are kept and score their signer,
// who sent them itself; a vote that repeats one held changes nothing; and
// after a restart the pairs are there once, a repeat of the conflict adding
// none.
TEST(ConsensusEvidence, ConflictingVotesAfterTheDecisionAreKept) {
  ConsensusCluster c(4);
  for (std::size_t i = 0; i < 3; ++i) c.Start(i);
  ASSERT_TRUE(c.Submit(0, SyntheticBlockTxs(c.chain(), 1, 1)[0]).ok());
  ASSERT_TRUE(c.RunUntil([&] { return c.height(0) >= 1 && c.height(1) >= 1 && c.height(2) >= 1; }, 60000));
  const std::uint64_t height = 1;
  const std::string chain_id = c.chain().genesis.chain_id;
  auto certificate = c.store(0).GetCertificate(height);
  ASSERT_TRUE(certificate.ok());
  const auto& signer = c.key(1);
  ASSERT_TRUE(std::any_of(certificate->signatures.begin(), certificate->signatures.end(),
                          [&](const auto& s) { return s.validator == signer.public_key(); }));
  ASSERT_TRUE(c.host(0).evidence().empty());

  auto deliver = [&](const crypto::PublicKey& from, const node::consensus::Vote& vote) {
    c.host(0).OnMessage(from, node::p2p::Channel::kConsensus, node::EncodeConsensusMessage(vote));
  };
  // The certificate's own precommit again: nothing.
  deliver(c.key(2).public_key(),
          SignVote(chain_id, VoteType::kPrecommit, height, certificate->round, certificate->block_hash, signer));
  EXPECT_TRUE(c.host(0).evidence().empty());
  // A precommit for another value in the same round, relayed by node 2.
  const auto conflict = SignVote(chain_id, VoteType::kPrecommit, height, certificate->round, HashOfByte(9), signer);
  deliver(c.key(2).public_key(), conflict);
  auto evidence = c.host(0).evidence();
  ASSERT_EQ(evidence.size(), 1u);
  EXPECT_EQ(evidence[0].first.validator, signer.public_key());
  EXPECT_EQ(evidence[0].first.value, certificate->block_hash);
  EXPECT_EQ(evidence[0].second, conflict);
  EXPECT_FALSE(Scored(c, c.key(2).public_key())) << "the honest relay was scored";
  deliver(c.key(2).public_key(), conflict);
  EXPECT_EQ(c.host(0).evidence().size(), 1u) << "the same conflict kept twice";

  // Validator 3 (down, Byzantine) sends two prevotes for the decided height itself.
  const auto& byzantine = c.key(3);
  deliver(byzantine.public_key(), SignVote(chain_id, VoteType::kPrevote, height, 0, HashOfByte(1), byzantine));
  EXPECT_EQ(c.host(0).evidence().size(), 1u);
  EXPECT_FALSE(Scored(c, byzantine.public_key()));
  deliver(byzantine.public_key(), SignVote(chain_id, VoteType::kPrevote, height, 0, HashOfByte(2), byzantine));
  evidence = c.host(0).evidence();
  ASSERT_EQ(evidence.size(), 2u);
  EXPECT_EQ(evidence[1].first.validator, byzantine.public_key());
  EXPECT_TRUE(Scored(c, byzantine.public_key()));
  // A forged late vote scores its sender and makes no pair.
  auto forged = SignVote(chain_id, VoteType::kPrecommit, height, certificate->round + 1, HashOfByte(5), byzantine);
  forged.signature[0] ^= 1;
  deliver(c.key(2).public_key(), forged);
  EXPECT_TRUE(Scored(c, c.key(2).public_key()));
  EXPECT_EQ(c.host(0).evidence().size(), 2u);
  EXPECT_GT(c.host(0).footprint().decided_votes, 0u);

  c.Stop(0);
  c.Start(0);
  EXPECT_EQ(c.host(0).evidence(), evidence);
  // After the restart the certificate is held again: the conflict is found
  // once more and not added twice.
  deliver(c.key(2).public_key(), conflict);
  EXPECT_EQ(c.host(0).evidence(), evidence);
}

}  // namespace
}  // namespace jobcard::testing
