// jobcard_chaos: the fault-injection scenarios of tests/support/chaos_scenarios.h
// run many times on one long-lived network of 4 validators and a full node
// (`make chaos`, RELIABILITY.md), printing a Markdown table with one row per
// scenario. The validator-set change and the key rotation change the set
// for good: each of their runs gets a network of its own. Exits 1 if any run
// broke a check, 2 on a usage error.
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
    "                     [--impaired-ms MS] [--seed N] [--only NAME]\n"
    "\n"
    "Starts 4 validators and a full node (jobcard devnet init) on 127.0.0.1 with\n"
    "their peer links through a relay, then runs every scenario N times (default:\n"
    "$CHAOS_ROUNDS, else 5): kill -9 and restart, SIGSTOP/SIGCONT, one validator\n"
    "partitioned, a 2|2 partition, a full disk and a full RocksDB directory alone\n"
    "(both need root for mount -t tmpfs), a corrupted RocksDB table file (the node\n"
    "must refuse to start; then it resyncs on an empty data directory),\n"
    "every link slow and lossy (50-200 ms jitter, random resets and stalls); and,\n"
    "each on a network of its own, a validator-set change under kill -9 and a\n"
    "partition, and a validator key rotation followed by a node run with the\n"
    "old (stolen) key. Prints one table row per scenario: acknowledged entries vs\n"
    "present on every node, forks seen, time to recover. Exit 0 if every check\n"
    "held, 1 if not.\n"
    "\n"
    "  --jobcard PATH     the jobcard executable to run\n"
    "  --rounds N         1..100\n"
    "  --stream-ms MS     entries flowing before each fault (default 2000)\n"
    "  --fault-ms MS      how long each pause, partition or outage lasts (default 4000)\n"
    "  --impaired-ms MS   how long the links misbehave in the lossy scenario (default 10000)\n"
    "  --seed N           the relay's random delays, resets and stalls (default 1; round r uses N + r)\n"
    "  --only NAME[,NAME] only the scenarios whose key contains a NAME: kill, pause, partition-one,\n"
    "                     partition-2x2, full-disk, full-store, corrupt-store, lossy, set-change,\n"
    "                     rotation\n";

struct Row {
  std::string what;
  std::size_t runs = 0, skipped = 0, submitted = 0, acknowledged = 0, present = 0, forks = 0, failed_runs = 0;
  std::vector<double> recover_ms;
  std::string skip_reason;
  std::vector<std::string> notes;
};

// --only: a comma-separated list of parts of scenario keys; empty selects all.
bool Selected(const std::string& only, const std::string& key) {
  if (only.empty()) return true;
  for (std::size_t begin = 0; begin <= only.size();) {
    const std::size_t end = std::min(only.find(',', begin), only.size());
    const std::string part = only.substr(begin, end - begin);
    if (!part.empty() && key.find(part) != std::string::npos) return true;
    begin = end + 1;
  }
  return false;
}

// A scenario that changes the validator set for good, on a network of its own.
ChaosOutcome OnOwnNetwork(ChaosOptions options, const std::string& scenario, bool rotate,
                          const std::function<ChaosOutcome(ChaosHarness&)>& run) {
  options.spare_full_node = true;
  if (rotate) options.rotate_key_of = 2;
  ChaosHarness harness(options);
  if (std::string error = harness.Setup(); !error.empty()) {
    ChaosOutcome failed;
    failed.scenario = scenario;
    failed.failures.push_back(error);
    return failed;
  }
  ChaosOutcome outcome = run(harness);
  // The caller prints the long-lived network's logs: these are this one's.
  if (!outcome.passed()) std::fprintf(stderr, "%s\n", harness.cluster().Logs(2000).c_str());
  return outcome;
}

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
  std::string only;
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
    } else if (a == "--impaired-ms" && std::atol(value.c_str()) > 0) {
      options.impaired_duration = std::chrono::milliseconds(std::atol(value.c_str()));
    } else if (a == "--seed") {
      options.seed = std::strtoull(value.c_str(), nullptr, 10);
    } else if (a == "--only") {
      only = value;
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
    std::string key;  // for --only
    std::string what;
    std::function<ChaosOutcome(long round)> run;
  };
  // Victims rotate over validators 1-3 so that restarts hit proposers at different points.
  const std::vector<Scenario> scenarios = {
      {"kill", "SIGKILL a validator mid-stream, restart " + fault + " later", [&](long r) { return harness.KillAndRestart(1 + r % 3); }},
      {"pause", "SIGSTOP a validator " + fault + ", then SIGCONT", [&](long r) { return harness.PauseAndResume(1 + (r + 1) % 3); }},
      {"partition-one", "cut every link of a validator " + fault + ", then heal", [&](long r) { return harness.PartitionOne(1 + (r + 2) % 3); }},
      {"partition-2x2", "cut node0 node1 full0 | node2 node3 " + fault + ", then heal", [&](long) { return harness.PartitionHalves(); }},
      {"full-disk", "fill the tmpfs under node3's home mid-stream; free it, restart", [&](long) { return harness.FullDisk(3); }},
      {"full-store", "fill the tmpfs under node2's RocksDB directory alone mid-stream (store.no_space); free it, restart",
       [&](long) { return harness.FullDisk(2, jobcard::testing::DiskScope::kStore); }},
      // Not node2: full-store's tmpfs is mounted on its data directory, which cannot be moved aside.
      {"corrupt-store", "flip a bit of a block in a validator's table file after a clean stop, restart (refused: store.corrupt); "
                        "move its data directory aside, restart on an empty one",
       [&](long r) { return harness.CorruptStore(r % 2 == 0 ? 1 : 3); }},
      {"lossy", "every link 50-200 ms jitter, random resets and stalls", [&](long r) {
         harness.set_seed(options.seed + static_cast<std::uint64_t>(r));
         return harness.LossyNetwork();
       }},
      {"set-change", "admit full1 as a 5th validator under kill -9 of node1, remove node3 while node2 is cut off",
       [&](long) { return OnOwnNetwork(options, "validator-set change", false, [](ChaosHarness& h) { return h.ValidatorSetChange(); }); }},
      {"rotation", "rotate node2's key under load, then run a node with its old key",
       [&](long) { return OnOwnNetwork(options, "validator key rotation, stolen old key", true, [](ChaosHarness& h) { return h.KeyRotation(); }); }},
  };
  std::vector<std::string> order;
  std::map<std::string, Row> rows;
  bool all_passed = true;
  for (long round = 0; round < rounds; ++round) {
    for (const Scenario& scenario : scenarios) {
      if (!Selected(only, scenario.key)) continue;
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
      if (!o.note.empty()) row.notes.push_back(o.note);
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
  for (const std::string& name : order) {
    for (const std::string& note : rows[name].notes) std::printf("- %s: %s\n", name.c_str(), note.c_str());
  }
  return all_passed ? 0 : 1;
}
