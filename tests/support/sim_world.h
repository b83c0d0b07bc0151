// The deterministic consensus simulator: n validators (some Byzantine) as
// SimNodes on a virtual clock, driven by one event queue and one seeded
// random source, so a seed replays exactly.
//
// A seed draws a scenario: voting powers, which validators are Byzantine,
// GST, the loss, duplication and delay of messages before GST, partitions
// that heal by GST, honest validators that crash and restart (from their
// persisted sign state and chain) before GST. The run checks, as it goes:
//  - safety: no two honest nodes commit different blocks at one height;
//    every commit's certificate passes ledger::VerifyCertificate;
//  - no honest validator signs two different messages for one (height,
//    round, step), before or after a restart, is ever judged misbehaving by
//    another node, or appears in equivocation evidence;
//  - liveness: from GST on, every honest node commits the next
//    `heights_after_gst` heights within `liveness_budget_ms` virtual ms.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace jobcard::testing {

struct SimConfig {
  std::size_t validators = 4;
  std::size_t byzantine = 1;
  std::uint64_t seed = 0;
  std::uint64_t heights_after_gst = 2;
  std::uint64_t liveness_budget_ms = 60000;
  bool crashes_and_partitions = true;
  // Tracing costs more than the run itself, and a seed replays exactly: runs
  // trace nothing, and a failing seed is run again with its trace on.
  enum class Trace { kOff, kTail, kFull } trace = Trace::kOff;
};

struct SimResult {
  std::string failure;   // empty when every check passed
  std::string scenario;  // one line: what the seed drew
  std::vector<std::string> trace;  // the last lines (kTail) or all (kFull)
  std::uint64_t committed_heights = 0;  // the lowest honest chain at the end
  std::uint64_t evidence = 0;           // pieces of evidence honest nodes gathered
  std::uint64_t events = 0;
  std::uint64_t gst_ms = 0;
  std::uint64_t liveness_ms = 0;  // from GST until the last honest node reached the target
};

SimResult RunSimulation(const SimConfig& config);

}  // namespace jobcard::testing
