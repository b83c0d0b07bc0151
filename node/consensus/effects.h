// What the state machine asks of its host. Every input returns an ordered
// list of effects; the host carries them out in that order. The one ordering
// rule safety depends on: a PersistSignState must be durable (written and
// synced) before any later effect of the list is carried out, in particular
// the Broadcast of the message it was emitted for.
#pragma once

#include <cstdint>
#include <variant>
#include <vector>

#include "ledger/block.h"
#include "node/consensus/messages.h"
#include "node/consensus/sign_state.h"
#include "node/consensus/timeouts.h"

namespace jobcard::node::consensus {

// Store `state` durably; it replaces the previous one. Emitted immediately
// before every message this node signs.
struct PersistSignState {
  SignState state;
};

// Send to every peer, with the block whose hash is proposal.value.
struct BroadcastProposal {
  Proposal proposal;
};

struct BroadcastVote {
  Vote vote;
};

// Call OnTimeout(kind, height, round) once duration_ms have passed. Timers
// are never cancelled: the machine ignores the ones that no longer apply.
struct ScheduleTimeout {
  TimeoutKind kind = TimeoutKind::kPropose;
  std::uint64_t height = 0;
  std::uint32_t round = 0;
  std::uint64_t duration_ms = 0;
};

// The value with hash `value` is decided at `height` (line 51). The
// certificate holds every precommit for it in `round` that the machine
// counted: more than 2/3 of the power, verifiable by ledger::VerifyCertificate.
// The host commits the block and then calls StartHeight for the next height.
struct Decide {
  std::uint64_t height = 0;
  std::uint32_t round = 0;
  Hash32 value{};
  ledger::CommitCertificate certificate;
};

using Effect = std::variant<PersistSignState, BroadcastProposal, BroadcastVote, ScheduleTimeout, Decide>;
using Effects = std::vector<Effect>;

}  // namespace jobcard::node::consensus
