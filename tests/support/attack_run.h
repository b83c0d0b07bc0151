// One attack measured: honest clients (honest_load.h) run throughout, the
// attack (hostile_clients.h) runs in the middle, and the node's resident
// memory is sampled before, during (the peak) and after. The baseline is
// the same honest load alone. Shared by tests/tools/jobcard_attack and the
// hostile-client tests, so that both measure the same way.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>

#include "tests/support/honest_load.h"
#include "tests/support/hostile_clients.h"

namespace jobcard::testing {

struct AttackRun {
  Attack attack = Attack::kDeepJson;
  AttackTally tally;
  LatencySample honest;
  std::uint64_t rss_before_kib = 0;
  std::uint64_t rss_peak_kib = 0;
  std::uint64_t rss_after_kib = 0;
  double seconds = 0;
};

// Honest clients alone for `duration`; `honest.stop` is managed here.
LatencySample MeasureBaseline(HonestLoadOptions honest, std::chrono::milliseconds duration);

// Starts the honest clients, lets them settle on their connections, runs the
// attack to its end, then stops them. RSS is of `node_pid` (0 if unreadable).
AttackRun MeasureAttack(Attack attack, const AttackOptions& options, HonestLoadOptions honest, pid_t node_pid);

}  // namespace jobcard::testing
