#include "node/proposal_budget.h"

#include <algorithm>

namespace jobcard::node {

void ProposalBudget::Observe(std::size_t txs, std::uint64_t elapsed_ms) {
  if (txs < kMinObservedTxs) return;
  // Whole milliseconds: a fast block measured as 0 ms still costs something.
  const double sample = static_cast<double>(std::max<std::uint64_t>(elapsed_ms, 1)) / static_cast<double>(txs);
  // A moving average that follows a slower machine within a few blocks
  // (the load of a shared machine changes by the minute) without letting one
  // block that happened to be interrupted halve the next proposal.
  ms_per_tx_ = ms_per_tx_ ? 0.5 * *ms_per_tx_ + 0.5 * sample : sample;
}

std::uint32_t ProposalBudget::MaxTxs(std::uint64_t propose_timeout_ms, std::uint32_t cap) const {
  const double budget_ms = static_cast<double>(propose_timeout_ms) / 4.0;
  const double fits = budget_ms / ms_per_tx();
  const std::uint32_t floor = std::min(kMinTxs, cap);
  if (fits >= static_cast<double>(cap)) return cap;
  return std::max(floor, static_cast<std::uint32_t>(fits));
}

}  // namespace jobcard::node
