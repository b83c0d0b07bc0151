#include "node/consensus/sign_state.h"

#include <tuple>

#include "ledger/encoding.h"
#include "node/consensus/messages.h"

namespace jobcard::node::consensus {

bool SignState::Permits(std::uint64_t at_height, std::uint32_t at_round, SignStep at_step) const {
  return std::tuple(at_height, at_round, at_step) > std::tuple(height, round, step);
}

Bytes EncodeSignState(const SignState& s) {
  ledger::Writer w;
  w.U64(s.height).U32(s.round).U8(static_cast<std::uint8_t>(s.step)).Bool(s.lock.has_value());
  if (s.lock) w.U32(s.lock->round).Fixed(s.lock->value);
  return std::move(w).take();
}

Result<SignState> DecodeSignState(ByteView bytes) {
  ledger::Reader r(bytes);
  SignState s;
  std::uint8_t step = 0;
  bool locked = false;
  r.U64(s.height);
  r.U32(s.round);
  r.U8(step);
  if (r.Bool(locked) && locked) {
    Lock lock;
    r.U32(lock.round);
    r.Fixed(lock.value);
    s.lock = lock;
  }
  JOBCARD_TRY_STATUS(r.Finish());
  if (step > static_cast<std::uint8_t>(SignStep::kPrecommit)) {
    return MakeError("consensus.sign_step", "unknown sign step " + std::to_string(step));
  }
  // Nothing signed has only one form: the fresh state. Anything else with
  // step none would bring back a lock (or a position) no signature stands for.
  if (step == static_cast<std::uint8_t>(SignStep::kNone) && (s.height != 0 || s.round != 0 || s.lock)) {
    return MakeError("consensus.sign_step", "a sign state with nothing signed must be all zero");
  }
  if (s.round > kMaxRound || (s.lock && s.lock->round > s.round)) {
    return MakeError("consensus.round", "the sign state's rounds are out of range");
  }
  s.step = static_cast<SignStep>(step);
  return s;
}

}  // namespace jobcard::node::consensus
