// VoteBook: the proposals and votes of one height that the state machine
// accepted, tallied by voting power per round and value.
//
// Counting follows the paper: "2f + 1 <PREVOTE, h, r, id(v)>" is the power
// of the distinct validators that sent a prevote for id(v), and
// "2f + 1 <PREVOTE, h, r, *>" the power of the distinct validators that sent
// any prevote. A validator that equivocates therefore counts, once, for each
// value it voted for (up to kMaxVotesPerSlot different votes per round and
// type), and once in the "any" tally. That is what keeps honest nodes
// agreeing on what a round proved: a node that first got an equivocator's
// nil prevote still sees the proof-of-lock for v once an honest peer relays
// the equivocator's prevote for v. Safety does not suffer: two quorums of
// one round overlap in more than 1/3 of the power, which cannot all be
// equivocators. The first conflicting pair of a slot is kept as evidence.
//
// Proposals are not counted but kept, a few per round: a Byzantine proposer
// may send different ones to different nodes, and lines 36 and 49 of the
// paper need whichever value the quorum actually voted for.
//
// Bounded: per round and type at most kMaxVotesPerSlot votes per validator,
// kMaxProposalsPerRound proposals per round. Of the rounds above the current
// one, a validator occupies at most kMaxFutureRoundsPerValidator: its
// highest ones. A message for a higher future round evicts the validator's
// messages of its lowest future round; one for a lower round is refused. So
// a faulty validator cannot fill memory with far-future rounds, and the
// current rounds of honest validators that are ahead always find room, which
// is what line 55 (round skip) needs to bring this node to them. What a
// bound drops the gossip layer sends again.
//
// Signatures, membership and the proposer are checked by the caller; the book
// trusts what it is given. Not thread-safe (the machine owns it).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "node/consensus/messages.h"

namespace jobcard::node::consensus {

inline constexpr std::size_t kMaxFutureRoundsPerValidator = 2;
inline constexpr std::size_t kMaxProposalsPerRound = 4;
inline constexpr std::size_t kMaxVotesPerSlot = 3;

// Two different signed votes by one validator for one (height, round, type).
struct DuplicateVoteEvidence {
  Vote first;
  Vote second;
  bool operator==(const DuplicateVoteEvidence&) const = default;
};

struct StoredProposal {
  Proposal proposal;
  bool valid = false;  // the host's valid(v) for proposal.value
};

enum class AddResult : std::uint8_t {
  kAdded,
  kDuplicate,     // a message with the same content is held
  kEquivocation,  // stored; the sender already had a different message in this slot
  kOverLimit,     // a bound refused it: nothing stored
};

class VoteBook {
 public:
  explicit VoteBook(std::vector<std::uint64_t> powers);

  // Rounds above `round` count against kMaxFutureRoundsPerValidator.
  void SetCurrentRound(std::uint32_t round) { current_round_ = round; }

  // True when a vote of `validator` for the same slot and value is held:
  // the caller can skip verifying it.
  bool Holds(std::size_t validator, const Vote& vote) const;
  bool Holds(const Proposal& proposal) const;
  // False when a message of `validator` for `round` would be refused: its
  // future-round slots hold only higher rounds.
  bool HasRoomFor(std::size_t validator, std::uint32_t round) const;
  // The same for `vote`, which is also refused when its slot already holds
  // kMaxVotesPerSlot different votes (evidence was taken at the second).
  bool HasRoomFor(std::size_t validator, const Vote& vote) const;

  // kEquivocation: stored and counted for its value; `evidence` is filled
  // the first time a slot sees a conflict. kOverLimit: nothing was stored.
  AddResult AddVote(std::size_t validator, const Vote& vote, std::optional<DuplicateVoteEvidence>& evidence);
  AddResult AddProposal(std::size_t proposer, const Proposal& proposal, bool valid);

  // Power of the validators with a vote of `type` in `round` for `value`
  // (nullopt: nil).
  std::uint64_t VotePower(std::uint32_t round, VoteType type, const std::optional<Hash32>& value) const;
  // Power of the validators with any vote of `type` in `round`.
  std::uint64_t AnyVotePower(std::uint32_t round, VoteType type) const;
  // Power of the validators that sent anything (proposal or vote) in `round`.
  std::uint64_t SenderPower(std::uint32_t round) const;
  // The proposals of `round` in arrival order.
  const std::vector<StoredProposal>& Proposals(std::uint32_t round) const;
  // The precommits for `value` in `round`, one per validator, sorted by key:
  // the signatures of a ledger::CommitCertificate.
  std::vector<ledger::CommitSignature> CommitSignatures(std::uint32_t round, const Hash32& value) const;
  // Every round that holds a message, ascending.
  std::vector<std::uint32_t> Rounds() const;

 private:
  struct Slot {
    std::vector<Vote> votes;  // different values, arrival order
    bool evidence_taken = false;
  };
  struct Tally {
    std::vector<Slot> slots;  // by validator index
    std::map<std::optional<Hash32>, std::uint64_t> power_by_value;
    std::uint64_t power_any = 0;
  };
  struct RoundMessages {
    Tally prevotes;
    Tally precommits;
    std::vector<StoredProposal> proposals;
    std::size_t proposer = 0;  // of `proposals`: a round has one proposer
    std::vector<bool> sent;
    std::uint64_t sender_power = 0;
  };

  RoundMessages& At(std::uint32_t round);
  const RoundMessages* Find(std::uint32_t round) const;
  static const Tally& TallyOf(const RoundMessages& m, VoteType type);
  void MarkSender(std::size_t validator, std::uint32_t round, RoundMessages& m);
  // Makes room for `validator` in `round` (evicting its lowest future
  // round if `round` is higher); false when HasRoomFor is false.
  bool MakeRoom(std::size_t validator, std::uint32_t round);
  void Forget(std::size_t validator, std::uint32_t round);

  std::vector<std::uint64_t> powers_;
  std::uint32_t current_round_ = 0;
  std::map<std::uint32_t, RoundMessages> rounds_;
  std::vector<std::set<std::uint32_t>> rounds_of_validator_;
};

}  // namespace jobcard::node::consensus
