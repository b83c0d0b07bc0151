#include "node/consensus/vote_book.h"

#include <algorithm>

namespace jobcard::node::consensus {

namespace {

const Vote* FindValue(const std::vector<Vote>& votes, const std::optional<Hash32>& value) {
  auto it = std::find_if(votes.begin(), votes.end(), [&](const Vote& v) { return v.value == value; });
  return it == votes.end() ? nullptr : &*it;
}

}  // namespace

VoteBook::VoteBook(std::vector<std::uint64_t> powers)
    : powers_(std::move(powers)), rounds_of_validator_(powers_.size()) {}

VoteBook::RoundMessages& VoteBook::At(std::uint32_t round) {
  auto [it, inserted] = rounds_.try_emplace(round);
  if (inserted) {
    it->second.prevotes.slots.resize(powers_.size());
    it->second.precommits.slots.resize(powers_.size());
    it->second.sent.resize(powers_.size());
  }
  return it->second;
}

const VoteBook::RoundMessages* VoteBook::Find(std::uint32_t round) const {
  auto it = rounds_.find(round);
  return it == rounds_.end() ? nullptr : &it->second;
}

const VoteBook::Tally& VoteBook::TallyOf(const RoundMessages& m, VoteType type) {
  return type == VoteType::kPrevote ? m.prevotes : m.precommits;
}

bool VoteBook::Holds(std::size_t validator, const Vote& vote) const {
  const RoundMessages* m = Find(vote.round);
  return m && FindValue(TallyOf(*m, vote.type).slots[validator].votes, vote.value) != nullptr;
}

bool VoteBook::Holds(const Proposal& proposal) const {
  const RoundMessages* m = Find(proposal.round);
  if (!m) return false;
  return std::any_of(m->proposals.begin(), m->proposals.end(),
                     [&](const StoredProposal& p) { return p.proposal == proposal; });
}

bool VoteBook::HasRoomFor(std::size_t validator, std::uint32_t round) const {
  const auto& rounds = rounds_of_validator_[validator];
  if (round <= current_round_ || rounds.contains(round)) return true;
  auto lowest_future = rounds.upper_bound(current_round_);
  auto future = static_cast<std::size_t>(std::distance(lowest_future, rounds.end()));
  return future < kMaxFutureRoundsPerValidator || round > *lowest_future;
}

bool VoteBook::HasRoomFor(std::size_t validator, const Vote& vote) const {
  if (!HasRoomFor(validator, vote.round)) return false;
  const RoundMessages* m = Find(vote.round);
  return !m || TallyOf(*m, vote.type).slots[validator].votes.size() < kMaxVotesPerSlot;
}

bool VoteBook::MakeRoom(std::size_t validator, std::uint32_t round) {
  if (!HasRoomFor(validator, round)) return false;
  const auto& rounds = rounds_of_validator_[validator];
  if (round <= current_round_ || rounds.contains(round)) return true;
  auto lowest_future = rounds.upper_bound(current_round_);
  if (static_cast<std::size_t>(std::distance(lowest_future, rounds.end())) >= kMaxFutureRoundsPerValidator) {
    Forget(validator, *lowest_future);
  }
  return true;
}

// Removes every message of `validator` in `round` from the tallies.
void VoteBook::Forget(std::size_t validator, std::uint32_t round) {
  rounds_of_validator_[validator].erase(round);
  auto it = rounds_.find(round);
  if (it == rounds_.end()) return;
  RoundMessages& m = it->second;
  const std::uint64_t power = powers_[validator];
  for (Tally* t : {&m.prevotes, &m.precommits}) {
    Slot& slot = t->slots[validator];
    if (slot.votes.empty()) continue;
    for (const Vote& v : slot.votes) {
      auto value = t->power_by_value.find(v.value);
      if ((value->second -= power) == 0) t->power_by_value.erase(value);
    }
    t->power_any -= power;
    slot.votes.clear();
  }
  if (!m.proposals.empty() && m.proposer == validator) m.proposals.clear();
  if (m.sent[validator]) {
    m.sent[validator] = false;
    m.sender_power -= power;
  }
  if (m.sender_power == 0) rounds_.erase(it);
}

void VoteBook::MarkSender(std::size_t validator, std::uint32_t round, RoundMessages& m) {
  rounds_of_validator_[validator].insert(round);
  if (!m.sent[validator]) {
    m.sent[validator] = true;
    m.sender_power += powers_[validator];
  }
}

AddResult VoteBook::AddVote(std::size_t validator, const Vote& vote, std::optional<DuplicateVoteEvidence>& evidence) {
  evidence.reset();
  if (Holds(validator, vote)) return AddResult::kDuplicate;  // even under another valid signature
  // Refused when full: a vote that is not stored must not pass for one that
  // was (the host logs and relays what the book took).
  if (!HasRoomFor(validator, vote)) return AddResult::kOverLimit;
  (void)MakeRoom(validator, vote.round);
  RoundMessages& m = At(vote.round);
  Tally& t = vote.type == VoteType::kPrevote ? m.prevotes : m.precommits;
  Slot& slot = t.slots[validator];
  const bool first = slot.votes.empty();
  if (!first && !slot.evidence_taken) {
    slot.evidence_taken = true;
    evidence = DuplicateVoteEvidence{slot.votes.front(), vote};
  }
  slot.votes.push_back(vote);
  t.power_by_value[vote.value] += powers_[validator];
  if (first) t.power_any += powers_[validator];
  MarkSender(validator, vote.round, m);
  return first ? AddResult::kAdded : AddResult::kEquivocation;
}

AddResult VoteBook::AddProposal(std::size_t proposer, const Proposal& proposal, bool valid) {
  if (Holds(proposal)) return AddResult::kDuplicate;
  if (!MakeRoom(proposer, proposal.round)) return AddResult::kOverLimit;
  RoundMessages& m = At(proposal.round);
  if (m.proposals.size() >= kMaxProposalsPerRound) return AddResult::kOverLimit;
  m.proposer = proposer;
  m.proposals.push_back({proposal, valid});
  MarkSender(proposer, proposal.round, m);
  return m.proposals.size() == 1 ? AddResult::kAdded : AddResult::kEquivocation;
}

std::uint64_t VoteBook::VotePower(std::uint32_t round, VoteType type, const std::optional<Hash32>& value) const {
  const RoundMessages* m = Find(round);
  if (!m) return 0;
  const auto& by_value = TallyOf(*m, type).power_by_value;
  auto it = by_value.find(value);
  return it == by_value.end() ? 0 : it->second;
}

std::uint64_t VoteBook::AnyVotePower(std::uint32_t round, VoteType type) const {
  const RoundMessages* m = Find(round);
  return m ? TallyOf(*m, type).power_any : 0;
}

std::uint64_t VoteBook::SenderPower(std::uint32_t round) const {
  const RoundMessages* m = Find(round);
  return m ? m->sender_power : 0;
}

const std::vector<StoredProposal>& VoteBook::Proposals(std::uint32_t round) const {
  static const std::vector<StoredProposal> kNone;
  const RoundMessages* m = Find(round);
  return m ? m->proposals : kNone;
}

std::vector<ledger::CommitSignature> VoteBook::CommitSignatures(std::uint32_t round, const Hash32& value) const {
  std::vector<ledger::CommitSignature> out;
  const RoundMessages* m = Find(round);
  if (!m) return out;
  for (const Slot& slot : m->precommits.slots) {
    if (const Vote* v = FindValue(slot.votes, value)) out.push_back(ToCommitSignature(*v));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.validator < b.validator; });
  return out;
}

std::vector<std::uint32_t> VoteBook::Rounds() const {
  std::vector<std::uint32_t> out;
  out.reserve(rounds_.size());
  for (const auto& [round, messages] : rounds_) out.push_back(round);
  return out;
}

}  // namespace jobcard::node::consensus
