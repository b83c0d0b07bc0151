// DecidedVotes: the signed votes of the last few heights this node decided,
// so that a vote arriving after the decision can still be caught
// contradicting one its signer cast before (spec/consensus.md §7). The state
// machine forgets a height once it decides it, and an equivocator's second
// vote often comes late: the honest quorum decides without it.
//
// The host records every vote the machine took at the height it runs, its
// own, and the precommits of each commit certificate (a height committed by
// sync has only those); after the decision it offers every vote that comes
// for a kept height. The first different vote of a slot (height, round,
// type, validator) makes one pair, as in the vote book.
//
// Pure and bounded: kDecidedHeightsKept heights, at most
// kMaxVotesPerDecidedHeight votes each (a vote that finds no room is still
// compared, only not kept). Signatures and membership are the caller's to
// check before Add; WouldMatter lets it skip that work for a vote that can
// change nothing. Not thread-safe (the host's loop owns it).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <vector>

#include "node/consensus/messages.h"
#include "node/consensus/vote_book.h"

namespace jobcard::node::consensus {

inline constexpr std::size_t kDecidedHeightsKept = 4;
inline constexpr std::size_t kMaxVotesPerDecidedHeight = 1024;

class DecidedVotes {
 public:
  explicit DecidedVotes(std::size_t heights_kept = kDecidedHeightsKept,
                        std::size_t max_votes_per_height = kMaxVotesPerDecidedHeight);

  // Starts keeping `height` with the keys that may vote at it (its validator
  // set); drops heights more than heights_kept - 1 below it. Opening a kept
  // height again adds `validators` to its keys and keeps its votes.
  void Open(std::uint64_t height, const std::vector<crypto::PublicKey>& validators);

  bool Holds(std::uint64_t height) const { return heights_.count(height) != 0; }
  bool IsValidator(std::uint64_t height, const crypto::PublicKey& key) const;

  // True when Add(vote) could keep it or find a pair: its height is kept, its
  // signer may vote there, and its slot is empty or holds a different vote
  // and has made no pair yet.
  bool WouldMatter(const Vote& vote) const;

  // Records a vote whose signature the caller checked. Returns the pair
  // (the vote held first, then `vote`) when the slot held a different vote
  // and had made no pair yet; nothing otherwise.
  std::optional<DuplicateVoteEvidence> Add(const Vote& vote);

  std::size_t size() const;  // votes held, all heights

 private:
  using SlotKey = std::tuple<std::uint32_t, VoteType, crypto::PublicKey>;
  struct Slot {
    Vote first;
    bool paired = false;
  };
  struct Height {
    std::set<crypto::PublicKey> validators;
    std::map<SlotKey, Slot> slots;
  };

  std::size_t heights_kept_;
  std::size_t max_votes_per_height_;
  std::map<std::uint64_t, Height> heights_;
};

}  // namespace jobcard::node::consensus
