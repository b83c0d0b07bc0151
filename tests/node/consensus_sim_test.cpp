// The consensus simulator over many seeds (tests/support/sim_world.h says
// what one seed draws and checks). The seed ranges are split into several
// tests so that ctest runs them in parallel.
//
// Replay one seed: JOBCARD_SIM_SEED=<seed> node_tests --gtest_filter=<test>
// runs only that seed in every simulator test and prints its whole trace.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "tests/support/sim_world.h"

namespace jobcard::testing {
namespace {

constexpr int kFailuresShown = 3;

std::optional<std::uint64_t> ReplaySeed() {
  const char* seed = std::getenv("JOBCARD_SIM_SEED");
  if (!seed || !*seed) return std::nullopt;
  return std::strtoull(seed, nullptr, 10);
}

std::string ReplayCommand(std::uint64_t seed) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::error_code ec;
  std::string binary = std::filesystem::read_symlink("/proc/self/exe", ec).string();
  if (ec) binary = "node_tests";
  return "JOBCARD_SIM_SEED=" + std::to_string(seed) + " " + binary + " --gtest_filter=" + info->test_suite_name() +
         "." + info->name();
}

std::string Indented(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += "    " + line + "\n";
  return out;
}

// Runs seeds [first, first + count) of `validators` with `byzantine` of them
// equivocating; every seed must pass every check.
void RunSeeds(std::size_t validators, std::size_t byzantine, std::uint64_t first, std::uint64_t count) {
  const auto replay = ReplaySeed();
  const auto start = std::chrono::steady_clock::now();
  int failures = 0;
  std::uint64_t evidence = 0, heights = 0, worst_liveness_ms = 0, events = 0;
  for (std::uint64_t i = 0; i < (replay ? 1 : count); ++i) {
    SimConfig config;
    config.validators = validators;
    config.byzantine = byzantine;
    config.seed = replay ? *replay : first + i;
    config.trace = replay ? SimConfig::Trace::kFull : SimConfig::Trace::kOff;
    SimResult r = RunSimulation(config);
    evidence += r.evidence;
    heights += r.committed_heights;
    events += r.events;
    worst_liveness_ms = std::max(worst_liveness_ms, r.liveness_ms);
    if (replay) std::cout << "scenario: " << r.scenario << "\n" << Indented(r.trace);
    if (r.failure.empty()) continue;
    if (++failures <= kFailuresShown) {
      if (!replay) {
        config.trace = SimConfig::Trace::kTail;  // the same run again, traced
        r = RunSimulation(config);
      }
      ADD_FAILURE() << "seed " << config.seed << ": " << r.failure << "\n  scenario: " << r.scenario
                    << "\n  replay: " << ReplayCommand(config.seed) << "\n  trace (last lines):\n"
                    << Indented(r.trace);
    }
  }
  const auto wall_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  std::cout << "[ sim      ] " << (replay ? 1 : count) << " seeds, n=" << validators << " byzantine=" << byzantine
            << ": " << failures << " failed, " << heights << " heights committed, " << evidence
            << " evidence, " << events << " events, slowest liveness " << worst_liveness_ms
            << " virtual ms after GST, " << wall_ms << " ms wall\n";
  if (!replay) {
    // The runs must have exercised something: heights committed and
    // equivocation caught.
    EXPECT_GE(heights, count * SimConfig{}.heights_after_gst);
    EXPECT_GT(evidence, 0u);
  }
}

TEST(SimulatorFourValidators, Seeds0To299) { RunSeeds(4, 1, 0, 300); }
TEST(SimulatorFourValidators, Seeds300To599) { RunSeeds(4, 1, 300, 300); }
TEST(SimulatorFourValidators, Seeds600To899) { RunSeeds(4, 1, 600, 300); }
TEST(SimulatorFourValidators, Seeds900To1199) { RunSeeds(4, 1, 900, 300); }
TEST(SimulatorSevenValidators, Seeds0To199) { RunSeeds(7, 2, 0, 200); }
TEST(SimulatorSevenValidators, Seeds200To399) { RunSeeds(7, 2, 200, 200); }
TEST(SimulatorSevenValidators, Seeds400To599) { RunSeeds(7, 2, 400, 200); }
TEST(SimulatorSevenValidators, Seeds600To799) { RunSeeds(7, 2, 600, 200); }

// The same seed gives the same run, event for event.
TEST(SimulatorChecks, ASeedReplaysExactly) {
  SimConfig config;
  config.seed = 42;
  config.validators = 7;
  config.byzantine = 2;
  config.trace = SimConfig::Trace::kFull;
  SimResult a = RunSimulation(config);
  SimResult b = RunSimulation(config);
  EXPECT_TRUE(a.failure.empty()) << a.failure;
  EXPECT_EQ(a.trace, b.trace);
  EXPECT_EQ(a.events, b.events);
  EXPECT_GT(a.trace.size(), 50u);
}

// The checks can fail: with Byzantine validators holding more than 1/3 of
// the power, Tendermint promises nothing, and the simulator must catch the
// fork they make.
TEST(SimulatorChecks, CatchesAForkWhenByzantinePowerExceedsOneThird) {
  int forks = 0;
  for (std::uint64_t seed = 0; seed < 50 && forks == 0; ++seed) {
    SimConfig config;
    config.validators = 4;
    config.byzantine = 2;
    config.seed = seed;
    config.crashes_and_partitions = false;
    config.liveness_budget_ms = 5000;
    SimResult r = RunSimulation(config);
    if (r.failure.find("SAFETY") != std::string::npos) ++forks;
  }
  EXPECT_GT(forks, 0);
}

}  // namespace
}  // namespace jobcard::testing
