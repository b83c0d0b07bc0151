// The Tendermint state machine rule by rule, against Algorithm 1 of
// Buchman, Kwon, Milosevic 2018 (line numbers in the test names' comments),
// plus the sign-state guard across restarts and the handling of bad input.
#include "node/consensus/state_machine.h"

#include <gtest/gtest.h>

#include <memory>
#include <set>

#include "tests/support/fixtures.h"

namespace jobcard::node::consensus {
namespace {

using jobcard::testing::KeyFromByte;
using jobcard::testing::kTestChainId;

constexpr std::size_t kValidators = 4;

template <typename T>
std::vector<T> All(const Effects& effects) {
  std::vector<T> out;
  for (const auto& e : effects) {
    if (const T* x = std::get_if<T>(&e)) out.push_back(*x);
  }
  return out;
}

std::vector<Vote> Votes(const Output& o) {
  std::vector<Vote> out;
  for (const auto& b : All<BroadcastVote>(o.effects)) out.push_back(b.vote);
  return out;
}

class ConsensusRules : public ::testing::Test {
 protected:
  ConsensusRules() {
    for (std::size_t i = 0; i < kValidators; ++i) {
      keys_.push_back(KeyFromByte(static_cast<std::uint8_t>(i + 1)));
      members_.push_back({keys_.back().public_key(), 1, "validator-" + std::to_string(i)});
    }
    set_ = *ValidatorSet::Create(members_);
    ProposerSchedule schedule(set_);
    for (std::uint32_t r = 0; r < 16; ++r) proposer_.push_back(schedule.ProposerOf(r));
  }

  // A block header for `height` that differs by `tag`; its hash is a value.
  ledger::BlockHeader Header(std::uint64_t tag, std::uint64_t height = 1) const {
    ledger::BlockHeader h;
    h.height = height;
    h.time_ms = tag;
    h.validator_set_hash = ledger::ValidatorSetHash(members_);
    h.next_validator_set_hash = h.validator_set_hash;
    return h;
  }
  Hash32 Value(std::uint64_t tag, std::uint64_t height = 1) const { return ledger::BlockHash(Header(tag, height)); }

  std::unique_ptr<StateMachine> Make(std::size_t me, SignState sign_state = {}, bool observer = false) {
    MachineHooks hooks;
    hooks.get_value = [this](std::uint64_t height, std::uint32_t round) {
      get_value_calls_.push_back(round);
      return Value(100 + round, height);
    };
    hooks.valid_value = [this](std::uint64_t, const Hash32& v) { return !invalid_.contains(v); };
    MachineConfig config{kTestChainId, TimeoutConfig{}};
    return std::make_unique<StateMachine>(config, observer ? nullptr : &keys_[me], sign_state, hooks);
  }

  // A validator that proposes in none of the rounds 0..2.
  std::size_t Follower() const {
    for (std::size_t i = 0; i < kValidators; ++i) {
      if (i != proposer_[0] && i != proposer_[1] && i != proposer_[2]) return i;
    }
    return 0;  // not reached with 4 equal validators
  }
  // The validators other than `me`, in index order.
  std::vector<std::size_t> Others(std::size_t me) const {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < kValidators; ++i) {
      if (i != me) out.push_back(i);
    }
    return out;
  }

  Proposal ProposalFor(std::uint32_t round, const Hash32& value, std::optional<std::uint32_t> pol = std::nullopt,
                       std::uint64_t height = 1) const {
    return SignProposal(kTestChainId, height, round, pol, value, keys_[proposer_[round]]);
  }
  Vote VoteBy(std::size_t who, VoteType type, std::uint32_t round, std::optional<Hash32> value,
              std::uint64_t height = 1) const {
    return SignVote(kTestChainId, type, height, round, value, keys_[who]);
  }

  // Votes of `type` for `value` in `round` by the validators in `who`; the effects of the last.
  Output Feed(StateMachine& m, const std::vector<std::size_t>& who, VoteType type, std::uint32_t round,
              std::optional<Hash32> value) {
    Output last;
    for (std::size_t i : who) {
      last = m.OnVote(VoteBy(i, type, round, value));
      EXPECT_EQ(last.verdict, Verdict::kAccepted) << VerdictName(last.verdict);
    }
    return last;
  }

  // Drives follower `me` to lock on `value` in round 0 (lines 22, 36).
  void LockInRoundZero(StateMachine& m, std::size_t me, const Hash32& value) {
    (void)m.StartHeight(1, set_);
    (void)m.OnProposal(ProposalFor(0, value));
    auto others = Others(me);
    (void)Feed(m, {others[0], others[1]}, VoteType::kPrevote, 0, value);
    ASSERT_EQ(m.locked(), (Lock{0, value}));
  }

