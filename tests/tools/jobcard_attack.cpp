// jobcard_attack: hostile HTTP clients against a real node (issue 6,
// RELIABILITY.md "Hostile clients").
//
// Starts `jobcard node init --dev` + `node start` in --dir (a child process
// on an ephemeral 127.0.0.1 port), measures --clients honest keep-alive
// clients (GET /v1/status, one every --pause-ms) alone for --seconds, then
// runs each chosen attack for --seconds with the same honest load going on,
// and prints one row per attack: honest p50/p99 during the attack against
// the baseline (ratios), the node's RSS before/peak/after, the answers the
// attack got. Exits 1 if any answer broke the rules (a 5xx, a 2xx where a
// refusal was due, a 4xx without a JSON {code,message} body, a probe left
// unanswered), the node died, or the attacks stored anything.
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/attack_run.h"
#include "tests/support/dev_node_process.h"
#include "tests/support/ledger_footprint.h"

namespace jobcard {
namespace {

struct Options {
  std::vector<testing::Attack> attacks;
  std::uint64_t seconds = 5;
  std::uint64_t clients = 4;
  std::uint64_t pause_ms = 5;
  std::string dir = "attack-data";
  std::string jobcard = JOBCARD_BINARY;
  bool json = false;
};

constexpr std::chrono::seconds kRecoveryLimit{30};

double Ratio(double during, double baseline) { return baseline > 0 ? during / baseline : 0; }
double Mib(std::uint64_t kib) { return static_cast<double>(kib) / 1024.0; }

void PrintRow(const Options& opt, const testing::AttackRun& run, double base_p50, double base_p99) {
  testing::LatencySample honest = run.honest;
  const double p50 = testing::Percentile(honest.micros, 0.50), p99 = testing::Percentile(honest.micros, 0.99);
  const std::string name(testing::AttackName(run.attack));
  if (opt.json) {
    nlohmann::json row{{"attack", name},
                       {"seconds", run.seconds},
                       {"honest_requests", honest.micros.size()},
                       {"honest_failures", honest.failures},
                       {"honest_first_failure", honest.first_failure},
                       {"baseline_p50_us", base_p50},
                       {"baseline_p99_us", base_p99},
                       {"during_p50_us", p50},
                       {"during_p99_us", p99},
                       {"p50_ratio", Ratio(p50, base_p50)},
                       {"p99_ratio", Ratio(p99, base_p99)},
                       {"rss_before_kib", run.rss_before_kib},
                       {"rss_peak_kib", run.rss_peak_kib},
                       {"rss_after_kib", run.rss_after_kib},
                       {"attack_requests", run.tally.requests},
                       {"answers", run.tally.Summary()},
                       {"unexpected", run.tally.unexpected_count}};
    std::printf("%s\n", row.dump().c_str());
    return;
  }
  std::printf("| %s | %.0f / %.0f us | %.0f / %.0f us | %.2f | %.2f | %llu ok, %llu failed | %.1f / %.1f / %.1f MiB | %llu | %s | %llu |\n",
              name.c_str(), base_p50, p50, base_p99, p99, Ratio(p50, base_p50), Ratio(p99, base_p99),
              static_cast<unsigned long long>(honest.micros.size()), static_cast<unsigned long long>(honest.failures),
              Mib(run.rss_before_kib), Mib(run.rss_peak_kib), Mib(run.rss_after_kib),
              static_cast<unsigned long long>(run.tally.requests), run.tally.Summary().c_str(),
              static_cast<unsigned long long>(run.tally.unexpected_count));
  for (const auto& problem : run.tally.unexpected) std::fprintf(stderr, "  %s: unexpected: %s\n", name.c_str(), problem.c_str());
  if (honest.failures > 0) std::fprintf(stderr, "  %s: first honest failure: %s\n", name.c_str(), honest.first_failure.c_str());
}

int Run(const Options& opt) {
  const std::filesystem::path dir = std::filesystem::absolute(opt.dir);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  testing::UseSmallAsanQuarantineInChildren();
  testing::DevNodeProcess node;
  if (std::string error = node.Start(opt.jobcard, dir / "devnet"); !error.empty()) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  const auto before = testing::ReadLedgerFootprint(node.port(), node.home());
  if (!before) {
    std::fprintf(stderr, "the node does not answer GET /v1/status\n");
    return 1;
  }

  testing::HonestLoadOptions honest;
  honest.port = node.port();
  honest.clients = opt.clients;
  honest.pause = std::chrono::milliseconds(opt.pause_ms);
  honest.request_timeout = std::chrono::milliseconds(15'000);
  honest.target = [](std::uint64_t, std::uint64_t) { return std::string("/v1/status"); };
  honest.check = testing::ExpectOk;
  const auto duration = std::chrono::milliseconds(opt.seconds * 1000);
  testing::LatencySample baseline = testing::MeasureBaseline(honest, duration);
  const double base_p50 = testing::Percentile(baseline.micros, 0.50), base_p99 = testing::Percentile(baseline.micros, 0.99);
  if (!opt.json) {
    std::printf("honest load: %llu clients, keep-alive GET /v1/status every %llu ms; baseline %zu requests, %llu failed\n",
                static_cast<unsigned long long>(opt.clients), static_cast<unsigned long long>(opt.pause_ms),
                baseline.micros.size(), static_cast<unsigned long long>(baseline.failures));
    std::printf("| attack | honest p50 base / during | honest p99 base / during | p50 ratio | p99 ratio | honest answers | node RSS before / peak / after | attack requests | answers seen | unexpected |\n");
    std::printf("|---|---|---|---:|---:|---|---|---:|---|---:|\n");
  }

  testing::AttackOptions attack_options;
  attack_options.port = node.port();
  attack_options.duration = duration;
  std::uint64_t unexpected = baseline.failures;
  for (testing::Attack attack : opt.attacks) {
    node.DrainLog();
    testing::AttackRun run = testing::MeasureAttack(attack, attack_options, honest, node.pid());
    PrintRow(opt, run, base_p50, base_p99);
    // A new honest connection refused during the address flood breaks the per-address rule.
    unexpected += run.tally.unexpected_count + run.tally.fresh_honest_failed;
    if (!node.alive()) {
      std::fprintf(stderr, "the node died during %s:\n%s\n", std::string(testing::AttackName(attack)).c_str(),
                   node.log().c_str());
      return 1;
    }
  }

  node.DrainLog();
  // Connections an attack left in the kernel's accept queue are served (and
  // found closed) first, so the first answer after a flood may take a while.
  const auto stopped_attacking = std::chrono::steady_clock::now();
  std::optional<testing::LedgerFootprint> after;
  while (!after && std::chrono::steady_clock::now() - stopped_attacking < kRecoveryLimit) {
    after = testing::ReadLedgerFootprint(node.port(), node.home());
  }
  if (!after) {
    std::fprintf(stderr, "the node does not answer GET /v1/status within %lld s of the attacks\n",
                 static_cast<long long>(kRecoveryLimit.count()));
    return 1;
  }
  const double recovery_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - stopped_attacking).count();
  if (!(*after == *before)) {
    std::fprintf(stderr, "the attacks stored something: before %s, after %s\n", before->ToString().c_str(),
                 after->ToString().c_str());
    return 1;
  }
  if (!opt.json) {
    std::printf("stored before and after: %s; first answer after the last attack in %.2f s\n",
                after->ToString().c_str(), recovery_seconds);
  }
  if (unexpected > 0) {
    std::fprintf(stderr, "%llu answers broke the rules (see above)\n", static_cast<unsigned long long>(unexpected));
    return 1;
  }
  return 0;
}

const char* kUsage =
    "usage: jobcard_attack [--attack NAME[,NAME...]] [--seconds S] [--clients C] [--pause-ms P]\n"
    "                      [--dir DIR] [--jobcard PATH] [--json]\n"
    "Starts a dev node (jobcard node init --dev; node start) in DIR (default ./attack-data,\n"
    "replaced) on 127.0.0.1, measures C honest keep-alive clients (GET /v1/status every P ms;\n"
    "default 4 clients, 5 ms) alone for S seconds (default 5), then runs each attack for S seconds\n"
    "(slow ones at least 12 s) with the same honest load and prints a row per attack: honest\n"
    "p50/p99 baseline vs during and their ratios, node RSS before/peak/after, answers seen.\n"
    "Attacks (default: all, in this order):\n"
    "  flood           700 connections from 12 loopback addresses (127.0.0.10-21) held open\n"
    "                  without a byte (limit 256 + 256 answered 503)\n"
    "  flood-one-address  700 connections from 127.0.0.2 alone (its share 64, the rest 429) while a\n"
    "                  new honest connection from 127.0.0.3 asks for /v1/status every 100 ms (expects 200)\n"
    "  slow-headers    32 connections sending a header byte every 500 ms (expects 408)\n"
    "  slow-body       32 connections sending a declared body a byte every 500 ms (expects 408)\n"
    "  huge-body       POST /v1/txs with Content-Length 100 MB, then the body (expects 413)\n"
    "  huge-chunked    POST /v1/txs with 100 MB in 64 KiB chunks (expects 413, or 408 on a slow node)\n"
    "  deep-json       100k '[' and other deep bodies on every JSON route (expects 400 json.*)\n"
    "  invalid-utf8    invalid UTF-8 in JSON strings, header fields and targets (expects 4xx)\n"
    "  path-traversal  '..' and its encodings in targets (expects 400 or 404)\n"
    "Exits 1 if an answer broke the rules, the node died or anything was stored; 2 on usage errors.\n";

}  // namespace
}  // namespace jobcard

