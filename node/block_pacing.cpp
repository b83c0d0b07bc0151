#include "node/block_pacing.h"

namespace jobcard::node {

std::uint64_t NextHeightDelayMs(const PacingInputs& in) {
  // A capacity of 0 cannot happen (the budget's floor is at least 1); treat
  // it as no information and keep the pace.
  if (in.block_capacity == 0) return in.block_interval_ms;
  const bool full_block_waits = in.pending_txs >= in.block_capacity;
  const bool last_block_was_full = in.last_block_txs >= in.block_capacity;
  return in.proposes_next && (full_block_waits || last_block_was_full) ? 0 : in.block_interval_ms;
}

}  // namespace jobcard::node
