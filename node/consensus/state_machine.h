// The Tendermint consensus algorithm (Buchman, Kwon, Milosevic 2018, "The
// latest gossip on BFT consensus", Algorithm 1) as a pure state machine for
// one node. spec/consensus.md maps every rule to the paper's line numbers.
//
// Inputs: StartHeight, OnProposal, OnVote, OnTimeout. Outputs: the effects
// of effects.h, in order. No clock, no randomness, no I/O: the host injects
// time (timeouts it schedules and reports back), the values (blocks it
// builds and validates) and signature checks, so the same inputs always give
// the same outputs and a simulator can replay a run from its seed.
//
// Signing: the machine signs with `key` only at a (height, round, step)
// strictly after the SignState it was given and every one it emitted since.
// A restarted validator constructed with its persisted SignState therefore
// never signs a second, different message for a slot it signed before the
// crash, and it takes back its lock from it (sign_state.h).
//
// Incoming messages: the machine checks their form, that the signer is a
// validator (and for a proposal, the round's proposer) and their signature,
// through MachineHooks::verify_signature. A host that verified on receipt
// can pass a check that trusts its own cache. The Verdict of each message
// tells the host whether its sender misbehaved (IsMisbehaviour).
//
// Thread safety: none; one event loop (an Asio strand) owns the machine.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "crypto/sign.h"
#include "node/consensus/effects.h"
#include "node/consensus/validator_set.h"
#include "node/consensus/vote_book.h"

namespace jobcard::node::consensus {

// Messages for the next height wait in the machine until StartHeight; this
// many at most (gossip resends what is dropped).
inline constexpr std::size_t kMaxBufferedMessages = 1024;
// Evidence not yet taken by the host; more is dropped.
inline constexpr std::size_t kMaxEvidence = 1024;

struct MachineConfig {
  std::string chain_id;
  TimeoutConfig timeouts;
};

struct MachineHooks {
  // getValue() of line 18: the host builds a block for (height, round) and
  // returns its hash; it keeps the block to send with the proposal. Called
  // only when this node proposes and has no validValue.
  std::function<Hash32(std::uint64_t height, std::uint32_t round)> get_value;
  // valid(v) of lines 23, 29, 36 and 50: the host's verdict on the block with
  // hash `value` for `height`. Called once per accepted proposal at the
  // machine's current height, so the host must hold the block before it
  // passes the proposal in, and judges it on top of the chain it committed.
  std::function<bool(std::uint64_t height, const Hash32& value)> valid_value;
  // One signature check. Empty: crypto::Verify.
  std::function<bool(const crypto::PublicKey& key, std::string_view tag, ByteView message,
                     const crypto::Signature& signature)>
      verify_signature;
};

// What became of one input.
enum class Verdict : std::uint8_t {
  kAccepted,          // new and taken into account
  kDuplicate,         // held already; nothing changed
  kEquivocation,      // a validator's second, different message for one slot: counted for its value;
                      // the first such vote pair is kept as evidence
  kBuffered,          // for the next height: replayed by StartHeight
  kIgnored,           // another height, a decided height, or a timeout that no longer applies
  kOverLimit,         // a bound refused it (buffer, future rounds per validator, votes per slot,
                      // proposals per round)
  kMalformed,         // fails CheckProposalForm / CheckVoteForm
  kUnknownValidator,  // the signer is not in the validator set
  kWrongProposer,     // a proposal by a validator that is not proposer(height, round)
  kBadSignature,
};

// True for the verdicts only a faulty or malicious sender causes; a host
// scores or disconnects the peer that relayed the message.
bool IsMisbehaviour(Verdict verdict);
const char* VerdictName(Verdict verdict);

struct Output {
  Verdict verdict = Verdict::kAccepted;
  Effects effects;
};

enum class Step : std::uint8_t { kPropose, kPrevote, kPrecommit };
const char* StepName(Step step);

class StateMachine {
 public:
  // `key`: this node's signing key, or nullptr for a node that follows
  // without voting; it must outlive the machine. A key outside the validator
  // set of a height also only follows. `sign_state`: the last one the host
  // persisted (a default one for a validator that never signed).
  StateMachine(MachineConfig config, const crypto::SigningKey* key, SignState sign_state, MachineHooks hooks);