int main(int argc, char** argv) {
  jobcard::Options opt;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help") {
      std::fputs(jobcard::kUsage, stdout);
      return 0;
    }
    if (a == "--json") {
      opt.json = true;
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "%s needs a value\n%s", a.c_str(), jobcard::kUsage);
      return 2;
    }
    const std::string value = argv[++i];
    if (a == "--dir") {
      opt.dir = value;
      continue;
    }
    if (a == "--jobcard") {
      opt.jobcard = value;
      continue;
    }
    if (a == "--attack") {
      for (std::size_t at = 0; at <= value.size();) {
        const std::size_t comma = std::min(value.find(',', at), value.size());
        auto attack = jobcard::testing::AttackFromName(std::string_view(value).substr(at, comma - at));
        if (!attack) {
          std::fprintf(stderr, "unknown attack '%s'\n%s", value.substr(at, comma - at).c_str(), jobcard::kUsage);
          return 2;
        }
        opt.attacks.push_back(*attack);
        at = comma + 1;
      }
      continue;
    }
    const bool numeric = !value.empty() && value.size() < 10 && value.find_first_not_of("0123456789") == std::string::npos;
    const std::uint64_t number = numeric ? std::stoull(value) : 0;
    if (a == "--seconds" && numeric && number > 0 && number <= 600) opt.seconds = number;
    else if (a == "--clients" && numeric && number > 0 && number <= 64) opt.clients = number;
    else if (a == "--pause-ms" && numeric && number <= 10'000) opt.pause_ms = number;
    else {
      std::fprintf(stderr, "unknown option or value out of range: %s %s\n%s", a.c_str(), value.c_str(), jobcard::kUsage);
      return 2;
    }
  }
  if (opt.attacks.empty()) opt.attacks = jobcard::testing::AllAttacks();
  return jobcard::Run(opt);
}
