#include "node/consensus/state_machine.h"

#include <algorithm>
#include <cassert>

namespace jobcard::node::consensus {

namespace {

Verdict FromAddResult(AddResult result) {
  switch (result) {
    case AddResult::kAdded:
      return Verdict::kAccepted;
    case AddResult::kDuplicate:
      return Verdict::kDuplicate;
    case AddResult::kEquivocation:
      return Verdict::kEquivocation;
    case AddResult::kOverLimit:
      return Verdict::kOverLimit;
  }
  return Verdict::kOverLimit;
}

bool Changed(Verdict verdict) { return verdict == Verdict::kAccepted || verdict == Verdict::kEquivocation; }

}  // namespace

bool IsMisbehaviour(Verdict verdict) {
  switch (verdict) {
    case Verdict::kEquivocation:
    case Verdict::kMalformed:
    case Verdict::kUnknownValidator:
    case Verdict::kWrongProposer:
    case Verdict::kBadSignature:
      return true;
    default:
      return false;
  }
}

const char* VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kAccepted:
      return "accepted";
    case Verdict::kDuplicate:
      return "duplicate";
    case Verdict::kEquivocation:
      return "equivocation";
    case Verdict::kBuffered:
      return "buffered";
    case Verdict::kIgnored:
      return "ignored";
    case Verdict::kOverLimit:
      return "over_limit";
    case Verdict::kMalformed:
      return "malformed";
    case Verdict::kUnknownValidator:
      return "unknown_validator";
    case Verdict::kWrongProposer:
      return "wrong_proposer";
    case Verdict::kBadSignature:
      return "bad_signature";
  }
  return "?";
}

const char* StepName(Step step) {
  switch (step) {
    case Step::kPropose:
      return "propose";
    case Step::kPrevote:
      return "prevote";
    case Step::kPrecommit:
      return "precommit";
  }
  return "?";
}

StateMachine::StateMachine(MachineConfig config, const crypto::SigningKey* key, SignState sign_state,
                           MachineHooks hooks)
    : config_(std::move(config)), key_(key), sign_state_(sign_state), hooks_(std::move(hooks)) {
  if (!hooks_.verify_signature) hooks_.verify_signature = crypto::Verify;
}

Output StateMachine::StartHeight(std::uint64_t height, ValidatorSet validators) {
  assert(height > height_);
  Output output;
  started_ = true;
  height_ = height;
  decided_ = false;
  locked_.reset();  // line 53
  valid_.reset();
  validators_ = std::move(validators);
  proposers_.emplace(*validators_);
  std::vector<std::uint64_t> powers;
  for (const auto& m : validators_->members()) powers.push_back(m.power);
  book_.emplace(std::move(powers));
  own_index_ = key_ ? validators_->IndexOf(key_->public_key()) : std::nullopt;

  // A restart within a height: the lock is what keeps the chain safe, and
  // the round last signed is where the node's peers are, or were. validValue
  // restarts as the lock (the state right after line 43): a proposer that is
  // locked must propose its locked value with its POL round, or it would
  // offer fresh values that it then prevotes nil itself, and a height whose
  // quorum needs it could stall.
  std::uint32_t first_round = 0;
  if (sign_state_.height == height) {
    locked_ = sign_state_.lock;
    valid_ = sign_state_.lock;
    first_round = std::min(sign_state_.round, kMaxRound);
  }
  StartRound(first_round, output.effects);

  std::vector<Message> waiting = std::move(next_height_);
  next_height_.clear();
  for (const auto& message : waiting) {
    std::visit([&](const auto& m) { (void)Ingest(m); }, message);
  }
  Progress(output.effects);
  return output;
}

// Only a message the book took can make a rule fire; gossip resends most
// messages many times, so the rules are not run for the others.
Output StateMachine::OnProposal(const Proposal& proposal) {
  Output output;
  output.verdict = Ingest(proposal);
  if (Changed(output.verdict)) Progress(output.effects);
  return output;
}