  // Starts consensus on `height` (above the current one) with its validators:
  // the paper's reset of line 53 and StartRound(0) of line 10 or 54. When the
  // sign state is at this height (a restart), the lock is taken back (also as
  // validValue) and the machine resumes at the round it last signed in; the
  // host must still hold the locked block, which it may have to propose.
  Output StartHeight(std::uint64_t height, ValidatorSet validators);
  Output OnProposal(const Proposal& proposal);
  Output OnVote(const Vote& vote);
  // Lines 57-67; a timeout for another height, round or step is ignored.
  Output OnTimeout(TimeoutKind kind, std::uint64_t height, std::uint32_t round);

  std::uint64_t height() const { return height_; }
  std::uint32_t round() const { return round_; }
  Step step() const { return step_; }
  bool decided() const { return decided_; }
  // lockedRound/lockedValue and validRound/validValue (nullopt: -1 and nil).
  const std::optional<Lock>& locked() const { return locked_; }
  const std::optional<Lock>& valid() const { return valid_; }
  const SignState& sign_state() const { return sign_state_; }
  // proposer(height, round) at the current height (StartHeight first).
  const crypto::PublicKey& Proposer(std::uint32_t round);

  // Equivocation seen so far and not taken; TakeEvidence hands it over.
  const std::vector<DuplicateVoteEvidence>& evidence() const { return evidence_; }
  std::vector<DuplicateVoteEvidence> TakeEvidence();

 private:
  using Message = std::variant<Proposal, Vote>;

  Verdict Ingest(const Proposal& proposal);
  Verdict Ingest(const Vote& vote);
  Verdict Buffer(Message message);
  bool IsCurrent(std::uint64_t height) const { return started_ && height == height_ && !decided_; }
  bool Verify(const crypto::PublicKey& key, const SignedBytes& bytes, const crypto::Signature& signature) const;

  // Algorithm 1.
  void StartRound(std::uint32_t round, Effects& out);
  void Progress(Effects& out);
  bool TryDecide(Effects& out);                     // line 49
  bool TryPrevoteOnProposal(Effects& out);          // lines 22 and 28
  bool TryScheduleTimeoutPrevote(Effects& out);     // line 34
  bool TryLock(Effects& out);                       // line 36
  bool TryPrecommitNil(Effects& out);               // line 44
  bool TryScheduleTimeoutPrecommit(Effects& out);   // line 47
  bool TrySkipRound(Effects& out);                  // line 55
  void Prevote(const std::optional<Hash32>& value, Effects& out);
  void Precommit(const std::optional<Hash32>& value, Effects& out);
  void ScheduleTimeoutFor(TimeoutKind kind, Effects& out);

  // Signing, guarded by the sign state.
  bool CanSign(SignStep step) const;
  void RecordSigning(SignStep step, Effects& out);
  void SendVote(VoteType type, const std::optional<Hash32>& value, Effects& out);

  MachineConfig config_;
  const crypto::SigningKey* key_;
  SignState sign_state_;
  MachineHooks hooks_;

  bool started_ = false;
  std::uint64_t height_ = 0;
  std::uint32_t round_ = 0;
  Step step_ = Step::kPropose;
  bool decided_ = false;
  std::optional<Lock> locked_;
  std::optional<Lock> valid_;
  // "for the first time" of lines 34, 36 and 47, per round.
  bool prevote_timeout_scheduled_ = false;
  bool lock_rule_done_ = false;
  bool precommit_timeout_scheduled_ = false;

  std::optional<ValidatorSet> validators_;
  std::optional<ProposerSchedule> proposers_;
  std::optional<VoteBook> book_;
  std::optional<std::size_t> own_index_;

  std::vector<Message> next_height_;
  std::vector<DuplicateVoteEvidence> evidence_;
};

}  // namespace jobcard::node::consensus
