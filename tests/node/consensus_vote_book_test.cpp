// The vote book: tallies by power, first vote counts, evidence once, and the
// future-round bound that keeps each validator's highest rounds.
#include "node/consensus/vote_book.h"

#include <gtest/gtest.h>

#include "tests/node/consensus_test_util.h"
#include "tests/support/fixtures.h"

namespace jobcard::node::consensus {
namespace {

using jobcard::testing::KeyFromByte;
using jobcard::testing::kTestChainId;

Vote Prevote(std::uint8_t who, std::uint32_t round, std::optional<Hash32> value) {
  return SignVote(kTestChainId, VoteType::kPrevote, 1, round, value, KeyFromByte(who));
}

TEST(ConsensusVoteBook, TalliesPowerByValueAndSender) {
  VoteBook book({1, 2, 3});
  std::optional<DuplicateVoteEvidence> evidence;
  EXPECT_EQ(book.AddVote(1, Prevote(2, 0, HashOf(1)), evidence), AddResult::kAdded);
  EXPECT_EQ(book.AddVote(2, Prevote(3, 0, std::nullopt), evidence), AddResult::kAdded);
  EXPECT_EQ(book.AddVote(1, Prevote(2, 0, HashOf(1)), evidence), AddResult::kDuplicate);
  EXPECT_FALSE(evidence);
  EXPECT_EQ(book.VotePower(0, VoteType::kPrevote, HashOf(1)), 2u);
  EXPECT_EQ(book.VotePower(0, VoteType::kPrevote, std::nullopt), 3u);
  EXPECT_EQ(book.AnyVotePower(0, VoteType::kPrevote), 5u);
  EXPECT_EQ(book.AnyVotePower(0, VoteType::kPrecommit), 0u);
  EXPECT_EQ(book.SenderPower(0), 5u);
  EXPECT_TRUE(book.Holds(1, Prevote(2, 0, HashOf(1))));
  EXPECT_FALSE(book.Holds(1, Prevote(2, 0, HashOf(2))));
}

TEST(ConsensusVoteBook, CountsAnEquivocatorOncePerValueAndKeepsEvidenceOnce) {
  VoteBook book({1, 2, 3});
  std::optional<DuplicateVoteEvidence> evidence;
  EXPECT_EQ(book.AddVote(1, Prevote(2, 0, HashOf(1)), evidence), AddResult::kAdded);
  EXPECT_EQ(book.AddVote(1, Prevote(2, 0, HashOf(2)), evidence), AddResult::kEquivocation);
  ASSERT_TRUE(evidence);
  EXPECT_EQ(evidence->first.value, HashOf(1));
  EXPECT_EQ(evidence->second.value, HashOf(2));
  EXPECT_EQ(book.AddVote(1, Prevote(2, 0, std::nullopt), evidence), AddResult::kEquivocation);
  EXPECT_FALSE(evidence);
  EXPECT_EQ(book.VotePower(0, VoteType::kPrevote, HashOf(1)), 2u);
  EXPECT_EQ(book.VotePower(0, VoteType::kPrevote, HashOf(2)), 2u);
  EXPECT_EQ(book.VotePower(0, VoteType::kPrevote, std::nullopt), 2u);
  EXPECT_EQ(book.AnyVotePower(0, VoteType::kPrevote), 2u);
  // kMaxVotesPerSlot different votes at most; the rest is refused, not
  // reported as taken, and not counted.
  EXPECT_FALSE(book.HasRoomFor(1, Prevote(2, 0, HashOf(3))));
  EXPECT_TRUE(book.HasRoomFor(1, SignVote(kTestChainId, VoteType::kPrecommit, 1, 0, HashOf(3), KeyFromByte(2))));
  EXPECT_EQ(book.AddVote(1, Prevote(2, 0, HashOf(3)), evidence), AddResult::kOverLimit);
  EXPECT_FALSE(evidence);
  EXPECT_EQ(book.VotePower(0, VoteType::kPrevote, HashOf(3)), 0u);
  EXPECT_EQ(book.AddVote(1, Prevote(2, 0, HashOf(1)), evidence), AddResult::kDuplicate);
  EXPECT_EQ(book.SenderPower(0), 2u);
}

TEST(ConsensusVoteBook, KeepsEachValidatorsHighestFutureRounds) {
  VoteBook book({1, 1, 1, 1});
  std::optional<DuplicateVoteEvidence> evidence;
  EXPECT_EQ(book.AddVote(1, Prevote(2, 5, HashOf(1)), evidence), AddResult::kAdded);
  EXPECT_EQ(book.AddVote(1, Prevote(2, 6, HashOf(1)), evidence), AddResult::kAdded);
  EXPECT_EQ(book.AddVote(2, Prevote(3, 5, HashOf(1)), evidence), AddResult::kAdded);
  EXPECT_EQ(book.SenderPower(5), 2u);
  EXPECT_FALSE(book.HasRoomFor(1, 4));
  EXPECT_EQ(book.AddVote(1, Prevote(2, 4, HashOf(1)), evidence), AddResult::kOverLimit);
  EXPECT_EQ(book.AddVote(1, Prevote(2, 7, HashOf(1)), evidence), AddResult::kAdded);  // evicts round 5
  EXPECT_EQ(book.VotePower(5, VoteType::kPrevote, HashOf(1)), 1u);
  EXPECT_EQ(book.SenderPower(5), 1u);
  EXPECT_FALSE(book.Holds(1, Prevote(2, 5, HashOf(1))));
  EXPECT_EQ(book.Rounds(), (std::vector<std::uint32_t>{5, 6, 7}));
  // Rounds at or below the current one are never refused.
  book.SetCurrentRound(6);
  EXPECT_EQ(book.AddVote(1, Prevote(2, 4, HashOf(1)), evidence), AddResult::kAdded);
  EXPECT_EQ(book.AddVote(1, Prevote(2, 9, HashOf(1)), evidence), AddResult::kAdded);
}

TEST(ConsensusVoteBook, KeepsAFewProposalsPerRoundAndSortsCertificateSignatures) {
  VoteBook book({1, 1, 1, 1});
  for (std::uint8_t i = 0; i < kMaxProposalsPerRound; ++i) {
    Proposal p = SignProposal(kTestChainId, 1, 0, std::nullopt, HashOf(i), KeyFromByte(1));
    EXPECT_EQ(book.AddProposal(0, p, true), i == 0 ? AddResult::kAdded : AddResult::kEquivocation);
    EXPECT_EQ(book.AddProposal(0, p, true), AddResult::kDuplicate);
  }
  Proposal extra = SignProposal(kTestChainId, 1, 0, std::nullopt, HashOf(99), KeyFromByte(1));
  EXPECT_EQ(book.AddProposal(0, extra, true), AddResult::kOverLimit);
  EXPECT_EQ(book.Proposals(0).size(), kMaxProposalsPerRound);
  EXPECT_EQ(book.SenderPower(0), 1u);

  std::optional<DuplicateVoteEvidence> evidence;
  for (std::uint8_t who : {4, 2, 3}) {
    Vote v = SignVote(kTestChainId, VoteType::kPrecommit, 1, 0, HashOf(7), KeyFromByte(who));
    EXPECT_EQ(book.AddVote(who - 1, v, evidence), AddResult::kAdded);
  }
  auto signatures = book.CommitSignatures(0, HashOf(7));
  ASSERT_EQ(signatures.size(), 3u);
  EXPECT_TRUE(std::is_sorted(signatures.begin(), signatures.end(),
                             [](const auto& a, const auto& b) { return a.validator < b.validator; }));
}

}  // namespace
}  // namespace jobcard::node::consensus