Output StateMachine::OnVote(const Vote& vote) {
  Output output;
  output.verdict = Ingest(vote);
  if (Changed(output.verdict)) Progress(output.effects);
  return output;
}

Verdict StateMachine::Buffer(Message message) {
  if (next_height_.size() >= kMaxBufferedMessages) return Verdict::kOverLimit;
  next_height_.push_back(std::move(message));
  return Verdict::kBuffered;
}

bool StateMachine::Verify(const crypto::PublicKey& key, const SignedBytes& bytes,
                          const crypto::Signature& signature) const {
  return hooks_.verify_signature(key, bytes.tag, bytes.message, signature);
}

Verdict StateMachine::Ingest(const Proposal& p) {
  if (!CheckProposalForm(p).ok()) return Verdict::kMalformed;
  if (p.height == height_ + 1) return Buffer(p);
  if (!IsCurrent(p.height)) return Verdict::kIgnored;
  auto index = validators_->IndexOf(p.proposer);
  if (!index) return Verdict::kUnknownValidator;
  // Checked before the proposer so that a validator cannot make the machine
  // compute the schedule for many far rounds.
  if (!book_->HasRoomFor(*index, p.round)) return Verdict::kOverLimit;
  if (proposers_->ProposerOf(p.round) != *index) return Verdict::kWrongProposer;
  if (book_->Holds(p)) return Verdict::kDuplicate;
  if (!Verify(p.proposer, ProposalSignedBytes(config_.chain_id, p), p.signature)) return Verdict::kBadSignature;
  const bool valid = hooks_.valid_value(height_, p.value);
  return FromAddResult(book_->AddProposal(*index, p, valid));
}

Verdict StateMachine::Ingest(const Vote& v) {
  if (!CheckVoteForm(v).ok()) return Verdict::kMalformed;
  if (v.height == height_ + 1) return Buffer(v);
  if (!IsCurrent(v.height)) return Verdict::kIgnored;
  auto index = validators_->IndexOf(v.validator);
  if (!index) return Verdict::kUnknownValidator;
  if (book_->Holds(*index, v)) return Verdict::kDuplicate;  // gossip resends a lot: skip the signature check
  if (!book_->HasRoomFor(*index, v)) return Verdict::kOverLimit;
  if (!Verify(v.validator, VoteSignedBytes(config_.chain_id, v), v.signature)) return Verdict::kBadSignature;
  std::optional<DuplicateVoteEvidence> evidence;
  const AddResult result = book_->AddVote(*index, v, evidence);
  if (evidence && evidence_.size() < kMaxEvidence) evidence_.push_back(std::move(*evidence));
  return FromAddResult(result);
}

Output StateMachine::OnTimeout(TimeoutKind kind, std::uint64_t height, std::uint32_t round) {
  Output output;
  output.verdict = Verdict::kIgnored;
  if (!IsCurrent(height) || round != round_) return output;
  switch (kind) {
    case TimeoutKind::kPropose:  // lines 57-60
      if (step_ != Step::kPropose) return output;
      Prevote(std::nullopt, output.effects);
      break;
    case TimeoutKind::kPrevote:  // lines 61-64
      if (step_ != Step::kPrevote) return output;
      Precommit(std::nullopt, output.effects);
      break;
    case TimeoutKind::kPrecommit:  // lines 65-67
      if (round_ >= kMaxRound) return output;
      StartRound(round_ + 1, output.effects);
      break;
  }
  output.verdict = Verdict::kAccepted;
  Progress(output.effects);
  return output;
}

const crypto::PublicKey& StateMachine::Proposer(std::uint32_t round) {
  return validators_->members()[proposers_->ProposerOf(round)].key;
}

std::vector<DuplicateVoteEvidence> StateMachine::TakeEvidence() {
  std::vector<DuplicateVoteEvidence> out = std::move(evidence_);
  evidence_.clear();
  return out;
}

