// jobcard_load: HTTP API latency under concurrent clients (issue 4).
//
// Builds a ledger of --subjects subjects with --entries-per-subject career
// entries each (tests/support/synthetic_workload.h), serves it with a full
// node (NodeService without a validator key: it produces no blocks) on an
// ephemeral 127.0.0.1 port, then runs --clients concurrent clients, each on
// one keep-alive connection, in two phases of --requests requests per client:
//
//   status    GET /v1/status: the baseline, the cost of a connection's
//             round trip, routing and a small JSON answer with no storage work
//   history   GET /v1/subjects/{id}/history for seeded random subjects: the
//             record, a state-index proof and every transaction
//
// and prints p50/p99 of each phase and the history/status ratios: ratios
// against the baseline of the same run are what can be compared across runs
// on a shared machine. Every answer must be 200 (and a history must list the
// subject's entries), else the tool exits 1.
//
// Usage: jobcard_load [--subjects N] [--entries-per-subject K] [--clients C]
//                     [--requests R] [--seed S] [--dir DIR] [--json]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "ledger/chain_store.h"
#include "node/log.h"
#include "node/node_service.h"
#include "node/solo_producer.h"
#include "tests/support/honest_load.h"
#include "tests/support/synthetic_workload.h"
#include "tests/support/tool_args.h"

namespace jobcard {
namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::uint64_t subjects = 1000;
  std::uint64_t entries_per_subject = 5;
  std::uint64_t clients = 8;
  std::uint64_t requests = 200;
  std::uint64_t seed = 1;
  std::string dir = "load-data";
  bool json = false;
};

