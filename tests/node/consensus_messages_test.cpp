// Consensus messages, sign state and validator set: encodings (round trips,
// every rejection), what each signature binds, and the proposer rotation.
#include <gtest/gtest.h>

#include "ledger/state_records.h"
#include "node/consensus/messages.h"
#include "node/consensus/sign_state.h"
#include "node/consensus/validator_set.h"
#include "tests/node/consensus_test_util.h"
#include "tests/support/fixtures.h"

namespace jobcard::node::consensus {
namespace {

using jobcard::testing::KeyFromByte;
using jobcard::testing::kTestChainId;

bool Verifies(std::string_view chain_id, const Vote& v) {
  SignedBytes s = VoteSignedBytes(chain_id, v);
  return crypto::Verify(v.validator, s.tag, s.message, v.signature);
}

TEST(ConsensusMessages, ProposalRoundTrips) {
  auto key = KeyFromByte(1);
  for (auto pol : {std::optional<std::uint32_t>{}, std::optional<std::uint32_t>{2}}) {
    Proposal p = SignProposal(kTestChainId, 7, 3, pol, HashOf(9), key);
    Bytes bytes = EncodeProposal(p);
    EXPECT_EQ(bytes.size(), pol ? 145u : 141u);
    auto back = DecodeProposal(bytes);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, p);
  }
}

TEST(ConsensusMessages, VoteRoundTrips) {
  auto key = KeyFromByte(1);
  for (VoteType type : {VoteType::kPrevote, VoteType::kPrecommit}) {
    for (auto value : {std::optional<Hash32>{}, std::optional<Hash32>{HashOf(4)}}) {
      Vote v = SignVote(kTestChainId, type, 5, 1, value, key);
      Bytes bytes = EncodeVote(v);
      EXPECT_EQ(bytes.size(), value ? 142u : 110u);
      auto back = DecodeVote(bytes);
      ASSERT_TRUE(back.ok()) << back.error().message;
      EXPECT_EQ(*back, v);
      EXPECT_TRUE(Verifies(kTestChainId, *back));
    }
  }
}

TEST(ConsensusMessages, DecodersRejectEveryTruncationAndTrailingBytes) {
  auto key = KeyFromByte(1);
  Bytes proposal = EncodeProposal(SignProposal(kTestChainId, 7, 3, 1, HashOf(9), key));
  Bytes vote = EncodeVote(SignVote(kTestChainId, VoteType::kPrevote, 5, 1, HashOf(4), key));
  for (std::size_t n = 0; n < proposal.size(); ++n) {
    EXPECT_FALSE(DecodeProposal(ByteView(proposal).first(n)).ok()) << n;
  }
  for (std::size_t n = 0; n < vote.size(); ++n) EXPECT_FALSE(DecodeVote(ByteView(vote).first(n)).ok()) << n;
  proposal.push_back(0);
  vote.push_back(0);
  EXPECT_EQ(DecodeProposal(proposal).error().code, "encoding.trailing_bytes");
  EXPECT_EQ(DecodeVote(vote).error().code, "encoding.trailing_bytes");
}

TEST(ConsensusMessages, DecodersRejectBadFields) {
  auto key = KeyFromByte(1);
  Bytes vote = EncodeVote(SignVote(kTestChainId, VoteType::kPrevote, 5, 1, HashOf(4), key));
  Bytes bad_type = vote;
  bad_type[0] = 3;
  EXPECT_EQ(DecodeVote(bad_type).error().code, "consensus.vote_type");
  Bytes bad_flag = vote;
  bad_flag[13] = 2;  // the value's presence byte
  EXPECT_EQ(DecodeVote(bad_flag).error().code, "encoding.bad_bool");

  EXPECT_EQ(DecodeVote(EncodeVote(SignVote(kTestChainId, VoteType::kPrevote, 0, 0, {}, key))).error().code,
            "consensus.height");
  EXPECT_EQ(DecodeVote(EncodeVote(SignVote(kTestChainId, VoteType::kPrevote, 1, kMaxRound + 1, {}, key))).error().code,
            "consensus.round");
  EXPECT_TRUE(DecodeVote(EncodeVote(SignVote(kTestChainId, VoteType::kPrevote, 1, kMaxRound, {}, key))).ok());
  EXPECT_EQ(DecodeProposal(EncodeProposal(SignProposal(kTestChainId, 1, 2, 2, HashOf(1), key))).error().code,
            "consensus.pol_round");
  EXPECT_TRUE(DecodeProposal(EncodeProposal(SignProposal(kTestChainId, 1, 2, 1, HashOf(1), key))).ok());
}

TEST(ConsensusMessages, SignaturesBindChainTypeRoundAndValue) {
  auto key = KeyFromByte(1);
  Vote prevote = SignVote(kTestChainId, VoteType::kPrevote, 5, 1, HashOf(4), key);
  EXPECT_FALSE(Verifies("another-chain", prevote));
  Vote as_precommit = prevote;
  as_precommit.type = VoteType::kPrecommit;
  EXPECT_FALSE(Verifies(kTestChainId, as_precommit));
  Vote other_round = prevote;
  other_round.round = 2;
  EXPECT_FALSE(Verifies(kTestChainId, other_round));
  Vote nil = prevote;
  nil.value.reset();
  EXPECT_FALSE(Verifies(kTestChainId, nil));

  // A nil precommit can never pass as a precommit for a block.
  Vote nil_precommit = SignVote(kTestChainId, VoteType::kPrecommit, 5, 1, std::nullopt, key);
  EXPECT_EQ(VoteSignedBytes(kTestChainId, nil_precommit).tag, kPrecommitNilTag);
  Vote forged = nil_precommit;
  forged.value = HashOf(0);
  EXPECT_FALSE(Verifies(kTestChainId, forged));

  Proposal p = SignProposal(kTestChainId, 7, 3, std::nullopt, HashOf(9), key);
  Proposal with_pol = p;
  with_pol.pol_round = 1;
  SignedBytes s = ProposalSignedBytes(kTestChainId, with_pol);
  EXPECT_FALSE(crypto::Verify(key.public_key(), s.tag, s.message, p.signature));
}

TEST(ConsensusMessages, PrecommitsAreCertificateSignatures) {
  std::vector<ledger::ValidatorRecord> set;
  for (std::uint8_t i = 1; i <= 4; ++i) set.push_back({KeyFromByte(i).public_key(), 1, "v"});
  ledger::BlockHeader header;
  header.height = 5;
  header.validator_set_hash = ledger::ValidatorSetHash(set);
  const Hash32 hash = ledger::BlockHash(header);
  ledger::CommitCertificate cert{5, 2, hash, {}};
  for (std::uint8_t i = 1; i <= 3; ++i) {
    Vote v = SignVote(kTestChainId, VoteType::kPrecommit, 5, 2, hash, KeyFromByte(i));
    EXPECT_EQ(ToCommitSignature(v), ledger::SignPrecommit(kTestChainId, 5, 2, hash, KeyFromByte(i)));
    cert.signatures.push_back(ToCommitSignature(v));
  }
  std::sort(cert.signatures.begin(), cert.signatures.end(),
            [](const auto& a, const auto& b) { return a.validator < b.validator; });
  EXPECT_TRUE(ledger::VerifyCertificate(kTestChainId, header, cert, set).ok());
  EXPECT_EQ(PrecommitFromCertificate(cert, cert.signatures[0]).validator, cert.signatures[0].validator);
  EXPECT_TRUE(Verifies(kTestChainId, PrecommitFromCertificate(cert, cert.signatures[1])));
}

TEST(ConsensusSignState, PermitsOnlyStrictlyLaterSteps) {
  SignState s{5, 2, SignStep::kPrevote, std::nullopt};
  EXPECT_FALSE(s.Permits(5, 2, SignStep::kPrevote));
  EXPECT_FALSE(s.Permits(5, 2, SignStep::kPropose));
  EXPECT_FALSE(s.Permits(5, 1, SignStep::kPrecommit));
  EXPECT_FALSE(s.Permits(4, 9, SignStep::kPrecommit));
  EXPECT_TRUE(s.Permits(5, 2, SignStep::kPrecommit));
  EXPECT_TRUE(s.Permits(5, 3, SignStep::kPropose));
  EXPECT_TRUE(s.Permits(6, 0, SignStep::kPropose));
  EXPECT_TRUE(SignState{}.Permits(1, 0, SignStep::kPropose));
}

TEST(ConsensusSignState, RoundTripsAndRejectsBadBytes) {
  for (const SignState& s : {SignState{}, SignState{9, 4, SignStep::kPrecommit, Lock{3, HashOf(7)}}}) {
    Bytes bytes = EncodeSignState(s);
    auto back = DecodeSignState(bytes);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, s);
    bytes.push_back(0);
    EXPECT_FALSE(DecodeSignState(bytes).ok());
  }
  Bytes bad_step = EncodeSignState(SignState{});
  bad_step[12] = 4;
  EXPECT_EQ(DecodeSignState(bad_step).error().code, "consensus.sign_step");
  EXPECT_EQ(DecodeSignState(EncodeSignState(SignState{1, kMaxRound + 1, SignStep::kPrevote, std::nullopt}))
                .error()
                .code,
            "consensus.round");
  EXPECT_EQ(DecodeSignState(EncodeSignState(SignState{1, 2, SignStep::kPrecommit, Lock{3, HashOf(1)}})).error().code,
            "consensus.round");
}