// Lines 11-21.
void StateMachine::StartRound(std::uint32_t round, Effects& out) {
  round_ = round;
  step_ = Step::kPropose;
  prevote_timeout_scheduled_ = false;
  lock_rule_done_ = false;
  precommit_timeout_scheduled_ = false;
  book_->SetCurrentRound(round);
  // After a restart the node may already have proposed in this round; then
  // it waits like any other node (a second proposal would be equivocation).
  if (own_index_ && proposers_->ProposerOf(round) == *own_index_ && CanSign(SignStep::kPropose)) {
    const Hash32 value = valid_ ? valid_->value : hooks_.get_value(height_, round);
    const std::optional<std::uint32_t> pol_round = valid_ ? std::optional(valid_->round) : std::nullopt;
    RecordSigning(SignStep::kPropose, out);
    Proposal proposal = SignProposal(config_.chain_id, height_, round, pol_round, value, *key_);
    out.push_back(BroadcastProposal{proposal});
    // The broadcast reaches the proposer too: its own value is valid, it built
    // it or it is validValue, which line 36 set only for a valid value.
    [[maybe_unused]] AddResult added = book_->AddProposal(*own_index_, proposal, true);
    assert(added == AddResult::kAdded || added == AddResult::kEquivocation);
    return;
  }
  ScheduleTimeoutFor(TimeoutKind::kPropose, out);
}

// Every rule is an "upon" of Algorithm 1, fired whenever its condition
// holds. One firing can enable another (our own prevote may complete a
// quorum), so they run until none fires. This ends: each firing moves the
// step or the round forward, decides, or sets a once-per-round flag.
void StateMachine::Progress(Effects& out) {
  if (!started_) return;
  while (!decided_) {
    const bool fired = TryDecide(out) || TryPrevoteOnProposal(out) || TryScheduleTimeoutPrevote(out) ||
                       TryLock(out) || TryPrecommitNil(out) || TryScheduleTimeoutPrecommit(out) ||
                       TrySkipRound(out);
    if (!fired) return;
  }
}

// Line 49: a proposal of any round r and +2/3 precommits for its value in r.
bool StateMachine::TryDecide(Effects& out) {
  for (std::uint32_t round : book_->Rounds()) {
    // Cheap filter: a quorum for one value needs a quorum of any precommits.
    if (!validators_->IsQuorum(book_->AnyVotePower(round, VoteType::kPrecommit))) continue;
    for (const auto& stored : book_->Proposals(round)) {
      const Hash32& value = stored.proposal.value;
      if (!stored.valid || !validators_->IsQuorum(book_->VotePower(round, VoteType::kPrecommit, value))) continue;
      decided_ = true;  // line 51; lines 52-54 are the host's StartHeight
      ledger::CommitCertificate certificate{height_, round, value, book_->CommitSignatures(round, value)};
      out.push_back(Decide{height_, round, value, std::move(certificate)});
      return true;
    }
  }
  return false;
}

// Lines 22-27 (no POL round) and 28-33 (a POL round vr < round with +2/3
// prevotes for the value). The first proposal of the round that one of them
// takes decides the prevote; after that the step is no longer propose.
bool StateMachine::TryPrevoteOnProposal(Effects& out) {
  if (step_ != Step::kPropose) return false;
  for (const auto& stored : book_->Proposals(round_)) {
    const Proposal& p = stored.proposal;
    if (!p.pol_round) {
      const bool acceptable = stored.valid && (!locked_ || locked_->value == p.value);  // line 23
      Prevote(acceptable ? std::optional(p.value) : std::nullopt, out);
      return true;
    }
    // CheckProposalForm guarantees vr < round.
    const std::uint32_t vr = *p.pol_round;
    if (validators_->IsQuorum(book_->VotePower(vr, VoteType::kPrevote, p.value))) {
      const bool acceptable = stored.valid && (!locked_ || locked_->round <= vr || locked_->value == p.value);  // 29
      Prevote(acceptable ? std::optional(p.value) : std::nullopt, out);
      return true;
    }
  }
  return false;
}

