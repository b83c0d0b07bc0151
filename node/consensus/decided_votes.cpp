#include "node/consensus/decided_votes.h"

namespace jobcard::node::consensus {

DecidedVotes::DecidedVotes(std::size_t heights_kept, std::size_t max_votes_per_height)
    : heights_kept_(heights_kept == 0 ? 1 : heights_kept), max_votes_per_height_(max_votes_per_height) {}

void DecidedVotes::Open(std::uint64_t height, const std::vector<crypto::PublicKey>& validators) {
  // A height far below the newest kept would be dropped at once.
  if (!heights_.empty() && height + heights_kept_ <= heights_.rbegin()->first) return;
  Height& kept = heights_[height];
  kept.validators.insert(validators.begin(), validators.end());
  while (heights_.size() > heights_kept_ || heights_.begin()->first + heights_kept_ <= heights_.rbegin()->first) {
    heights_.erase(heights_.begin());
  }
}

bool DecidedVotes::IsValidator(std::uint64_t height, const crypto::PublicKey& key) const {
  auto it = heights_.find(height);
  return it != heights_.end() && it->second.validators.count(key) != 0;
}

bool DecidedVotes::WouldMatter(const Vote& vote) const {
  auto it = heights_.find(vote.height);
  if (it == heights_.end() || it->second.validators.count(vote.validator) == 0) return false;
  auto slot = it->second.slots.find({vote.round, vote.type, vote.validator});
  if (slot == it->second.slots.end()) return true;
  return !slot->second.paired && slot->second.first.value != vote.value;
}

std::optional<DuplicateVoteEvidence> DecidedVotes::Add(const Vote& vote) {
  auto it = heights_.find(vote.height);
  if (it == heights_.end() || it->second.validators.count(vote.validator) == 0) return std::nullopt;
  Height& height = it->second;
  auto slot = height.slots.find({vote.round, vote.type, vote.validator});
  if (slot == height.slots.end()) {
    if (height.slots.size() < max_votes_per_height_) height.slots.emplace(SlotKey{vote.round, vote.type, vote.validator}, Slot{vote, false});
    return std::nullopt;
  }
  // The same value under another signature is the same vote (Ed25519
  // signatures are deterministic; a second one proves nothing more).
  if (slot->second.paired || slot->second.first.value == vote.value) return std::nullopt;
  slot->second.paired = true;
  return DuplicateVoteEvidence{slot->second.first, vote};
}

std::size_t DecidedVotes::size() const {
  std::size_t total = 0;
  for (const auto& [height, kept] : heights_) total += kept.slots.size();
  return total;
}

}  // namespace jobcard::node::consensus
