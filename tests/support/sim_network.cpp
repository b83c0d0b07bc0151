#include "tests/support/sim_network.h"

namespace jobcard::testing {

std::vector<std::uint64_t> SimNetwork::Arrivals(std::size_t from, std::size_t to, std::uint64_t now_ms,
                                                SimRandom& rng) const {
  const bool stable = now_ms >= faults_.gst_ms;
  std::vector<std::uint64_t> out;
  if (!stable && (group_[from] != group_[to] || rng.Percent(faults_.drop_percent))) return out;
  const std::uint64_t max_delay = stable ? faults_.max_delay_after_gst_ms : faults_.max_delay_before_gst_ms;
  out.push_back(now_ms + rng.Between(1, max_delay));
  if (rng.Percent(faults_.duplicate_percent)) out.push_back(now_ms + rng.Between(1, max_delay));
  return out;
}

}  // namespace jobcard::testing
