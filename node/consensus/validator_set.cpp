#include "node/consensus/validator_set.h"

#include <algorithm>
#include <cassert>
#include <numeric>

#include "ledger/block.h"
#include "node/consensus/messages.h"

namespace jobcard::node::consensus {

namespace {

// CometBFT keeps priorities within 2 * total of each other and centred on
// zero before rotating, so a set handed priorities from elsewhere (a changed
// set, a restored file) cannot drift towards overflow. Priorities this code
// produced from zero already satisfy both, and then nothing changes.
void Normalise(std::vector<std::int64_t>& priorities, std::uint64_t total_power) {
  auto [lo, hi] = std::minmax_element(priorities.begin(), priorities.end());
  const std::int64_t diff = *hi - *lo;
  const auto limit = static_cast<std::int64_t>(2 * total_power);
  if (diff > limit) {
    const std::int64_t ratio = (diff + limit - 1) / limit;
    for (auto& p : priorities) p /= ratio;
  }
  const std::int64_t sum = std::accumulate(priorities.begin(), priorities.end(), std::int64_t{0});
  const std::int64_t average = sum / static_cast<std::int64_t>(priorities.size());
  for (auto& p : priorities) p -= average;
}

}  // namespace

Result<ValidatorSet> ValidatorSet::Create(std::vector<ledger::ValidatorRecord> members,
                                          std::vector<std::int64_t> priorities) {
  if (members.empty()) return MakeError("consensus.validator_set", "the validator set is empty");
  if (members.size() > ledger::kMaxCertificateSignatures) {
    return MakeError("consensus.validator_set", "more validators than a certificate can hold");
  }
  ValidatorSet set;
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (members[i].power == 0) return MakeError("consensus.validator_set", "a validator has no voting power");
    if (members[i].power > kMaxTotalPower - set.total_power_) {
      return MakeError("consensus.validator_set", "the total voting power is above the limit");
    }
    set.total_power_ += members[i].power;
    for (std::size_t j = 0; j < i; ++j) {
      if (members[j].key == members[i].key) return MakeError("consensus.validator_set", "a validator key repeats");
    }
  }
  if (priorities.empty()) priorities.assign(members.size(), 0);
  if (priorities.size() != members.size()) {
    return MakeError("consensus.validator_set", "proposer priorities must be one per validator");
  }
  const auto bound = static_cast<std::int64_t>(kMaxTotalPower) * 4;
  for (auto p : priorities) {
    if (p > bound || p < -bound) return MakeError("consensus.validator_set", "a proposer priority is out of range");
  }
  Normalise(priorities, set.total_power_);
  set.members_ = std::move(members);
  set.priorities_ = std::move(priorities);
  return set;
}

std::optional<std::size_t> ValidatorSet::IndexOf(const crypto::PublicKey& key) const {
  for (std::size_t i = 0; i < members_.size(); ++i) {
    if (members_[i].key == key) return i;
  }
  return std::nullopt;
}

ValidatorSet ValidatorSet::ForNextHeight() const {
  ValidatorSet next = *this;
  RotateProposer(next.members_, next.total_power_, next.priorities_);
  Normalise(next.priorities_, next.total_power_);
  return next;
}

std::size_t RotateProposer(const std::vector<ledger::ValidatorRecord>& members, std::uint64_t total_power,
                           std::vector<std::int64_t>& priorities) {
  std::size_t best = 0;
  for (std::size_t i = 0; i < members.size(); ++i) {
    priorities[i] += static_cast<std::int64_t>(members[i].power);
    if (i > 0 && (priorities[i] > priorities[best] ||
                  (priorities[i] == priorities[best] && members[i].key < members[best].key))) {
      best = i;
    }
  }
  priorities[best] -= static_cast<std::int64_t>(total_power);
  return best;
}

ProposerSchedule::ProposerSchedule(const ValidatorSet& set) : set_(set), priorities_(set.priorities()) {}

std::size_t ProposerSchedule::ProposerOf(std::uint32_t round) {
  assert(round <= kMaxRound);
  while (by_round_.size() <= round) {
    by_round_.push_back(RotateProposer(set_.members(), set_.total_power(), priorities_));
  }
  return by_round_[round];
}

}  // namespace jobcard::node::consensus