// Found by sign_state_fuzz (tests/fuzz/corpus/sign_state_fuzz/regression-step-none-with-height):
// step none ("nothing signed") with a height was accepted, a state the machine
// never writes and whose lock, on restart, no signature would stand for.
TEST(ConsensusSignState, NothingSignedMustBeAllZero) {
  auto code_of = [](const Result<SignState>& r) { return r.ok() ? std::string("accepted") : r.error().code; };
  const Bytes found = {0x00, 0x11, 0x02, 0x00, 0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  EXPECT_EQ(code_of(DecodeSignState(found)), "consensus.sign_step");
  for (const SignState& s : {SignState{0, 3, SignStep::kNone, std::nullopt},
                             SignState{0, 0, SignStep::kNone, Lock{0, HashOf(2)}}}) {
    EXPECT_EQ(code_of(DecodeSignState(EncodeSignState(s))), "consensus.sign_step");
  }
  EXPECT_TRUE(DecodeSignState(EncodeSignState(SignState{})).ok());
}

std::vector<ledger::ValidatorRecord> Members(std::vector<std::uint64_t> powers) {
  std::vector<ledger::ValidatorRecord> out;
  for (std::size_t i = 0; i < powers.size(); ++i) {
    out.push_back({KeyFromByte(static_cast<std::uint8_t>(i + 1)).public_key(), powers[i], "v"});
  }
  return out;
}

TEST(ConsensusValidatorSet, RejectsBadSets) {
  EXPECT_FALSE(ValidatorSet::Create({}).ok());
  EXPECT_FALSE(ValidatorSet::Create(Members({1, 0})).ok());
  auto twice = Members({1, 1});
  twice[1].key = twice[0].key;
  EXPECT_FALSE(ValidatorSet::Create(twice).ok());
  EXPECT_FALSE(ValidatorSet::Create(Members({1, 1}), {0}).ok());
  EXPECT_FALSE(ValidatorSet::Create(Members({kMaxTotalPower, 1})).ok());
  EXPECT_TRUE(ValidatorSet::Create(Members({kMaxTotalPower - 1, 1})).ok());
}

TEST(ConsensusValidatorSet, QuorumIsMoreThanTwoThirdsAndSkipMoreThanOneThird) {
  auto set = *ValidatorSet::Create(Members({1, 1, 1, 1}));
  EXPECT_TRUE(set.IsQuorum(3));
  EXPECT_FALSE(set.IsQuorum(2));
  EXPECT_TRUE(set.IsOneThird(2));
  EXPECT_FALSE(set.IsOneThird(1));
  auto weighted = *ValidatorSet::Create(Members({3, 1, 1, 1}));  // total 6
  EXPECT_FALSE(weighted.IsQuorum(4));
  EXPECT_TRUE(weighted.IsQuorum(5));
  EXPECT_FALSE(weighted.IsOneThird(2));
  EXPECT_TRUE(weighted.IsOneThird(3));
}

TEST(ConsensusValidatorSet, ProposersRotateInProportionToPower) {
  auto set = *ValidatorSet::Create(Members({1, 2, 3}));
  ProposerSchedule schedule(set);
  std::vector<int> count(3);
  std::vector<std::size_t> order;
  for (std::uint32_t r = 0; r < 60; ++r) {
    order.push_back(schedule.ProposerOf(r));
    ++count[order.back()];
  }
  EXPECT_EQ(count, (std::vector<int>{10, 20, 30}));
  // Smooth: the heaviest validator never proposes three times running here.
  for (std::size_t i = 2; i < order.size(); ++i) {
    EXPECT_FALSE(order[i] == order[i - 1] && order[i] == order[i - 2]) << i;
  }
  // Each height starts one step on: proposer(h + 1, r) = proposer(h, r + 1).
  ProposerSchedule next(set.ForNextHeight());
  for (std::uint32_t r = 0; r < 20; ++r) EXPECT_EQ(next.ProposerOf(r), schedule.ProposerOf(r + 1)) << r;
}

TEST(ConsensusValidatorSet, EqualPowersRotateInKeyOrder) {
  auto members = Members({1, 1, 1, 1});
  auto set = *ValidatorSet::Create(members);
  ProposerSchedule schedule(set);
  std::vector<crypto::PublicKey> keys;
  for (std::uint32_t r = 0; r < 4; ++r) keys.push_back(members[schedule.ProposerOf(r)].key);
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
  EXPECT_EQ(std::set<crypto::PublicKey>(keys.begin(), keys.end()).size(), 4u);
}

}  // namespace
}  // namespace jobcard::node::consensus
