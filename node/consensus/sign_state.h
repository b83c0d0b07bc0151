// SignState: what a validator must never forget, persisted by the host
// before any message it signs leaves the node (spec/consensus.md §Sign state).
//
// Two things in it keep a restarted validator honest:
//  - the last signed (height, round, step): the machine signs only at a
//    strictly later position, so it can never sign two different proposals
//    or votes for one (height, round, step), whatever it forgot in a crash
//    (CometBFT privval's CheckHRS);
//  - the lock (the paper's lockedRound/lockedValue) as it stood at that
//    signature. A validator that forgets its lock can prevote for another
//    value in a later round and, with f Byzantine peers, fork the chain
//    ("amnesia"). The lock only changes together with a precommit for the
//    locked value (Algorithm 1, lines 38-40), so persisting it with every
//    signature keeps it exactly.
// Everything else the machine knows (votes received, validValue) only
// affects liveness, and a restarted node learns it again from its peers.
#pragma once

#include <cstdint>
#include <optional>

#include "crypto/bytes.h"

namespace jobcard::node::consensus {

// The order matters: within a round a validator signs a proposal, then a
// prevote, then a precommit.
enum class SignStep : std::uint8_t { kNone = 0, kPropose = 1, kPrevote = 2, kPrecommit = 3 };

struct Lock {
  std::uint32_t round = 0;
  Hash32 value{};
  bool operator==(const Lock&) const = default;
};

struct SignState {
  std::uint64_t height = 0;
  std::uint32_t round = 0;
  SignStep step = SignStep::kNone;  // kNone: nothing signed yet (height and round are 0)
  std::optional<Lock> lock;         // the lock at `height` when the last message was signed
  bool operator==(const SignState&) const = default;

  // True when a message at (height, round, step) comes strictly after the
  // last one signed, so it cannot conflict with anything signed before.
  bool Permits(std::uint64_t at_height, std::uint32_t at_round, SignStep at_step) const;
};

// Fixed layout for the host's file: u64 height, u32 round, u8 step, then an
// optional lock (presence byte; u32 round, 32-byte value). Error codes:
// encoding.*, consensus.sign_step (an unknown step, or step none in any state
// but the fresh all-zero one), consensus.round (a round above kMaxRound,
// or a lock from a later round than the last signature).
Bytes EncodeSignState(const SignState& state);
Result<SignState> DecodeSignState(ByteView bytes);

}  // namespace jobcard::node::consensus
