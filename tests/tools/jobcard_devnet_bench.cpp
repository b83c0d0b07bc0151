// jobcard_devnet_bench: committed entries/s and commit latency of a real
// multi-validator devnet on this machine (issue 5's benchmark; BENCHMARKS.md).
//
//   1. `jobcard devnet init --validators N` in --dir (replaced), and the raw
//      baseline of the same run: libsodium Ed25519 verifications/s on one
//      core (tests/support/verify_baseline.h), measured before the nodes start;
//   2. signs every transaction in advance with node0's keys: for each
//      synthetic subject an enrolment (registrar), a hire (demo employer A
//      or B) and, with --entries-per-subject E > 1, E - 1 position changes,
//      i.e. --entries transactions (tests/support/synthetic_workload.h);
//   3. starts the N `jobcard node start` processes, commits one warm-up
//      enrolment so that the links are up, then --clients threads submit
//      (POST /v1/txs, or K at a time with POST /v1/txs/batch when
//      --submit-batch K > 1; one keep-alive connection each, client c through
//      node c mod N; a subject's transactions go through one node in
//      order) until every transaction is sent or --seconds have passed;
//   4. a follower reads node0's blocks as heights advance (GET /v1/blocks/{h})
//      and notes when each transaction id first appears;
//   5. checks that every accepted transaction was committed and that every
//      node has the same block hash at the last height, and prints:
//        committed entries/s = committed / (last commit - first submit)
//        and in the window from the 10th to the 90th percentile commit
//          (SteadyCommitRate: without the pipeline's fill and drain)
//        commit latency p50/p99 = submit -> seen committed on node0
//        nodes' CPU per entry = the N nodes' user + system CPU (/proc) from
//          the first submission until the follower stops, / committed, and
//          that in units of one raw verification (the cost 2 cores divide)
//      with the ratios to the raw verify rate and to issue 5's targets.
// Exits 0 only if nothing failed and the nodes agree. Bounded: every request
// has a timeout, submission stops after --seconds (when set), waiting for
// commits after --drain-seconds.
//
// Usage: jobcard_devnet_bench [--validators N] [--entries N] [--seconds S] [--clients C]
//                             [--drain-seconds S] [--rate R] [--block-interval-ms MS] [--max-block-txs N] [--tx-batch-ms MS]
//                             [--submit-batch K] [--submit-encoded] [--base-port P] [--dir DIR] [--jobcard PATH] [--json]
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "ledger/tx_json.h"
#include "node/submit_batch.h"
#include "tests/support/bench_devnet.h"
#include "tests/support/http_client.h"
#include "tests/support/synthetic_workload.h"
#include "tests/support/tool_args.h"
#include "tests/support/verify_baseline.h"

namespace jobcard {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto kRequestTimeout = std::chrono::seconds(30);
constexpr double kTargetEntriesPerSecond = 5000;
constexpr double kTargetP50Seconds = 1.5;
// A full mempool (503) is retried after a pause, at most this many times.
constexpr int kMaxFullRetries = 2000;

struct Options {
  std::uint64_t validators = 4;
  std::uint64_t entries = 20000;
  std::uint64_t seconds = 0;  // 0: until every prepared transaction is sent
  std::uint64_t clients = 8;
  std::uint64_t drain_seconds = 60;
  std::uint64_t rate = 0;  // offered transactions/s over all clients; 0: as fast as they are accepted
  std::uint64_t base_port = 0;  // 0: derived from the process id
  std::optional<std::uint64_t> block_interval_ms;  // node.json consensus_block_interval_ms; else the genesis's
  std::optional<std::uint32_t> max_block_txs;      // node.json consensus_max_block_txs; else the genesis's
  std::optional<std::uint64_t> tx_batch_ms;        // node.json consensus_tx_batch_ms; else the node's default
  std::uint64_t submit_batch = 1;  // transactions per request; > 1: POST /v1/txs/batch
  // Career entries after each subject's enrolment: 1 (the default) makes
  // half the transactions enrolments, the costliest kind (rule S3's key
  // check on top of the signature); a settled ledger has several per subject.
  std::uint64_t entries_per_subject = 1;
  bool submit_encoded = false;     // each transaction as {"encoded": hex} instead of its JSON view
  std::string dir = "devnet-bench-data";
  std::string jobcard;  // default: ../../jobcard next to this program
  bool json = false;
};

// One prepared transaction and what happened to it. submitted_s is written by
// its client thread, committed_s by the follower; read after both stop.
struct Item {
  std::string body;  // the transaction as POST /v1/txs takes it (JSON view or {"encoded": hex})
  std::string id;    // hex
  std::uint64_t subject = 0;  // the synthetic subject it enrols or records for
  double submitted_s = -1;
  double committed_s = -1;
};

// One request a client sends: one transaction (POST /v1/txs) or up to
// --submit-batch of them (POST /v1/txs/batch), built before the clock starts.
struct Request {
  std::string http;                // the whole POST, keep-alive
  std::vector<std::size_t> items;  // indices into Run::items, in the client's order
};

struct Run {
  Options opt;
  Clock::time_point t0 = Clock::now();
  std::vector<Item> items;
  std::vector<std::vector<Request>> requests;  // by client
  std::unordered_map<std::string, std::size_t> by_id;
  std::atomic<std::uint64_t> accepted{0};
  std::atomic<std::uint64_t> committed{0};
  std::atomic<std::uint64_t> full_retries{0};
  std::atomic<bool> submitting_done{false};
  std::mutex failure_mutex;
  std::uint64_t failures = 0;
  std::string first_failure;
  std::uint64_t last_height = 0;
  std::uint64_t blocks = 0;