constexpr std::uint64_t kBlockTxs = 2000;
constexpr auto kRequestTimeout = std::chrono::milliseconds(30'000);

// Commits `txs` in blocks of kBlockTxs; false (with a message) if any is refused.
bool CommitAll(ledger::ChainStore& store, const testing::TestChain& chain, std::vector<ledger::Tx>& txs) {
  for (std::size_t first = 0; first < txs.size(); first += kBlockTxs) {
    std::vector<ledger::Tx> batch(txs.begin() + static_cast<std::ptrdiff_t>(first),
                                  txs.begin() + static_cast<std::ptrdiff_t>(std::min(txs.size(), first + kBlockTxs)));
    auto block = node::ProduceSoloBlock(store, batch, store.Tip().time_ms + 1000, chain.validator);
    if (!block.ok() || !block->rejected.empty()) {
      std::fprintf(stderr, "building the ledger failed: %s\n",
                   block.ok() ? block->rejected[0].status.error().message.c_str() : block.error().message.c_str());
      return false;
    }
  }
  txs.clear();
  return true;
}

// Writes genesis.json and a ledger of subjects with their entries under `home`.
bool BuildLedger(const Options& opt, const testing::SyntheticWorkload& w, const std::filesystem::path& home) {
  std::filesystem::create_directories(home);
  std::ofstream(home / "genesis.json") << ledger::GenesisToJson(w.chain().genesis).dump(2) << "\n";
  auto store = ledger::ChainStore::Open((home / "data").string(), w.chain().genesis);
  if (!store.ok()) {
    std::fprintf(stderr, "open: %s\n", store.error().message.c_str());
    return false;
  }
  std::vector<ledger::Tx> txs;
  for (std::uint64_t s = 0; s < opt.subjects; ++s) txs.push_back(w.Enroll(s));
  if (!CommitAll(**store, w.chain(), txs)) return false;
  for (std::uint64_t round = 0; round < opt.entries_per_subject; ++round) {
    // Recorded one second after the tip: never ahead of the block that commits it.
    const std::uint64_t now = (*store)->Tip().time_ms / 1000 + 1;
    for (std::uint64_t s = 0; s < opt.subjects; ++s) txs.push_back(w.Entry(s, round, now));
    if (!CommitAll(**store, w.chain(), txs)) return false;
  }
  return true;
}

// Each client thread sends its requests one after another on one connection;
// `target(client, i)` names request i of a client, `check` judges the answer.
template <typename Target, typename Check>
testing::LatencySample RunPhase(const Options& opt, std::uint16_t port, Target target, Check check) {
  testing::HonestLoadOptions load;
  load.port = port;
  load.clients = opt.clients;
  load.requests_per_client = opt.requests;
  load.request_timeout = kRequestTimeout;
  load.target = target;
  load.check = check;
  return testing::RunHonestClients(load);
}

int Run(const Options& opt) {
  node::SetLogLevel(node::LogLevel::kWarn);
  const std::filesystem::path home = std::filesystem::absolute(opt.dir);
  // Replaced, so only if it is empty or an earlier run's (never, say, a home directory).
  std::error_code ec;
  if (std::filesystem::exists(home / "genesis.json", ec) || std::filesystem::is_empty(home, ec)) {
    std::filesystem::remove_all(home);
  } else if (std::filesystem::exists(home, ec)) {
    std::fprintf(stderr, "%s is not empty and not an earlier run's directory (no genesis.json); not replacing it\n",
                 home.string().c_str());
    return 2;
  }
  testing::SyntheticWorkload w;
  const auto build_start = Clock::now();
  if (!BuildLedger(opt, w, home)) return 1;
  const double build_seconds = std::chrono::duration<double>(Clock::now() - build_start).count();

  node::NodeConfig config;
  config.api_listen = "127.0.0.1:0";
  auto service = node::NodeService::Open(home, config, std::nullopt);
  if (!service.ok()) {
    std::fprintf(stderr, "node: %s\n", service.error().message.c_str());
    return 1;
  }
  node::NodeService& node = **service;
  Status run_status = Status::Ok();
  std::thread runner([&] { run_status = node.Run(); });
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  while (node.api_port() == 0 && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const std::uint16_t port = node.api_port();
  if (port == 0) {
    std::fprintf(stderr, "the node's API did not start listening\n");
    node.Stop();
    runner.join();
    return 1;
  }

  testing::LatencySample status = RunPhase(
      opt, port, [](std::uint64_t, std::uint64_t) { return std::string("/v1/status"); },
      testing::ExpectOk);
  // Seeded per client, so a run can be repeated request for request.
  std::vector<std::vector<std::uint64_t>> picks(opt.clients);
  for (std::uint64_t c = 0; c < opt.clients; ++c) {
    std::mt19937_64 rng(opt.seed * 1000003 + c);
    for (std::uint64_t i = 0; i < opt.requests; ++i) picks[c].push_back(rng() % opt.subjects);
  }
  const std::string expected_entries = "\"entries\":[";
  testing::LatencySample history = RunPhase(
      opt, port,
      [&](std::uint64_t c, std::uint64_t i) {
        return "/v1/subjects/" + ToHex(testing::SyntheticSubject(picks[c][i])) + "/history";
      },
      [&](const testing::HttpResult& r) {
        if (r.status != 200) return "status " + std::to_string(r.status);
        if (opt.entries_per_subject > 0 && r.body.find(expected_entries + "{") == std::string::npos) {
          return std::string("a history without its entries");
        }
        return std::string();
      });
  node.Stop();
  runner.join();

  const double status_p50 = testing::Percentile(status.micros, 0.50), status_p99 = testing::Percentile(status.micros, 0.99);
  const double history_p50 = testing::Percentile(history.micros, 0.50), history_p99 = testing::Percentile(history.micros, 0.99);
  if (opt.json) {
    std::printf("{\"subjects\":%llu,\"entries_per_subject\":%llu,\"clients\":%llu,\"requests_per_client\":%llu,"
                "\"status_p50_us\":%.1f,\"status_p99_us\":%.1f,\"history_p50_us\":%.1f,\"history_p99_us\":%.1f,"
                "\"history_over_status_p50\":%.2f,\"history_over_status_p99\":%.2f,\"failures\":%llu}\n",
                static_cast<unsigned long long>(opt.subjects), static_cast<unsigned long long>(opt.entries_per_subject),
                static_cast<unsigned long long>(opt.clients), static_cast<unsigned long long>(opt.requests), status_p50,
                status_p99, history_p50, history_p99, history_p50 / status_p50, history_p99 / status_p99,
                static_cast<unsigned long long>(status.failures + history.failures));
  } else {
    std::printf("ledger: %llu subjects x %llu entries, built in %.1f s\n", static_cast<unsigned long long>(opt.subjects),
                static_cast<unsigned long long>(opt.entries_per_subject), build_seconds);
    std::printf("%llu clients x %llu requests each, keep-alive, loopback\n", static_cast<unsigned long long>(opt.clients),
                static_cast<unsigned long long>(opt.requests));
    std::printf("GET /v1/status (baseline): p50 %.0f us, p99 %.0f us\n", status_p50, status_p99);
    std::printf("GET /v1/subjects/{id}/history: p50 %.0f us, p99 %.0f us\n", history_p50, history_p99);
    std::printf("history / status: p50 %.2f, p99 %.2f\n", history_p50 / status_p50, history_p99 / status_p99);
  }
  if (!run_status.ok()) {
    std::fprintf(stderr, "the node stopped with an error: %s\n", run_status.error().message.c_str());
    return 1;
  }
  if (status.failures + history.failures > 0) {
    std::fprintf(stderr, "%llu requests failed; the first: %s\n",
                 static_cast<unsigned long long>(status.failures + history.failures),
                 (status.failures ? status.first_failure : history.first_failure).c_str());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace jobcard

int main(int argc, char** argv) {
  jobcard::Options opt;
  const char* usage =
      "usage: jobcard_load [--subjects N] [--entries-per-subject K] [--clients C] [--requests R] [--seed S]\n"
      "                    [--dir DIR] [--json]\n"
      "Builds a ledger of N subjects x K entries in DIR (default ./load-data; replaced if empty or an\n"
      "earlier run's, else refused), serves it on\n"
      "127.0.0.1 and reports p50/p99 latency of GET /v1/status and GET /v1/subjects/{id}/history\n"
      "from C concurrent keep-alive clients sending R requests each (C at most 64: the API serves\n"
      "64 connections from one address, and every client here is 127.0.0.1).\n";
  auto done = jobcard::testing::ReadToolArgs(
      argc, argv, usage, opt.json, {"--dir"},
      [&](const std::string& a, const std::string& value, std::uint64_t number) {
        if (a == "--dir" && !value.empty()) opt.dir = value;
        else if (a == "--subjects" && number > 0 && number <= 10'000'000) opt.subjects = number;
        else if (a == "--entries-per-subject" && number <= 1000) opt.entries_per_subject = number;
        else if (a == "--clients" && number > 0 && number <= 64) opt.clients = number;
        else if (a == "--requests" && number > 0 && number <= 1'000'000) opt.requests = number;
        else if (a == "--seed") opt.seed = number;
        else return false;
        return true;
      });
  if (done) return *done;
  return jobcard::Run(opt);
}