  // `o` proposes validValue `value` with POL round `pol_round` (lines 15-16),
  // without asking the host for a new value.
  void ExpectReproposal(const Output& o, const Hash32& value, std::uint32_t pol_round) {
    auto proposals = All<BroadcastProposal>(o.effects);
    ASSERT_EQ(proposals.size(), 1u);
    EXPECT_EQ(proposals[0].proposal.value, value);
    EXPECT_EQ(proposals[0].proposal.pol_round, std::optional<std::uint32_t>(pol_round));
    EXPECT_TRUE(get_value_calls_.empty());
  }

  // Two validators (1/2 of the power) precommit nil in `round`: line 55 moves
  // the machine there without adding prevotes.
  void SkipTo(StateMachine& m, std::size_t me, std::uint32_t round) {
    auto others = Others(me);
    (void)Feed(m, {others[0], others[1]}, VoteType::kPrecommit, round, std::nullopt);
    ASSERT_EQ(m.round(), round);
  }

  std::vector<crypto::SigningKey> keys_;
  std::vector<ledger::ValidatorRecord> members_;
  ValidatorSet set_ = *ValidatorSet::Create({{KeyFromByte(99).public_key(), 1, "placeholder"}});
  std::vector<std::size_t> proposer_;
  std::set<Hash32> invalid_;
  std::vector<std::uint32_t> get_value_calls_;
};

// Lines 14-19, then 22-27 for its own proposal: sign state first, every time.
TEST_F(ConsensusRules, ProposerPersistsThenProposesThenPrevotes) {
  auto m = Make(proposer_[0]);
  Output o = m->StartHeight(1, set_);
  ASSERT_EQ(o.effects.size(), 4u);
  const Hash32 value = Value(100);
  EXPECT_EQ(std::get<PersistSignState>(o.effects[0]).state, (SignState{1, 0, SignStep::kPropose, std::nullopt}));
  const Proposal& p = std::get<BroadcastProposal>(o.effects[1]).proposal;
  EXPECT_EQ(p.value, value);
  EXPECT_FALSE(p.pol_round.has_value());
  EXPECT_EQ(std::get<PersistSignState>(o.effects[2]).state, (SignState{1, 0, SignStep::kPrevote, std::nullopt}));
  EXPECT_EQ(std::get<BroadcastVote>(o.effects[3]).vote, VoteBy(proposer_[0], VoteType::kPrevote, 0, value));
  EXPECT_EQ(get_value_calls_, std::vector<std::uint32_t>{0});
}

// Lines 21 and 57-60.
TEST_F(ConsensusRules, FollowerPrevotesNilWhenProposeTimesOut) {
  const std::size_t me = Follower();
  auto m = Make(me);
  Output o = m->StartHeight(1, set_);
  ASSERT_EQ(o.effects.size(), 1u);
  EXPECT_EQ(std::get<ScheduleTimeout>(o.effects[0]).kind, TimeoutKind::kPropose);
  EXPECT_EQ(std::get<ScheduleTimeout>(o.effects[0]).duration_ms, TimeoutConfig{}.propose_base_ms);

  EXPECT_EQ(m->OnTimeout(TimeoutKind::kPropose, 1, 1).verdict, Verdict::kIgnored);
  EXPECT_EQ(m->OnTimeout(TimeoutKind::kPrevote, 1, 0).verdict, Verdict::kIgnored);
  o = m->OnTimeout(TimeoutKind::kPropose, 1, 0);
  EXPECT_EQ(Votes(o), std::vector<Vote>{VoteBy(me, VoteType::kPrevote, 0, std::nullopt)});
  EXPECT_EQ(m->step(), Step::kPrevote);
  EXPECT_TRUE(m->OnTimeout(TimeoutKind::kPropose, 1, 0).effects.empty());  // once only
}

// Lines 22-27: a valid value is prevoted, an invalid one gets nil.
TEST_F(ConsensusRules, PrevotesValidProposalsAndNilForInvalidOnes) {
  const std::size_t me = Follower();
  auto m = Make(me);
  (void)m->StartHeight(1, set_);
  Output o = m->OnProposal(ProposalFor(0, Value(1)));
  EXPECT_EQ(Votes(o), std::vector<Vote>{VoteBy(me, VoteType::kPrevote, 0, Value(1))});

  invalid_.insert(Value(2));
  auto n = Make(me);
  (void)n->StartHeight(1, set_);
  o = n->OnProposal(ProposalFor(0, Value(2)));
  EXPECT_EQ(Votes(o), std::vector<Vote>{VoteBy(me, VoteType::kPrevote, 0, std::nullopt)});
}

// Lines 34 and 36-43: +2/3 prevotes for the proposal lock it and precommit it;
// the persisted sign state carries the new lock.
TEST_F(ConsensusRules, LocksAndPrecommitsOnQuorumOfPrevotes) {
  const std::size_t me = Follower();
  auto m = Make(me);
  (void)m->StartHeight(1, set_);
  (void)m->OnProposal(ProposalFor(0, Value(1)));
  auto others = Others(me);
  Output o = Feed(*m, {others[0]}, VoteType::kPrevote, 0, Value(1));
  EXPECT_TRUE(o.effects.empty());
  EXPECT_FALSE(m->locked());
  o = Feed(*m, {others[1]}, VoteType::kPrevote, 0, Value(1));
  auto timers = All<ScheduleTimeout>(o.effects);
  ASSERT_EQ(timers.size(), 1u);
  EXPECT_EQ(timers[0].kind, TimeoutKind::kPrevote);
  EXPECT_EQ(Votes(o), std::vector<Vote>{VoteBy(me, VoteType::kPrecommit, 0, Value(1))});
  EXPECT_EQ(All<PersistSignState>(o.effects).back().state,
            (SignState{1, 0, SignStep::kPrecommit, Lock{0, Value(1)}}));
  EXPECT_EQ(m->locked(), (Lock{0, Value(1)}));
  EXPECT_EQ(m->valid(), (Lock{0, Value(1)}));
  EXPECT_EQ(m->step(), Step::kPrecommit);
}

// Lines 44-46.
TEST_F(ConsensusRules, PrecommitsNilOnQuorumOfNilPrevotes) {
  const std::size_t me = Follower();
  auto m = Make(me);
  (void)m->StartHeight(1, set_);
  (void)m->OnTimeout(TimeoutKind::kPropose, 1, 0);
  auto others = Others(me);
  Output o = Feed(*m, {others[0], others[1]}, VoteType::kPrevote, 0, std::nullopt);
  EXPECT_EQ(Votes(o), std::vector<Vote>{VoteBy(me, VoteType::kPrecommit, 0, std::nullopt)});
  EXPECT_FALSE(m->locked());
}

// Lines 34 and 61-64: split prevotes wait for the prevote timeout, then nil.
TEST_F(ConsensusRules, PrecommitsNilWhenSplitPrevotesTimeOut) {
  const std::size_t me = Follower();
  auto m = Make(me);
  (void)m->StartHeight(1, set_);
  (void)m->OnProposal(ProposalFor(0, Value(1)));
  auto others = Others(me);
  (void)Feed(*m, {others[0]}, VoteType::kPrevote, 0, std::nullopt);
  Output o = Feed(*m, {others[1]}, VoteType::kPrevote, 0, Value(2));
  ASSERT_EQ(All<ScheduleTimeout>(o.effects).size(), 1u);
  EXPECT_TRUE(Votes(o).empty());
  o = m->OnTimeout(TimeoutKind::kPrevote, 1, 0);
  EXPECT_EQ(Votes(o), std::vector<Vote>{VoteBy(me, VoteType::kPrecommit, 0, std::nullopt)});
  EXPECT_FALSE(m->locked());
  // Line 34 fires once per round.
  EXPECT_TRUE(All<ScheduleTimeout>(Feed(*m, {others[2]}, VoteType::kPrevote, 0, std::nullopt).effects).empty());
}

// Lines 47 and 65-67, with timeouts growing by delta per round.
TEST_F(ConsensusRules, PrecommitTimeoutStartsTheNextRound) {
  const std::size_t me = Follower();
  auto m = Make(me);
  (void)m->StartHeight(1, set_);
  auto others = Others(me);
  (void)Feed(*m, {others[0], others[1]}, VoteType::kPrecommit, 0, std::nullopt);
  Output o = Feed(*m, {others[2]}, VoteType::kPrecommit, 0, Value(1));
  auto timers = All<ScheduleTimeout>(o.effects);
  ASSERT_EQ(timers.size(), 1u);
  EXPECT_EQ(timers[0].kind, TimeoutKind::kPrecommit);
  EXPECT_EQ(m->round(), 0u);
  o = m->OnTimeout(TimeoutKind::kPrecommit, 1, 0);
  EXPECT_EQ(m->round(), 1u);
  EXPECT_EQ(m->step(), Step::kPropose);
  timers = All<ScheduleTimeout>(o.effects);
  ASSERT_EQ(timers.size(), 1u);
  const TimeoutConfig t;
  EXPECT_EQ(timers[0].duration_ms, t.propose_base_ms + t.propose_delta_ms);
  EXPECT_EQ(t.DurationMs(TimeoutKind::kPrevote, 4), t.prevote_base_ms + 4 * t.prevote_delta_ms);
  EXPECT_EQ(t.DurationMs(TimeoutKind::kPrecommit, 7), t.precommit_base_ms + 7 * t.precommit_delta_ms);
  TimeoutConfig huge;
  huge.propose_delta_ms = std::numeric_limits<std::uint64_t>::max() / 2;
  EXPECT_EQ(huge.DurationMs(TimeoutKind::kPropose, 3), std::numeric_limits<std::uint64_t>::max());
}

// Line 23: a locked validator prevotes nil for another value without a POL,
// and for its locked value.
TEST_F(ConsensusRules, LockedValidatorRejectsOtherValuesWithoutPol) {
  const std::size_t me = Follower();
  auto m = Make(me);
  LockInRoundZero(*m, me, Value(1));
  SkipTo(*m, me, 1);
  Output o = m->OnProposal(ProposalFor(1, Value(2)));
  EXPECT_EQ(Votes(o), std::vector<Vote>{VoteBy(me, VoteType::kPrevote, 1, std::nullopt)});

  auto n = Make(me);
  LockInRoundZero(*n, me, Value(1));
  SkipTo(*n, me, 1);
  o = n->OnProposal(ProposalFor(1, Value(1)));
  EXPECT_EQ(Votes(o), std::vector<Vote>{VoteBy(me, VoteType::kPrevote, 1, Value(1))});
}

// Lines 28-33: a POL from a round at or after the lock unlocks; the rule
// waits until the POL's prevotes are there.
TEST_F(ConsensusRules, NewerPolRoundReleasesTheLock) {
  const std::size_t me = Follower();
  auto m = Make(me);
  LockInRoundZero(*m, me, Value(1));
  SkipTo(*m, me, 2);
  Output o = m->OnProposal(ProposalFor(2, Value(2), 1));
  EXPECT_TRUE(Votes(o).empty());
  auto others = Others(me);
  o = Feed(*m, {others[0], others[1]}, VoteType::kPrevote, 1, Value(2));
  EXPECT_TRUE(Votes(o).empty());
  EXPECT_EQ(m->step(), Step::kPropose);
  o = Feed(*m, {others[2]}, VoteType::kPrevote, 1, Value(2));
  EXPECT_EQ(Votes(o), std::vector<Vote>{VoteBy(me, VoteType::kPrevote, 2, Value(2))});
}

// Line 29: a POL older than the lock does not unlock; the locked value with
// an older POL is still acceptable.
TEST_F(ConsensusRules, OlderPolRoundKeepsTheLock) {
  const std::size_t me = Follower();
  auto others = Others(me);
  auto m = Make(me);
  (void)m->StartHeight(1, set_);
  SkipTo(*m, me, 1);
  (void)m->OnProposal(ProposalFor(1, Value(1)));
  (void)Feed(*m, {others[0], others[1]}, VoteType::kPrevote, 1, Value(1));
  ASSERT_EQ(m->locked(), (Lock{1, Value(1)}));
  (void)Feed(*m, others, VoteType::kPrevote, 0, Value(2));  // a POL for Value(2) in round 0
  SkipTo(*m, me, 2);
  Output o = m->OnProposal(ProposalFor(2, Value(2), 0));
  EXPECT_EQ(Votes(o), std::vector<Vote>{VoteBy(me, VoteType::kPrevote, 2, std::nullopt)});
}

// Lines 36 and 42-43 in step precommit: validValue moves, the lock does not.
TEST_F(ConsensusRules, LateQuorumUpdatesValidValueButNotTheLock) {
  const std::size_t me = Follower();
  auto m = Make(me);
  (void)m->StartHeight(1, set_);
  (void)m->OnTimeout(TimeoutKind::kPropose, 1, 0);
  auto others = Others(me);
  (void)Feed(*m, {others[0], others[1]}, VoteType::kPrevote, 0, Value(1));
  (void)m->OnTimeout(TimeoutKind::kPrevote, 1, 0);
  ASSERT_EQ(m->step(), Step::kPrecommit);
  (void)Feed(*m, {others[2]}, VoteType::kPrevote, 0, Value(1));
  EXPECT_FALSE(m->valid());  // +2/3 prevotes, but no proposal yet
  Output o = m->OnProposal(ProposalFor(0, Value(1)));
  EXPECT_TRUE(Votes(o).empty());
  EXPECT_FALSE(m->locked());
  EXPECT_EQ(m->valid(), (Lock{0, Value(1)}));
}

// Lines 15-19: a proposer with a validValue proposes it with its round.
TEST_F(ConsensusRules, ProposerReproposesItsValidValue) {
  const std::size_t me = proposer_[1];
  auto m = Make(me);
  (void)m->StartHeight(1, set_);
  get_value_calls_.clear();
  auto others = Others(me);
  (void)m->OnProposal(ProposalFor(0, Value(1)));
  (void)Feed(*m, {others[0], others[1]}, VoteType::kPrevote, 0, Value(1));
  ASSERT_EQ(m->valid(), (Lock{0, Value(1)}));
  (void)Feed(*m, {others[0], others[1], others[2]}, VoteType::kPrecommit, 0, std::nullopt);
  Output o = m->OnTimeout(TimeoutKind::kPrecommit, 1, 0);
  ExpectReproposal(o, Value(1), 0);
}

// Line 55: f + 1 (more than 1/3 of the power) in a higher round, not f.
TEST_F(ConsensusRules, SkipsToAHigherRoundOnMoreThanOneThird) {
  const std::size_t me = Follower();
  auto m = Make(me);
  (void)m->StartHeight(1, set_);
  auto others = Others(me);
  (void)Feed(*m, {others[0]}, VoteType::kPrevote, 5, Value(1));
  EXPECT_EQ(m->round(), 0u);
  Output o = Feed(*m, {others[1]}, VoteType::kPrecommit, 5, std::nullopt);
  EXPECT_EQ(m->round(), 5u);
  EXPECT_EQ(m->step(), Step::kPropose);
  auto timers = All<ScheduleTimeout>(o.effects);
  ASSERT_EQ(timers.size(), 1u);
  EXPECT_EQ(timers[0].round, 5u);
}

// Lines 49-51: +2/3 precommits and the proposal decide; the certificate is a
// ledger certificate for the block.
TEST_F(ConsensusRules, DecidesWithACertificateTheLedgerAccepts) {
  const std::size_t me = Follower();
  auto m = Make(me);
  LockInRoundZero(*m, me, Value(1));
  auto others = Others(me);
  Output o = Feed(*m, {others[0]}, VoteType::kPrecommit, 0, Value(1));
  EXPECT_TRUE(All<Decide>(o.effects).empty());
  o = Feed(*m, {others[1]}, VoteType::kPrecommit, 0, Value(1));
  auto decisions = All<Decide>(o.effects);
  ASSERT_EQ(decisions.size(), 1u);
  EXPECT_EQ(decisions[0].height, 1u);
  EXPECT_EQ(decisions[0].value, Value(1));
  EXPECT_EQ(decisions[0].certificate.signatures.size(), 3u);
  Status verified = ledger::VerifyCertificate(kTestChainId, Header(1), decisions[0].certificate, members_);
  EXPECT_TRUE(verified.ok()) << verified.error().message;
  EXPECT_FALSE(ledger::VerifyCertificate(kTestChainId, Header(2), decisions[0].certificate, members_).ok());
  EXPECT_TRUE(m->decided());
  EXPECT_EQ(m->OnVote(VoteBy(others[2], VoteType::kPrecommit, 0, Value(1))).verdict, Verdict::kIgnored);
}

// Line 49 holds for any round r, not only the current one: a node that fell
// behind decides from an earlier round's proposal and precommits.
TEST_F(ConsensusRules, DecidesOnAnEarlierRound) {
  const std::size_t me = Follower();
  auto m = Make(me);
  (void)m->StartHeight(1, set_);
  SkipTo(*m, me, 3);
  (void)m->OnProposal(ProposalFor(1, Value(7)));
  auto others = Others(me);
  Output o = Feed(*m, others, VoteType::kPrecommit, 1, Value(7));
  auto decisions = All<Decide>(o.effects);
  ASSERT_EQ(decisions.size(), 1u);
  EXPECT_EQ(decisions[0].round, 1u);
  EXPECT_TRUE(ledger::VerifyCertificate(kTestChainId, Header(7), decisions[0].certificate, members_).ok());
}

// Line 50: no decision on an invalid value, whatever the votes say.
TEST_F(ConsensusRules, NeverDecidesAnInvalidValue) {
  const std::size_t me = Follower();
  invalid_.insert(Value(1));
  auto m = Make(me);
  (void)m->StartHeight(1, set_);
  (void)m->OnProposal(ProposalFor(0, Value(1)));
  Output o = Feed(*m, Others(me), VoteType::kPrecommit, 0, Value(1));
  EXPECT_TRUE(All<Decide>(o.effects).empty());
  EXPECT_FALSE(m->decided());
}

TEST_F(ConsensusRules, RejectsForeignForgedMisroutedAndMalformedMessages) {
  const std::size_t me = Follower();
  auto m = Make(me);
  (void)m->StartHeight(1, set_);
  auto others = Others(me);

  Output o = m->OnVote(SignVote(kTestChainId, VoteType::kPrevote, 1, 0, Value(1), KeyFromByte(42)));
  EXPECT_EQ(o.verdict, Verdict::kUnknownValidator);
  Vote forged = VoteBy(others[0], VoteType::kPrevote, 0, Value(1));
  forged.signature[0] ^= 1;
  EXPECT_EQ(m->OnVote(forged).verdict, Verdict::kBadSignature);
  EXPECT_EQ(m->OnVote(SignVote("other-chain", VoteType::kPrevote, 1, 0, Value(1), keys_[others[0]])).verdict,
            Verdict::kBadSignature);
  EXPECT_EQ(m->OnProposal(SignProposal(kTestChainId, 1, 0, std::nullopt, Value(1), keys_[proposer_[1]])).verdict,
            Verdict::kWrongProposer);
  EXPECT_EQ(m->OnVote(VoteBy(others[0], VoteType::kPrevote, 0, Value(1), 0)).verdict, Verdict::kMalformed);
  EXPECT_EQ(m->OnVote(VoteBy(others[0], VoteType::kPrevote, 0, Value(1), 5)).verdict, Verdict::kIgnored);
  for (Verdict v : {Verdict::kUnknownValidator, Verdict::kBadSignature, Verdict::kWrongProposer, Verdict::kMalformed}) {
    EXPECT_TRUE(IsMisbehaviour(v));
  }
  EXPECT_FALSE(IsMisbehaviour(Verdict::kDuplicate));

  EXPECT_EQ(m->OnVote(VoteBy(others[0], VoteType::kPrevote, 0, Value(1))).verdict, Verdict::kAccepted);
  EXPECT_EQ(m->OnVote(VoteBy(others[0], VoteType::kPrevote, 0, Value(1))).verdict, Verdict::kDuplicate);
  // Future rounds: a validator holds kMaxFutureRoundsPerValidator, its highest.
  EXPECT_EQ(m->OnVote(VoteBy(others[1], VoteType::kPrevote, 7, std::nullopt)).verdict, Verdict::kAccepted);
  EXPECT_EQ(m->OnVote(VoteBy(others[1], VoteType::kPrecommit, 8, std::nullopt)).verdict, Verdict::kAccepted);
  EXPECT_EQ(m->OnVote(VoteBy(others[1], VoteType::kPrevote, 6, std::nullopt)).verdict, Verdict::kOverLimit);
  EXPECT_EQ(m->OnVote(VoteBy(others[1], VoteType::kPrecommit, 7, std::nullopt)).verdict, Verdict::kAccepted);
  EXPECT_EQ(m->round(), 0u);
  EXPECT_TRUE(m->evidence().empty());
}

// An equivocator counts once for each value it voted for (the paper counts
// prevotes "for id(v)" by sender), once in the "any" tally, and its first
// conflicting pair is kept as evidence.
TEST_F(ConsensusRules, KeepsEvidenceOfEquivocationAndCountsEachValueOnce) {
  const std::size_t me = Follower();
  auto m = Make(me);
  (void)m->StartHeight(1, set_);
  (void)m->OnProposal(ProposalFor(0, Value(1)));  // me prevotes Value(1)
  auto others = Others(me);
  const Vote first = VoteBy(others[0], VoteType::kPrevote, 0, std::nullopt);
  const Vote second = VoteBy(others[0], VoteType::kPrevote, 0, Value(1));
  EXPECT_EQ(m->OnVote(first).verdict, Verdict::kAccepted);
  Output o = m->OnVote(second);
  EXPECT_EQ(o.verdict, Verdict::kEquivocation);
  EXPECT_TRUE(Votes(o).empty());  // me + others[0] for Value(1): 2 of 4
  EXPECT_TRUE(All<ScheduleTimeout>(o.effects).empty());  // any prevotes: 2 validators, not 3
  ASSERT_EQ(m->evidence().size(), 1u);
  EXPECT_EQ(m->evidence()[0], (DuplicateVoteEvidence{first, second}));
  EXPECT_EQ(m->OnVote(VoteBy(others[0], VoteType::kPrevote, 0, Value(2))).verdict, Verdict::kEquivocation);
  EXPECT_EQ(m->evidence().size(), 1u);  // one piece per validator and slot
  // The slot holds kMaxVotesPerSlot votes: a fourth is refused before its
  // signature is checked (a forged one too), so the host neither logs nor
  // relays it.
  Vote fourth = VoteBy(others[0], VoteType::kPrevote, 0, Value(3));
  fourth.signature[0] ^= 1;
  o = m->OnVote(fourth);
  EXPECT_EQ(o.verdict, Verdict::kOverLimit);
  EXPECT_TRUE(o.effects.empty());
  EXPECT_EQ(m->OnVote(VoteBy(others[0], VoteType::kPrevote, 0, Value(1))).verdict, Verdict::kDuplicate);
  // A third validator for Value(1) makes +2/3 with the equivocator's vote.
  o = Feed(*m, {others[1]}, VoteType::kPrevote, 0, Value(1));
  EXPECT_EQ(Votes(o), std::vector<Vote>{VoteBy(me, VoteType::kPrecommit, 0, Value(1))});
  EXPECT_EQ(m->TakeEvidence().size(), 1u);
  EXPECT_TRUE(m->evidence().empty());
}

// The double-sign guard: a proposer restarted with its persisted sign state
// neither proposes again nor prevotes again in the round it signed in, and
// goes on signing from the next step.
TEST_F(ConsensusRules, RestartedValidatorNeverSignsTheSameStepTwice) {
  const std::size_t me = proposer_[0];
  auto m = Make(me);
  Output o = m->StartHeight(1, set_);
  const SignState persisted = All<PersistSignState>(o.effects).back().state;
  EXPECT_EQ(persisted, (SignState{1, 0, SignStep::kPrevote, std::nullopt}));

  get_value_calls_.clear();
  auto restarted = Make(me, persisted);
  o = restarted->StartHeight(1, set_);
  EXPECT_TRUE(All<BroadcastProposal>(o.effects).empty());
  EXPECT_TRUE(All<PersistSignState>(o.effects).empty());
  EXPECT_TRUE(get_value_calls_.empty());
  ASSERT_EQ(All<ScheduleTimeout>(o.effects).size(), 1u);
  // Its own proposal (from a peer) or the timeout: the step moves, nothing is signed.
  o = restarted->OnProposal(ProposalFor(0, Value(100)));
  EXPECT_TRUE(Votes(o).empty());
  EXPECT_EQ(restarted->step(), Step::kPrevote);
  EXPECT_TRUE(restarted->OnTimeout(TimeoutKind::kPropose, 1, 0).effects.empty());
  // The precommit was not signed before the crash: it may be now. (Its own
  // prevote went with the crash; peers still hold it.)
  o = Feed(*restarted, Others(me), VoteType::kPrevote, 0, Value(100));
  EXPECT_EQ(Votes(o), std::vector<Vote>{VoteBy(me, VoteType::kPrecommit, 0, Value(100))});
}

// Amnesia: a validator that locked, crashed and restarted keeps its lock
// and prevotes nil for another value; without the sign state it would not.
TEST_F(ConsensusRules, RestartedValidatorKeepsItsLock) {
  const std::size_t me = Follower();
  auto m = Make(me);
  LockInRoundZero(*m, me, Value(1));
  const SignState persisted = m->sign_state();
  EXPECT_EQ(persisted.lock, (Lock{0, Value(1)}));

  auto restarted = Make(me, persisted);
  (void)restarted->StartHeight(1, set_);
  EXPECT_EQ(restarted->locked(), (Lock{0, Value(1)}));
  EXPECT_EQ(restarted->valid(), (Lock{0, Value(1)}));
  EXPECT_EQ(restarted->step(), Step::kPropose);
  SkipTo(*restarted, me, 1);
  Output o = restarted->OnProposal(ProposalFor(1, Value(2)));
  EXPECT_EQ(Votes(o), std::vector<Vote>{VoteBy(me, VoteType::kPrevote, 1, std::nullopt)});

  auto amnesiac = Make(me);
  (void)amnesiac->StartHeight(1, set_);
  SkipTo(*amnesiac, me, 1);
  o = amnesiac->OnProposal(ProposalFor(1, Value(2)));
  EXPECT_EQ(Votes(o), std::vector<Vote>{VoteBy(me, VoteType::kPrevote, 1, Value(2))});
}

// A locked validator that restarts and then proposes offers its locked
// value with the lock's round as POL round (lines 15-19 with validValue
// taken back from the sign state), not a fresh value it would reject itself.
TEST_F(ConsensusRules, RestartedLockedProposerReproposesItsLockedValue) {
  const std::size_t me = proposer_[1];
  auto m = Make(me);
  LockInRoundZero(*m, me, Value(1));
  auto restarted = Make(me, m->sign_state());
  (void)restarted->StartHeight(1, set_);
  get_value_calls_.clear();
  (void)Feed(*restarted, Others(me), VoteType::kPrecommit, 0, std::nullopt);
  Output o = restarted->OnTimeout(TimeoutKind::kPrecommit, 1, 0);
  ExpectReproposal(o, Value(1), 0);
}

// Every signed message leaves after a PersistSignState for exactly its slot.
TEST_F(ConsensusRules, SignStateIsPersistedBeforeEveryBroadcast) {
  const std::size_t me = proposer_[1];
  auto m = Make(me);
  std::vector<Effect> all;
  auto take = [&](Output o) { all.insert(all.end(), o.effects.begin(), o.effects.end()); };
  auto others = Others(me);
  take(m->StartHeight(1, set_));
  take(m->OnProposal(ProposalFor(0, Value(1))));
  take(Feed(*m, {others[0], others[1]}, VoteType::kPrevote, 0, Value(1)));
  take(Feed(*m, {others[0], others[1], others[2]}, VoteType::kPrecommit, 0, std::nullopt));
  take(m->OnTimeout(TimeoutKind::kPrecommit, 1, 0));
  take(m->OnTimeout(TimeoutKind::kPropose, 1, 1));
  std::size_t broadcasts = 0;
  for (std::size_t i = 0; i < all.size(); ++i) {
    SignState expected;
    if (const auto* p = std::get_if<BroadcastProposal>(&all[i])) {
      expected = {1, p->proposal.round, SignStep::kPropose, {}};
    } else if (const auto* v = std::get_if<BroadcastVote>(&all[i])) {
      expected = {1, v->vote.round, v->vote.type == VoteType::kPrevote ? SignStep::kPrevote : SignStep::kPrecommit, {}};
    } else {
      continue;
    }
    ++broadcasts;
    ASSERT_GT(i, 0u);
    const auto* persisted = std::get_if<PersistSignState>(&all[i - 1]);
    ASSERT_NE(persisted, nullptr) << "broadcast " << i << " without a PersistSignState before it";
    EXPECT_EQ(persisted->state.height, expected.height);
    EXPECT_EQ(persisted->state.round, expected.round);
    EXPECT_EQ(persisted->state.step, expected.step);
  }
  EXPECT_EQ(broadcasts, 4u);  // prevote and precommit in round 0; proposal and prevote in round 1
}

TEST_F(ConsensusRules, MessagesForTheNextHeightWaitForStartHeight) {
  const std::size_t me = Follower();
  auto m = Make(me);
  (void)m->StartHeight(1, set_);
  auto others = Others(me);
  for (std::size_t i : {others[0], others[1]}) {
    EXPECT_EQ(m->OnVote(VoteBy(i, VoteType::kPrecommit, 3, std::nullopt, 2)).verdict, Verdict::kBuffered);
  }
  EXPECT_EQ(m->OnVote(VoteBy(others[0], VoteType::kPrecommit, 0, std::nullopt, 3)).verdict, Verdict::kIgnored);
  (void)m->StartHeight(2, set_.ForNextHeight());
  EXPECT_EQ(m->round(), 3u);  // the two buffered precommits are > 1/3 in round 3
}

TEST_F(ConsensusRules, ObserverDecidesWithoutSigning) {
  auto m = Make(0, {}, /*observer=*/true);
  Output o = m->StartHeight(1, set_);
  EXPECT_TRUE(All<PersistSignState>(o.effects).empty());
  (void)m->OnProposal(ProposalFor(0, Value(1)));
  (void)m->OnTimeout(TimeoutKind::kPropose, 1, 0);
  o = Feed(*m, {0, 1, 2}, VoteType::kPrecommit, 0, Value(1));
  EXPECT_EQ(All<Decide>(o.effects).size(), 1u);
  EXPECT_TRUE(All<BroadcastVote>(o.effects).empty());
  EXPECT_EQ(m->sign_state(), SignState{});
}

}  // namespace
}  // namespace jobcard::node::consensus