  double Now() const { return std::chrono::duration<double>(Clock::now() - t0).count(); }
  // `count` transactions failed for `what`.
  void Fail(const std::string& what, std::uint64_t count = 1) {
    std::lock_guard lock(failure_mutex);
    if (failures == 0) first_failure = what;
    failures += count;
  }
};

std::string Post(const char* target, const std::string& body) {
  return testing::BuildHttpRequest("POST", target, body, {{"Content-Type", "application/json"}}, /*keep_alive=*/true);
}

std::string PostTx(const ledger::Tx& tx) { return Post("/v1/txs", ledger::TxToJson(tx).dump()); }

std::string SubmissionBody(const ledger::Tx& tx, bool encoded) {
  return encoded ? nlohmann::json{{"encoded", ToHex(ledger::EncodeTx(tx))}}.dump() : ledger::TxToJson(tx).dump();
}

// The POST of `items`: alone to /v1/txs, or as one batch when --submit-batch > 1.
std::string BuildSubmit(const Run& run, const std::vector<std::size_t>& items) {
  if (run.opt.submit_batch == 1) return Post("/v1/txs", run.items[items.at(0)].body);
  std::string body = "{\"txs\":[";
  for (std::size_t k = 0; k < items.size(); ++k) {
    if (k > 0) body += ',';
    body += run.items[items[k]].body;
  }
  return Post("/v1/txs/batch", body + "]}");
}

// Each subject's enrolment, hire and (--entries-per-subject > 1) position
// changes, adjacent, so that a client sends them in order.
void Prepare(Run& run, const testing::SyntheticWorkload& w) {
  const std::string& chain_id = w.chain().genesis.chain_id;
  const std::uint64_t now_seconds = static_cast<std::uint64_t>(std::time(nullptr));
  for (std::uint64_t s = 0; run.items.size() < run.opt.entries; ++s) {
    std::vector<ledger::Tx> txs = {w.Enroll(s)};
    for (std::uint64_t round = 0; round < run.opt.entries_per_subject; ++round) txs.push_back(w.Entry(s, round, now_seconds));
    for (const ledger::Tx& tx : txs) {
      if (run.items.size() == run.opt.entries) break;
      run.by_id[ToHex(ledger::TxId(chain_id, tx))] = run.items.size();
      run.items.push_back({SubmissionBody(tx, run.opt.submit_encoded), ToHex(ledger::TxId(chain_id, tx)), s});
    }
  }
}

// Client c sends the items of the subjects s with s mod clients == c, in
// order, cut into requests of --submit-batch items.
void PlanRequests(Run& run) {
  run.requests.assign(run.opt.clients, {});
  std::vector<std::vector<std::size_t>> open(run.opt.clients);
  auto seal = [&](std::size_t c) {
    run.requests[c].push_back({BuildSubmit(run, open[c]), std::move(open[c])});
    open[c].clear();
  };
  for (std::size_t i = 0; i < run.items.size(); ++i) {
    const std::size_t c = run.items[i].subject % run.opt.clients;
    open[c].push_back(i);
    if (open[c].size() == run.opt.submit_batch) seal(c);
  }
  for (std::size_t c = 0; c < open.size(); ++c) {
    if (!open[c].empty()) seal(c);
  }
}

// Sends one request on `conn` (reconnecting if it broke).
testing::HttpResult Exchange(std::optional<testing::HttpConnection>& conn, std::uint16_t port, const std::string& request) {
  if (!conn || !conn->connected()) conn.emplace("127.0.0.1", port, kRequestTimeout);
  testing::HttpResult result;
  if (conn->Send(request, kRequestTimeout)) result = conn->ReadResponse(kRequestTimeout);
  // The node ends a keep-alive connection after its request limit (1,000) with
  // Connection: close; the next request must open a new one, not fail on it.
  if (result.ok && result.Header("Connection").value_or("") == "close") conn->Close();
  return result;
}

// One transaction through POST /v1/txs: 202, or 503 (mempool full) retried.
void SubmitOne(Run& run, std::optional<testing::HttpConnection>& conn, std::uint16_t port, const Request& request) {
  Item& item = run.items[request.items.at(0)];
  for (int attempt = 0;; ++attempt) {
    const double sent = run.Now();
    testing::HttpResult r = Exchange(conn, port, request.http);
    if (r.ok && r.status == 202) {
      item.submitted_s = sent;
      ++run.accepted;
      return;
    }
    if (r.ok && r.status == 503 && attempt < kMaxFullRetries) {  // mempool.full: let a block drain it
      ++run.full_retries;
      std::this_thread::sleep_for(20ms);
      continue;
    }
    run.Fail(r.ok ? "POST /v1/txs answered " + std::to_string(r.status) + ": " + r.body : "POST /v1/txs: " + r.error);
    return;
  }
}

// A batch through POST /v1/txs/batch: each item accepted (its submit time is
// when its request was sent), refused for a full mempool (503: it and the
// rest of the batch are sent again as a smaller batch), or failed. Each
// result must carry its item's id.
void SubmitBatchOfItems(Run& run, std::optional<testing::HttpConnection>& conn, std::uint16_t port,
                        const Request& request) {
  std::vector<std::size_t> items = request.items;
  std::string http = request.http;
  for (int attempt = 0;; ++attempt) {
    const double sent = run.Now();
    testing::HttpResult r = Exchange(conn, port, http);
    std::vector<std::size_t> refused_full;
    if (r.ok && r.status == 200) {
      const nlohmann::json body = nlohmann::json::parse(r.body, nullptr, false);
      const auto results = body.is_object() ? body.find("results") : body.end();
      if (!body.is_object() || results == body.end() || !results->is_array() || results->size() != items.size()) {
        run.Fail("POST /v1/txs/batch answered an unreadable 200: " + r.body.substr(0, 300), items.size());
        return;
      }
      for (std::size_t k = 0; k < items.size(); ++k) {
        const nlohmann::json& result = (*results)[k];
        Item& item = run.items[items[k]];
        if (result.value("status", "") == "pending" && result.value("id", "") == item.id) {
          item.submitted_s = sent;
          ++run.accepted;
        } else if (result.value("http_status", 0) == 503) {
          refused_full.push_back(items[k]);
        } else {
          run.Fail("POST /v1/txs/batch item " + item.id + " answered " + result.dump());
        }
      }
    } else if (r.ok && r.status == 503) {  // the server over capacity: the whole batch again
      refused_full = items;
    } else {
      run.Fail(r.ok ? "POST /v1/txs/batch answered " + std::to_string(r.status) + ": " + r.body.substr(0, 300)
                    : "POST /v1/txs/batch: " + r.error,
               items.size());
      return;
    }
    if (refused_full.empty()) return;
    if (attempt >= kMaxFullRetries) {
      run.Fail("POST /v1/txs/batch: still refused with 503 after " + std::to_string(kMaxFullRetries) + " retries",
               refused_full.size());
      return;
    }
    ++run.full_retries;
    std::this_thread::sleep_for(20ms);
    items = std::move(refused_full);
    http = BuildSubmit(run, items);
  }
}

// Client c sends its planned requests in order (PlanRequests).
void Client(Run& run, std::uint64_t c, std::uint16_t port) {
  std::optional<testing::HttpConnection> conn;
  const double started_s = run.Now();
  const double stop_s = run.opt.seconds == 0 ? 1e18 : started_s + static_cast<double>(run.opt.seconds);
  // With --rate, each client offers rate/clients transactions a second on a
  // fixed schedule (a batch of K is due when K single requests would have
  // begun), so latency is measured below the devnet's capacity rather than queueing.
  const double interval_s = run.opt.rate == 0 ? 0 : static_cast<double>(run.opt.clients) / static_cast<double>(run.opt.rate);
  std::uint64_t sent_count = 0;
  for (const Request& request : run.requests[c]) {
    if (run.Now() >= stop_s) return;
    const double due_s = started_s + interval_s * static_cast<double>(sent_count);
    sent_count += request.items.size();
    if (const double wait_s = due_s - run.Now(); wait_s > 0) {
      std::this_thread::sleep_for(std::chrono::duration<double>(wait_s));
    }
    if (run.opt.submit_batch == 1) {
      SubmitOne(run, conn, port, request);
    } else {
      SubmitBatchOfItems(run, conn, port, request);
    }
  }
}

nlohmann::json GetJson(std::optional<testing::HttpConnection>& conn, std::uint16_t port, const std::string& target,
                       int* status = nullptr) {
  testing::HttpResult r = Exchange(conn, port, testing::BuildHttpRequest("GET", target, "", {}, /*keep_alive=*/true));
  if (status) *status = r.ok ? r.status : 0;
  return r.ok ? nlohmann::json::parse(r.body, nullptr, false) : nlohmann::json();
}

std::uint64_t TipHeight(std::optional<testing::HttpConnection>& conn, std::uint16_t port) {
  const nlohmann::json status = GetJson(conn, port, "/v1/status");
  return status.is_object() && status["tip"].is_object() ? status["tip"].value("height", std::uint64_t{0}) : 0;
}

// Follows node0's blocks from `from_height`, noting when each id first
// appears, until every accepted item is committed after submission ended, or
// the drain deadline passes.
void Follow(Run& run, std::uint16_t port, std::uint64_t from_height) {
  std::optional<testing::HttpConnection> conn;
  std::optional<double> drain_deadline;
  for (std::uint64_t h = from_height;;) {
    if (run.submitting_done && !drain_deadline) drain_deadline = run.Now() + static_cast<double>(run.opt.drain_seconds);
    // >=: a submission that timed out on the client may still have been taken.
    if (run.submitting_done && run.committed >= run.accepted) return;
    if (drain_deadline && run.Now() > *drain_deadline) return;
    int status = 0;
    const nlohmann::json block = GetJson(conn, port, "/v1/blocks/" + std::to_string(h), &status);
    if (status != 200 || !block.is_object() || !block["tx_ids"].is_array()) {
      std::this_thread::sleep_for(10ms);
      continue;
    }
    const double seen = run.Now();
    for (const auto& id : block["tx_ids"]) {
      auto it = id.is_string() ? run.by_id.find(id.get<std::string>()) : run.by_id.end();
      if (it == run.by_id.end() || run.items[it->second].committed_s >= 0) continue;
      run.items[it->second].committed_s = seen;
      ++run.committed;
    }
    run.last_height = h;
    ++run.blocks;
    ++h;
  }
}

// Submits one enrolment outside the measured set through node 0 and waits
// (bounded) until it is in a block: the validators are linked and deciding.
bool WarmUp(const testing::SyntheticWorkload& w, const testing::BenchDevnet& net, std::uint64_t subject) {
  std::optional<testing::HttpConnection> conn;
  const ledger::Tx tx = w.Enroll(subject);
  testing::HttpResult r = Exchange(conn, net.api_port(0), PostTx(tx));
  if (!r.ok || r.status != 202) {
    std::fprintf(stderr, "warm-up submission failed: %d %s%s\n", r.status, r.body.c_str(), r.error.c_str());
    return false;
  }
  const std::string target = "/v1/txs/" + ToHex(ledger::TxId(w.chain().genesis.chain_id, tx));
  const auto deadline = Clock::now() + 60s;
  while (Clock::now() < deadline) {
    if (GetJson(conn, net.api_port(0), target).value("status", "") == "committed") return true;
    std::this_thread::sleep_for(50ms);
  }
  std::fprintf(stderr, "the warm-up enrolment was not committed within 60 s\n");
  return false;
}

// Every node reaches `height` (bounded) with the same block hash there.
bool NodesAgree(const testing::BenchDevnet& net, std::uint64_t height, std::string& detail) {
  std::string first;
  for (std::size_t i = 0; i < net.size(); ++i) {
    std::optional<testing::HttpConnection> conn;
    const auto deadline = Clock::now() + 30s;
    while (TipHeight(conn, net.api_port(i)) < height && Clock::now() < deadline) std::this_thread::sleep_for(50ms);
    const nlohmann::json block = GetJson(conn, net.api_port(i), "/v1/blocks/" + std::to_string(height));
    const std::string hash = block.is_object() && block["certificate"].is_object()
                                 ? block["certificate"].value("block_hash", "") : "";
    if (hash.empty() || (i > 0 && hash != first)) {
      detail = "node " + std::to_string(i) + " has " + (hash.empty() ? "no block" : "block " + hash) + " at height " +
               std::to_string(height) + (first.empty() ? "" : ", node 0 has " + first);
      return false;
    }
    if (i == 0) first = hash;
  }
  return true;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

// The commit rate once the run is under way: the entries committed after
// the first tenth of the commits and up to the ninth tenth, over the time
// between the two. The run's own rate (first submit to last commit) also
// counts the pipeline filling and the last commit latency, so it stays under
// the offered rate even for a network that keeps up. Commit times are those
// of node0's blocks, so the run needs several blocks in the middle (0 if not).
double SteadyCommitRate(std::vector<double> commit_times) {
  if (commit_times.size() < 10) return 0;
  const double from = Percentile(commit_times, 0.1), to = Percentile(commit_times, 0.9);
  if (to <= from) return 0;
  const auto inside = std::count_if(commit_times.begin(), commit_times.end(), [&](double t) { return t > from && t <= to; });
  return static_cast<double>(inside) / (to - from);
}

// What the run cost the nodes in CPU, against the cost of one signature
// verification: a figure the machine's load disturbs much less than a rate,
// and the one the ceiling is made of (2 cores ÷ CPU per entry).
struct CpuCost {
  // Every node's user + system CPU from the first submission until the
  // follower stops (every accepted entry seen committed, or the drain timed out).
  double node_seconds = 0;
};

void Report(const Run& run, double verify_rate, bool agree, double load_average, const CpuCost& cpu) {
  std::vector<double> latencies, commit_times;
  double first_submit = 1e18, last_submit = 0, last_commit = 0;
  for (const Item& item : run.items) {
    if (item.submitted_s < 0) continue;
    first_submit = std::min(first_submit, item.submitted_s);
    last_submit = std::max(last_submit, item.submitted_s);
    if (item.committed_s < 0) continue;
    last_commit = std::max(last_commit, item.committed_s);
    latencies.push_back(item.committed_s - item.submitted_s);
    commit_times.push_back(item.committed_s);
  }
  const double steady_rate = SteadyCommitRate(commit_times);
  const std::uint64_t committed = latencies.size();
  const double window = committed > 0 ? last_commit - first_submit : 0;
  const double rate = window > 0 ? static_cast<double>(committed) / window : 0;
  const double submit_rate = last_submit > first_submit ? static_cast<double>(run.accepted) / (last_submit - first_submit) : 0;
  const double p50 = Percentile(latencies, 0.50), p99 = Percentile(latencies, 0.99);
  const bool all_committed = run.accepted > 0 && committed == run.accepted;
  const double cpu_us_per_entry = committed > 0 ? cpu.node_seconds * 1e6 / static_cast<double>(committed) : 0;
  const double verify_us = verify_rate > 0 ? 1e6 / verify_rate : 0;
  const double cpu_in_verifies = verify_us > 0 ? cpu_us_per_entry / verify_us : 0;
  if (run.opt.json) {
    std::printf("{\"validators\":%llu,\"clients\":%llu,\"offered_per_s\":%llu,\"prepared\":%zu,\"accepted\":%llu,\"committed\":%llu,"
                "\"submit_batch\":%llu,\"submit_encoded\":%s,\"entries_per_subject\":%llu,\"failures\":%llu,\"full_retries\":%llu,\"blocks\":%llu,\"seconds\":%.2f,\"raw_verify_per_s\":%.0f,"
                "\"committed_entries_per_s\":%.0f,\"steady_committed_per_s\":%.0f,\"submit_per_s\":%.0f,\"latency_p50_s\":%.3f,\"latency_p99_s\":%.3f,"
                "\"entries_over_verify\":%.4f,\"node_cpu_s\":%.2f,\"node_cpu_us_per_entry\":%.1f,\"node_cpu_per_entry_in_verifies\":%.2f,"
                "\"load_average_1m\":%.2f,\"all_committed_on_all_nodes\":%s}\n",
                static_cast<unsigned long long>(run.opt.validators), static_cast<unsigned long long>(run.opt.clients),
                static_cast<unsigned long long>(run.opt.rate), run.items.size(), static_cast<unsigned long long>(run.accepted.load()),
                static_cast<unsigned long long>(committed), static_cast<unsigned long long>(run.opt.submit_batch),
                run.opt.submit_encoded ? "true" : "false", static_cast<unsigned long long>(run.opt.entries_per_subject),
                static_cast<unsigned long long>(run.failures),
                static_cast<unsigned long long>(run.full_retries.load()), static_cast<unsigned long long>(run.blocks),
                window, verify_rate, rate, steady_rate, submit_rate, p50, p99, rate / verify_rate, cpu.node_seconds, cpu_us_per_entry,
                cpu_in_verifies, load_average,
                all_committed && agree && run.failures == 0 ? "true" : "false");
    return;
  }
  std::printf("devnet: %llu validators, %llu clients offering %s (%llu per request, %s; %llu career entries per "
              "enrolment), block interval %s, max txs per block %s, load average (1 min) at the start %.2f\n",
              static_cast<unsigned long long>(run.opt.validators), static_cast<unsigned long long>(run.opt.clients),
              run.opt.rate ? (std::to_string(run.opt.rate) + " txs/s").c_str() : "as fast as accepted",
              static_cast<unsigned long long>(run.opt.submit_batch), run.opt.submit_encoded ? "encoded" : "JSON view",
              static_cast<unsigned long long>(run.opt.entries_per_subject), run.opt.block_interval_ms ? (std::to_string(*run.opt.block_interval_ms) + " ms").c_str() : "of the genesis",
              run.opt.max_block_txs ? std::to_string(*run.opt.max_block_txs).c_str() : "of the genesis", load_average);
  std::printf("  %-36s %12s\n", "figure", "value");
  std::printf("  %-36s %12.0f\n", "raw Ed25519 verify/s (one core)", verify_rate);
  std::printf("  %-36s %12llu\n", "transactions accepted (pending)", static_cast<unsigned long long>(run.accepted.load()));
  std::printf("  %-36s %12llu\n", "committed (seen on node0)", static_cast<unsigned long long>(committed));
  std::printf("  %-36s %12llu\n", "blocks", static_cast<unsigned long long>(run.blocks));
  std::printf("  %-36s %12.2f\n", "first submit -> last commit (s)", window);
  std::printf("  %-36s %12.0f\n", "submitted entries/s (accepted)", submit_rate);
  std::printf("  %-36s %12.0f\n", "committed entries/s (sustained)", rate);
  std::printf("  %-36s %12.0f\n", "committed entries/s (10-90 % window)", steady_rate);
  std::printf("  %-36s %12.3f\n", "commit latency p50 (s)", p50);
  std::printf("  %-36s %12.3f\n", "commit latency p99 (s)", p99);
  std::printf("  %-36s %12llu\n", "mempool-full retries (503 requests)", static_cast<unsigned long long>(run.full_retries.load()));
  std::printf("  %-36s %12.2f\n", "nodes' CPU, first submit -> last (s)", cpu.node_seconds);
  std::printf("  %-36s %12.1f\n", "nodes' CPU per committed entry (us)", cpu_us_per_entry);
  std::printf("ratios: committed entries/s / raw verify/s = %.4f\n", rate / verify_rate);
  std::printf("        nodes' CPU per entry / one verification = %.2f (the target's ceiling of 1 per validator is %llu)\n",
              cpu_in_verifies, static_cast<unsigned long long>(run.opt.validators));
  std::printf("        committed entries/s / target %.0f = %.3f; p50 / target %.1f s = %.2f\n", kTargetEntriesPerSecond,
              rate / kTargetEntriesPerSecond, kTargetP50Seconds, p50 / kTargetP50Seconds);
  std::printf("every accepted entry committed: %s; same block hash on every node at height %llu: %s\n",
              all_committed ? "yes" : "NO", static_cast<unsigned long long>(run.last_height), agree ? "yes" : "NO");
}

int RunBench(const Options& opt) {
  Run run;
  run.opt = opt;
  const std::filesystem::path dir = std::filesystem::absolute(opt.dir);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir.parent_path());
  double load_average = 0;
  ::getloadavg(&load_average, 1);
  auto created = testing::BenchDevnet::Create(opt.jobcard, dir, opt.validators, static_cast<std::uint16_t>(opt.base_port));
  if (!created.ok()) {
    std::fprintf(stderr, "%s\n", created.error().message.c_str());
    return 1;
  }
  testing::BenchDevnet& net = *created;
  auto chain = testing::TestChainFromDevnetHome(net.home(0));
  if (!chain.ok()) {
    std::fprintf(stderr, "reading node0's keys: %s\n", chain.error().message.c_str());
    return 1;
  }
  const testing::SyntheticWorkload workload(std::move(*chain));
  const double verify_rate = testing::RawVerifyRate(workload);
  Prepare(run, workload);
  PlanRequests(run);
  if (!opt.json) std::printf("prepared %zu signed transactions; starting %llu nodes in %s\n", run.items.size(),
                             static_cast<unsigned long long>(opt.validators), dir.c_str());
  if (opt.block_interval_ms || opt.max_block_txs || opt.tx_batch_ms) {
    Status edited = net.EditNodeConfigs([&](node::NodeConfig& c) {
      if (opt.block_interval_ms) c.consensus.block_interval_ms = opt.block_interval_ms;
      if (opt.max_block_txs) c.consensus.max_block_txs = opt.max_block_txs;
      if (opt.tx_batch_ms) c.consensus.tx_batch_delay_ms = *opt.tx_batch_ms;
    });
    if (!edited.ok()) {
      std::fprintf(stderr, "%s\n", edited.error().message.c_str());
      return 1;
    }
  }
  if (Status started = net.StartAll(60s); !started.ok()) {
    std::fprintf(stderr, "%s\n", started.error().message.c_str());
    return 1;
  }
  // A subject number past the prepared ones, so the warm-up collides with none.
  if (!WarmUp(workload, net, run.items.size() + 1)) return 1;
  std::optional<testing::HttpConnection> conn;
  const std::uint64_t from_height = TipHeight(conn, net.api_port(0)) + 1;

  CpuCost cpu;
  const double cpu_before = net.NodesCpuSeconds();
  run.t0 = Clock::now();
  std::thread follower([&] { Follow(run, net.api_port(0), from_height); });
  std::vector<std::thread> clients;
  for (std::uint64_t c = 0; c < opt.clients; ++c) {
    clients.emplace_back([&, c] { Client(run, c, net.api_port(c % net.size())); });
  }
  for (auto& t : clients) t.join();
  run.submitting_done = true;
  follower.join();
  cpu.node_seconds = net.NodesCpuSeconds() - cpu_before;

  std::string disagreement;
  const bool agree = run.last_height > 0 && NodesAgree(net, run.last_height, disagreement);
  net.StopAll(10s);
  Report(run, verify_rate, agree, load_average, cpu);
  bool ok = true;
  if (run.failures > 0) {
    std::fprintf(stderr, "%llu submissions failed; the first: %s\n", static_cast<unsigned long long>(run.failures),
                 run.first_failure.c_str());
    ok = false;
  }
  if (run.committed < run.accepted || run.accepted == 0) {
    std::fprintf(stderr, "%llu of %llu accepted transactions were not seen committed within %llu s\n",
                 static_cast<unsigned long long>(run.accepted - run.committed),
                 static_cast<unsigned long long>(run.accepted.load()), static_cast<unsigned long long>(opt.drain_seconds));
    ok = false;
  }
  if (!agree) {
    std::fprintf(stderr, "the nodes disagree: %s\n", disagreement.c_str());
    ok = false;
  }
  if (!ok) std::fprintf(stderr, "node logs: %s/node*/node.log\n", dir.c_str());
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace jobcard

int main(int argc, char** argv) {
  jobcard::Options opt;
  const char* usage =
      "usage: jobcard_devnet_bench [--validators N] [--entries N] [--seconds S] [--clients C] [--drain-seconds S]\n"
      "                            [--rate R] [--block-interval-ms MS] [--max-block-txs N] [--tx-batch-ms MS]\n"
      "                            [--submit-batch K] [--submit-encoded] [--entries-per-subject E]\n"
      "                            [--base-port P] [--dir DIR] [--jobcard PATH] [--json]\n"
      "Creates a devnet of N validators (default 4) in DIR (default ./devnet-bench-data, replaced) with\n"
      "`jobcard devnet init`, starts the N `jobcard node start` processes, and submits N prepared signed\n"
      "transactions (default 20000: enrolments and hires, signed with node0's keys) from C keep-alive clients\n"
      "(default 8) spread over the nodes, for at most S seconds when --seconds is given. Follows node0's\n"
      "blocks and reports committed entries/s and commit latency p50/p99 next to the raw libsodium Ed25519\n"
      "verify rate of one core measured in the same run, and the nodes' CPU per committed entry (user + system,\n"
      "from /proc) in microseconds and in raw verifications. Waits at most --drain-seconds (default 60) for\n"
      "commits after the last submission. Ports: P..P+2N-1 (default derived from the process id).\n"
      "--rate: offer R transactions/s in all (each client R/C on a fixed schedule) instead of as fast as\n"
      "they are accepted: commit latency at a load the devnet can carry, not the queue of a backlog.\n"
      "--block-interval-ms: sets every node's consensus_block_interval_ms (default: the dev genesis's, 500).\n"
      "--max-block-txs: sets every node's consensus_max_block_txs, 1-20000 (default: the genesis's, 20000).\n"
      "--tx-batch-ms: sets every node's consensus_tx_batch_ms, 0-1000: how long a gossiped transaction may wait\n"
      "for others to share its frame (default: the node's, 5).\n"
      "--submit-batch: K transactions per request, 1-256 (default 1: one POST /v1/txs each, as before); K > 1 sends\n"
      "each client's transactions, in the order it sends them singly, K at a time as POST /v1/txs/batch items. A 503\n"
      "(mempool full) item is sent again with the rest of its batch after 20 ms. --rate stays transactions/s in all,\n"
      "a batch due when its first transaction would have been; each transaction's commit latency is from when its\n"
      "request was sent.\n"
      "--submit-encoded: each transaction, alone or as a batch item, as {\"encoded\": hex of EncodeTx} instead of its\n"
      "JSON view (the default).\n"
      "--entries-per-subject: E career entries (a hire, then position changes) after each subject's enrolment, 1-64\n"
      "(default 1: half the transactions are enrolments, which cost an X25519 key check on top of the signature).\n"
      "--jobcard: the node binary (default: ../../jobcard relative to this program, as in a build tree).\n"
      "Exit status 0 only if every accepted transaction was committed and every node has the same last block.\n";
  // --submit-encoded takes no value, which ReadToolArgs does not know: taken out first.
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (i > 0 && std::string_view(argv[i]) == "--submit-encoded") {
      opt.submit_encoded = true;
    } else {
      args.push_back(argv[i]);
    }
  }
  auto done = jobcard::testing::ReadToolArgs(
      static_cast<int>(args.size()), args.data(), usage, opt.json, {"--dir", "--jobcard"},
      [&](const std::string& a, const std::string& value, std::uint64_t number) {
        if (a == "--dir") opt.dir = value;
        else if (a == "--jobcard") opt.jobcard = value;
        else if (a == "--validators" && number >= 1 && number <= 16) opt.validators = number;
        else if (a == "--entries" && number >= 1 && number <= 2000000) opt.entries = number;
        else if (a == "--seconds" && number <= 3600) opt.seconds = number;
        else if (a == "--clients" && number >= 1 && number <= 64) opt.clients = number;
        else if (a == "--drain-seconds" && number >= 1 && number <= 3600) opt.drain_seconds = number;
        else if (a == "--rate" && number >= 1 && number <= 1000000) opt.rate = number;
        else if (a == "--block-interval-ms" && number <= jobcard::node::kMaxConsensusMs) opt.block_interval_ms = number;
        else if (a == "--max-block-txs" && number >= 1 && number <= 20000) opt.max_block_txs = static_cast<std::uint32_t>(number);
        else if (a == "--tx-batch-ms" && number <= 1000) opt.tx_batch_ms = number;
        else if (a == "--submit-batch" && number >= 1 && number <= jobcard::node::kMaxTxsPerSubmitBatch) opt.submit_batch = number;
        else if (a == "--entries-per-subject" && number >= 1 && number <= 64) opt.entries_per_subject = number;
        else if (a == "--base-port" && number >= 1024 && number + 2 * opt.validators <= 65535) opt.base_port = number;
        else return false;
        return true;
      });
  if (done) return *done;
  if (opt.base_port == 0) {
    // Below the ephemeral range (32768+), distinct per process, as tests/cli/devnet_test.cpp does.
    opt.base_port = 12000 + static_cast<std::uint64_t>(::getpid() % 2000) * 10;
  }
  if (opt.jobcard.empty()) {
    opt.jobcard = (std::filesystem::absolute(argv[0]).parent_path() / ".." / ".." / "jobcard").lexically_normal().string();
  }
  return jobcard::RunBench(opt);
}