// Line 34.
bool StateMachine::TryScheduleTimeoutPrevote(Effects& out) {
  if (step_ != Step::kPrevote || prevote_timeout_scheduled_ ||
      !validators_->IsQuorum(book_->AnyVotePower(round_, VoteType::kPrevote))) {
    return false;
  }
  prevote_timeout_scheduled_ = true;
  ScheduleTimeoutFor(TimeoutKind::kPrevote, out);
  return true;
}

// Lines 36-43: +2/3 prevotes for a valid proposed value in this round.
bool StateMachine::TryLock(Effects& out) {
  if (step_ == Step::kPropose || lock_rule_done_) return false;
  for (const auto& stored : book_->Proposals(round_)) {
    const Hash32& value = stored.proposal.value;
    if (!stored.valid || !validators_->IsQuorum(book_->VotePower(round_, VoteType::kPrevote, value))) continue;
    lock_rule_done_ = true;
    if (step_ == Step::kPrevote) {
      locked_ = Lock{round_, value};  // set before signing: the persisted sign state carries it
      Precommit(value, out);
    }
    valid_ = Lock{round_, value};
    return true;
  }
  return false;
}

// Lines 44-46.
bool StateMachine::TryPrecommitNil(Effects& out) {
  if (step_ != Step::kPrevote || !validators_->IsQuorum(book_->VotePower(round_, VoteType::kPrevote, std::nullopt))) {
    return false;
  }
  Precommit(std::nullopt, out);
  return true;
}

// Line 47.
bool StateMachine::TryScheduleTimeoutPrecommit(Effects& out) {
  if (precommit_timeout_scheduled_ || !validators_->IsQuorum(book_->AnyVotePower(round_, VoteType::kPrecommit))) {
    return false;
  }
  precommit_timeout_scheduled_ = true;
  ScheduleTimeoutFor(TimeoutKind::kPrecommit, out);
  return true;
}

// Line 55: validators with more than 1/3 of the power are in a higher round,
// so at least one honest one is; join the highest such round.
bool StateMachine::TrySkipRound(Effects& out) {
  const std::vector<std::uint32_t> rounds = book_->Rounds();
  for (auto it = rounds.rbegin(); it != rounds.rend() && *it > round_; ++it) {
    if (validators_->IsOneThird(book_->SenderPower(*it))) {
      StartRound(*it, out);
      return true;
    }
  }
  return false;
}

void StateMachine::Prevote(const std::optional<Hash32>& value, Effects& out) {
  SendVote(VoteType::kPrevote, value, out);
  step_ = Step::kPrevote;
}

void StateMachine::Precommit(const std::optional<Hash32>& value, Effects& out) {
  SendVote(VoteType::kPrecommit, value, out);
  step_ = Step::kPrecommit;
}

void StateMachine::ScheduleTimeoutFor(TimeoutKind kind, Effects& out) {
  out.push_back(ScheduleTimeout{kind, height_, round_, config_.timeouts.DurationMs(kind, round_)});
}

bool StateMachine::CanSign(SignStep step) const {
  return own_index_.has_value() && sign_state_.Permits(height_, round_, step);
}

void StateMachine::RecordSigning(SignStep step, Effects& out) {
  sign_state_ = SignState{height_, round_, step, locked_};
  out.push_back(PersistSignState{sign_state_});
}

// A step the sign state forbids signing in was signed before a restart: the
// machine takes the step without a signature; the one made then stands.
void StateMachine::SendVote(VoteType type, const std::optional<Hash32>& value, Effects& out) {
  const SignStep step = type == VoteType::kPrevote ? SignStep::kPrevote : SignStep::kPrecommit;
  if (!CanSign(step)) return;
  RecordSigning(step, out);
  Vote vote = SignVote(config_.chain_id, type, height_, round_, value, *key_);
  out.push_back(BroadcastVote{vote});
  // Our own vote counts, as the paper's broadcast reaches the sender too.
  std::optional<DuplicateVoteEvidence> none;
  [[maybe_unused]] AddResult added = book_->AddVote(*own_index_, vote, none);
  assert(added == AddResult::kAdded);
}

}  // namespace jobcard::node::consensus
