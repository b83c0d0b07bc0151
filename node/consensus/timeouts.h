// Round timeouts: the paper's timeoutPropose(r), timeoutPrevote(r) and
// timeoutPrecommit(r). Each grows linearly with the round, so that after GST
// some round lasts long enough for every honest message to arrive, whatever
// the (unknown) bound on delays is. Defaults are CometBFT's.
#pragma once

#include <cstdint>
#include <limits>
#include <utility>

namespace jobcard::node::consensus {

enum class TimeoutKind : std::uint8_t { kPropose, kPrevote, kPrecommit };

struct TimeoutConfig {
  std::uint64_t propose_base_ms = 3000;
  std::uint64_t propose_delta_ms = 500;
  std::uint64_t prevote_base_ms = 1000;
  std::uint64_t prevote_delta_ms = 500;
  std::uint64_t precommit_base_ms = 1000;
  std::uint64_t precommit_delta_ms = 500;
  bool operator==(const TimeoutConfig&) const = default;

  // base + round * delta, saturating rather than wrapping.
  std::uint64_t DurationMs(TimeoutKind kind, std::uint32_t round) const {
    const auto [base, delta] = kind == TimeoutKind::kPropose   ? std::pair{propose_base_ms, propose_delta_ms}
                               : kind == TimeoutKind::kPrevote ? std::pair{prevote_base_ms, prevote_delta_ms}
                                                               : std::pair{precommit_base_ms, precommit_delta_ms};
    constexpr auto kMax = std::numeric_limits<std::uint64_t>::max();
    if (round != 0 && delta > (kMax - base) / round) return kMax;
    return base + round * delta;
  }
};

}  // namespace jobcard::node::consensus
