// The validators of one height as consensus sees them: who may vote, the
// voting power behind a set of votes, and who proposes in each round.
//
// The paper counts messages for n = 3f + 1 equal processes; with weighted
// validators "2f + 1" becomes "more than 2/3 of the total power" and "f + 1"
// becomes "more than 1/3" (spec/consensus.md §Quorums).
//
// The proposer rotation is CometBFT's weighted round robin: before each
// round every validator's priority grows by its power; the highest priority
// proposes (ties: the smaller key) and pays back the total power. Over
// total_power consecutive rounds each validator proposes `power` times, and
// no validator waits long for its turn. Every node computes the same order
// from the same priorities; the priorities at round 0 of a height come from
// the previous height (ForNextHeight), all zero at the first.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "ledger/state_records.h"

namespace jobcard::node::consensus {

// Keeps power arithmetic (3 * power, priorities) far from overflow.
inline constexpr std::uint64_t kMaxTotalPower = std::uint64_t{1} << 50;

class ValidatorSet {
 public:
  // Fails on an empty set, more members than a certificate can hold
  // (ledger::kMaxCertificateSignatures), a zero power, a repeated key, a
  // total above kMaxTotalPower, or priorities that are not one per member.
  // Empty `priorities` means all zero. The members keep their order: the
  // ledger's validator set hash is over that order.
  static Result<ValidatorSet> Create(std::vector<ledger::ValidatorRecord> members,
                                     std::vector<std::int64_t> priorities = {});

  const std::vector<ledger::ValidatorRecord>& members() const { return members_; }
  std::size_t size() const { return members_.size(); }
  std::uint64_t power(std::size_t index) const { return members_[index].power; }
  std::uint64_t total_power() const { return total_power_; }
  std::optional<std::size_t> IndexOf(const crypto::PublicKey& key) const;

  // More than 2/3 of the total: the paper's 2f + 1.
  bool IsQuorum(std::uint64_t power) const { return power * 3 > total_power_ * 2; }
  // More than 1/3 of the total: the paper's f + 1, at least one honest voter.
  bool IsOneThird(std::uint64_t power) const { return power * 3 > total_power_; }

  // Proposer priorities at round 0 of this height.
  const std::vector<std::int64_t>& priorities() const { return priorities_; }
  // The same members with the priorities of round 0 of the next height
  // (one rotation step, as CometBFT does after each committed block).
  ValidatorSet ForNextHeight() const;

 private:
  std::vector<ledger::ValidatorRecord> members_;
  std::vector<std::int64_t> priorities_;
  std::uint64_t total_power_ = 0;
};

// The proposer of each round of one height, computed step by step from the
// set's round-0 priorities and remembered: proposer(h, r) costs r steps once.
class ProposerSchedule {
 public:
  explicit ProposerSchedule(const ValidatorSet& set);
  // The member index of proposer(h, round). round <= kMaxRound (asserted).
  std::size_t ProposerOf(std::uint32_t round);

 private:
  ValidatorSet set_;
  std::vector<std::int64_t> priorities_;  // after the last computed round
  std::vector<std::size_t> by_round_;
};

// One rotation step on `priorities` (in place); returns the proposer's index.
// Exposed for ValidatorSet and the tests.
std::size_t RotateProposer(const std::vector<ledger::ValidatorRecord>& members, std::uint64_t total_power,
                           std::vector<std::int64_t>& priorities);

}  // namespace jobcard::node::consensus
