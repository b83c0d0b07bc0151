// jobcard_chaos: the fault-injection scenarios of tests/support/chaos_scenarios.h
// run many times on one long-lived network of 4 validators and a full node
// (`make chaos`, RELIABILITY.md), printing a Markdown table with one row per
// scenario. Exits 1 if any run broke a check, 2 on a usage error.
#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "tests/support/chaos_scenarios.h"

namespace {

using jobcard::testing::ChaosHarness;
using jobcard::testing::ChaosOptions;
using jobcard::testing::ChaosOutcome;

const char* kUsage =
    "usage: jobcard_chaos --jobcard PATH [--rounds N] [--stream-ms MS] [--fault-ms MS]\n"
    "\n"
    "Starts 4 validators and a full node (jobcard devnet init) on 127.0.0.1 with\n"
    "their peer links through a relay, then runs every scenario N times (default:\n"
    "$CHAOS_ROUNDS, else 5): kill -9 and restart, SIGSTOP/SIGCONT, one validator\n"
    "partitioned, a 2|2 partition, a full disk (needs root for mount -t tmpfs).\n"
    "Prints one table row per scenario: acknowledged entries vs present on every\n"
    "node, forks seen, time to recover. Exit 0 if every check held, 1 if not.\n"
    "\n"
    "  --jobcard PATH  the jobcard executable to run\n"
    "  --rounds N      1..100\n"
    "  --stream-ms MS  entries flowing before each fault (default 2000)\n"
    "  --fault-ms MS   how long each pause, partition or outage lasts (default 4000)\n";

struct Row {
  std::string what;
  std::size_t runs = 0, skipped = 0, submitted = 0, acknowledged = 0, present = 0, forks = 0, failed_runs = 0;
  std::vector<double> recover_ms;
  std::string skip_reason;
};

// A '|' inside a Markdown table cell must be escaped.
std::string Cell(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

std::string Ms(double value) { return value < 0 ? "-" : std::to_string(static_cast<long>(value + 0.5)); }

}  // namespace

int main(int argc, char** argv) {
  ChaosOptions options;
  long rounds = std::getenv("CHAOS_ROUNDS") ? std::atol(std::getenv("CHAOS_ROUNDS")) : 5;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "%s needs a value\n%s", a.c_str(), kUsage);
      return 2;
    }
    const std::string value = argv[++i];
    if (a == "--jobcard") {
      options.jobcard_binary = value;
    } else if (a == "--rounds") {
      rounds = std::atol(value.c_str());
    } else if (a == "--stream-ms" && std::atol(value.c_str()) > 0) {
      options.stream_before = std::chrono::milliseconds(std::atol(value.c_str()));
    } else if (a == "--fault-ms" && std::atol(value.c_str()) > 0) {
      options.fault_duration = std::chrono::milliseconds(std::atol(value.c_str()));
    } else {
      std::fprintf(stderr, "unknown option or bad value: %s %s\n%s", a.c_str(), value.c_str(), kUsage);
      return 2;
    }
  }
  if (options.jobcard_binary.empty() || rounds < 1 || rounds > 100) {
    std::fprintf(stderr, "%s", kUsage);
    return 2;
  }
  ::signal(SIGPIPE, SIG_IGN);

  ChaosHarness harness(options);
  if (std::string error = harness.Setup(); !error.empty()) {
    std::fprintf(stderr, "setup failed: %s\n", error.c_str());
    return 1;
  }
  const std::string fault = std::to_string(options.fault_duration.count() / 1000.0).substr(0, 3) + " s";
  struct Scenario {
    std::string what;
    std::function<ChaosOutcome(long round)> run;
  };
  // Victims rotate over validators 1-3 so that restarts hit proposers at different points.
  const std::vector<Scenario> scenarios = {
      {"SIGKILL a validator mid-stream, restart " + fault + " later", [&](long r) { return harness.KillAndRestart(1 + r % 3); }},
      {"SIGSTOP a validator " + fault + ", then SIGCONT", [&](long r) { return harness.PauseAndResume(1 + (r + 1) % 3); }},
      {"cut every link of a validator " + fault + ", then heal", [&](long r) { return harness.PartitionOne(1 + (r + 2) % 3); }},
      {"cut node0 node1 full0 | node2 node3 " + fault + ", then heal", [&](long) { return harness.PartitionHalves(); }},
      {"fill the tmpfs under node3's home mid-stream; free it, restart", [&](long) { return harness.FullDisk(3); }},
  };
  std::vector<std::string> order;
  std::map<std::string, Row> rows;
  bool all_passed = true;
  for (long round = 0; round < rounds; ++round) {
    for (const Scenario& scenario : scenarios) {
      const ChaosOutcome o = scenario.run(round);
      if (rows.count(o.scenario) == 0) order.push_back(o.scenario);
      Row& row = rows[o.scenario];
      row.what = scenario.what;
      if (!o.skipped.empty()) {
        ++row.skipped;
        row.skip_reason = o.skipped;
        std::fprintf(stderr, "round %ld %s: skipped: %s\n", round + 1, o.scenario.c_str(), o.skipped.c_str());
        continue;
      }
      ++row.runs;
      row.submitted += o.submitted;
      row.acknowledged += o.acknowledged;
      row.present += o.present;
      row.forks += o.forks;
      if (o.recover_ms >= 0) row.recover_ms.push_back(o.recover_ms);
      if (!o.passed()) {
        ++row.failed_runs;
        all_passed = false;
      }
      std::fprintf(stderr, "round %ld %s: %s; acknowledged %zu, present everywhere %zu, forks %zu, heights %llu..%llu, recovered in %s ms\n",
                   round + 1, o.scenario.c_str(), o.injected.c_str(), o.acknowledged, o.present, o.forks,
                   static_cast<unsigned long long>(o.checked_from), static_cast<unsigned long long>(o.checked_to),
                   Ms(o.recover_ms).c_str());
      if (!o.note.empty()) std::fprintf(stderr, "  %s\n", o.note.c_str());
      for (const auto& failure : o.failures) std::fprintf(stderr, "  FAILED: %s\n", failure.c_str());
      if (!o.passed()) std::fprintf(stderr, "%s\n", harness.cluster().Logs(2000).c_str());
    }
  }
  std::printf("| scenario | injected | times | entries acknowledged / present on every node | forks | recovery median / max (ms) | failed runs |\n");
  std::printf("|---|---|---:|---:|---:|---:|---:|\n");
  for (const std::string& name : order) {
    Row& row = rows[name];
    if (row.runs == 0) {
      std::printf("| %s | %s | skipped | %s | | | |\n", Cell(name).c_str(), Cell(row.what).c_str(), Cell(row.skip_reason).c_str());
      continue;
    }
    std::sort(row.recover_ms.begin(), row.recover_ms.end());
    const double median = row.recover_ms.empty() ? -1 : row.recover_ms[row.recover_ms.size() / 2];
    const double max = row.recover_ms.empty() ? -1 : row.recover_ms.back();
    std::printf("| %s | %s | %zu | %zu / %zu | %zu | %s / %s | %zu |\n", Cell(name).c_str(), Cell(row.what).c_str(), row.runs,
                row.acknowledged, row.present, row.forks, Ms(median).c_str(), Ms(max).c_str(), row.failed_runs);
  }
  return all_passed ? 0 : 1;
}
