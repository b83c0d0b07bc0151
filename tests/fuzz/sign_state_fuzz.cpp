// A validator's sign state file (node/consensus/sign_state.cpp): read at
// start-up from disk, where a crash or a bad disk can leave anything.
// Invariants: canonical (re-encodes to the same bytes); what decodes keeps
// the rules the machine relies on (nothing signed means height and round 0;
// a lock never from a later round than the last signature); Permits is a
// strict order: the state never permits its own position again.
#include "node/consensus/messages.h"
#include "node/consensus/sign_state.h"
#include "tests/fuzz/fuzz_check.h"

using namespace jobcard;
namespace consensus = jobcard::node::consensus;

JOBCARD_FUZZ_TARGET {
  auto state = consensus::DecodeSignState(fuzz::Input(data, size));
  if (!state.ok()) {
    FUZZ_CHECK(!state.error().code.empty());
    return 0;
  }
  FUZZ_CHECK(consensus::EncodeSignState(*state) == Bytes(data, data + size));
  FUZZ_CHECK(state->round <= consensus::kMaxRound);
  if (state->step == consensus::SignStep::kNone) {
    FUZZ_CHECK(state->height == 0 && state->round == 0 && !state->lock);
  }
  if (state->lock) FUZZ_CHECK(state->lock->round <= state->round);
  FUZZ_CHECK(!state->Permits(state->height, state->round, state->step));
  if (state->step != consensus::SignStep::kPrecommit) {
    auto next = static_cast<consensus::SignStep>(static_cast<std::uint8_t>(state->step) + 1);
    FUZZ_CHECK(state->Permits(state->height, state->round, next));
  }
  return 0;
}
