// `jobcard node check`: verifies a stopped node's database offline. The
// check itself is ledger::CheckChain (ledger/chain_check.h); this file finds
// the database, opens it and a scratch store for the replay, and reports.
#include <unistd.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/args.h"
#include "cli/node_commands.h"
#include "ledger/chain_check.h"
#include "node/node_config.h"

namespace jobcard::cli {

namespace {

constexpr const char* kCheckHelp =
    "usage: jobcard node check [--home DIR] [--json] [--progress-every N] [--scratch-dir DIR]\n"
    "\n"
    "Verifies the database of the node whose home is DIR (default ./devnet), offline:\n"
    "the checksums of every database file; for every block from 1 to the tip, that\n"
    "it links to its parent, that re-executing its transactions gives its header\n"
    "(state root, log root and size, validator sets) and that its certificate\n"
    "verifies against the validator set in force at its height; then that every\n"
    "index (transactions, subjects, employers, the key -> subject index), every\n"
    "state record and every entry-log and state-index node equals a replay of the\n"
    "chain from genesis. It stops at the first inconsistency and names it: the\n"
    "height, what, and the expected and found values.\n"
    "\n"
    "The node must be stopped (a running node holds the database's lock).\n"
    "\n"
    "  --home DIR           the node's home directory (default ./devnet)\n"
    "  --json               print the report as JSON on stdout\n"
    "  --progress-every N   a progress line on stderr every N blocks (default 1000; 0: none)\n"
    "  --scratch-dir DIR    where the replay is built (default: the home); it needs\n"
    "                       about as much free space as the database and is removed after\n"
    "\n"
    "Exit code: 0 everything holds, 1 an inconsistency was found or the database could\n"
    "not be checked, 2 a usage error.\n";

// The replay's directory, removed whatever happens.
struct ScratchDir {
  std::filesystem::path path;
  ~ScratchDir() {
    std::error_code ignored;
    if (!path.empty()) std::filesystem::remove_all(path, ignored);
  }
};

nlohmann::json ProblemJson(const ledger::CheckProblem& p) {
  return {{"height", p.height}, {"what", p.what}, {"expected", p.expected}, {"found", p.found}};
}

int ReportError(const Error& e, bool json) {
  if (json) {
    std::printf("%s\n", nlohmann::json{{"ok", false}, {"error", {{"code", e.code}, {"message", e.message}}}}.dump(2).c_str());
  }
  std::fprintf(stderr, "jobcard node check: %s [%s]\n", e.message.c_str(), e.code.c_str());
  return kExitFailure;
}

int ReportProblem(const ledger::ChainCheckReport& r, const std::string& data_dir, bool json) {
  if (json) {
    nlohmann::json out{{"ok", r.ok()},
                       {"data_dir", data_dir},
                       {"tip_height", r.tip_height},
                       {"blocks_checked", r.blocks_checked},
                       {"rows_compared", r.rows_compared},
                       {"problem", r.problem ? ProblemJson(*r.problem) : nlohmann::json(nullptr)}};
    std::printf("%s\n", out.dump(2).c_str());
  } else if (r.ok()) {
    std::printf("ok: %s: all %llu blocks link to their parents, re-execute to their headers and carry valid certificates;\n"
                "%llu rows of indexes, state records and tree nodes equal a replay from genesis\n",
                data_dir.c_str(), static_cast<unsigned long long>(r.tip_height), static_cast<unsigned long long>(r.rows_compared));
  } else {
    std::printf("INCONSISTENT: %s\n  at height: %llu\n  what:      %s\n  expected:  %s\n  found:     %s\n"
                "(blocks 1 to %llu passed before it)\n",
                data_dir.c_str(), static_cast<unsigned long long>(r.problem->height), r.problem->what.c_str(),
                r.problem->expected.c_str(), r.problem->found.c_str(), static_cast<unsigned long long>(r.blocks_checked));
  }
  return r.ok() ? kExitOk : kExitFailure;
}

bool HasDatabase(const std::filesystem::path& dir) {
  std::error_code ec;
  return std::filesystem::is_regular_file(dir / "CURRENT", ec);
}

}  // namespace

int RunNodeCheck(const Words& words) {
  if (WantsHelp(words)) {
    std::fputs(kCheckHelp, stdout);
    return kExitOk;
  }
  auto args = Args::Parse(words, OptionSpec{{"home", "progress-every", "scratch-dir"}, {"json"}});
  if (!args.ok() || !args->positional().empty()) {
    std::fprintf(stderr, "jobcard node check: %s\n\n%s", args.ok() ? "unexpected argument" : args.error().message.c_str(), kCheckHelp);
    return kExitUsage;
  }
  const bool json = args->Switch("json");
  const std::filesystem::path home = args->GetOr("home", "devnet");
  ledger::ChainCheckOptions options;
  if (auto every = args->Get("progress-every")) {
    char* end = nullptr;
    const unsigned long long n = std::strtoull(every->c_str(), &end, 10);
    if (every->empty() || *end != '\0' || (*every)[0] == '-') {
      std::fprintf(stderr, "jobcard node check: --progress-every must be a number of blocks\n");
      return kExitUsage;
    }
    options.progress_every_blocks = n;
  }
  options.progress = [](const std::string& line) { std::fprintf(stderr, "node check: %s\n", line.c_str()); };

  auto config = node::LoadNodeConfig(home);
  if (!config.ok()) return ReportError(config.error(), json);
  auto genesis = ledger::LoadGenesisFile(node::ResolveInHome(home, config->genesis_file).string());
  if (!genesis.ok()) return ReportError(genesis.error(), json);
  const std::filesystem::path data_dir = node::ResolveInHome(home, config->data_dir);
  if (!HasDatabase(data_dir)) {
    return ReportError(MakeError("check.no_database", "there is no database in " + data_dir.string() + " (no CURRENT file)"), json);
  }
  auto stored = ledger::ChainStore::Open(data_dir.string(), *genesis);
  if (!stored.ok()) {
    if (stored.error().code == "store.locked") {
      return ReportError(MakeError("store.locked", "the database in " + data_dir.string() +
                                                       " is locked: is the node running? Stop it first; node check reads the data offline"),
                         json);
    }
    return ReportError(stored.error(), json);
  }

  ScratchDir scratch;
  scratch.path = std::filesystem::path(args->GetOr("scratch-dir", home.string())) / ("node-check-" + std::to_string(::getpid()));
  auto replay = ledger::ChainStore::Open(scratch.path.string(), *genesis);
  if (!replay.ok()) return ReportError(replay.error(), json);
  auto report = ledger::CheckChain(**stored, **replay, options);
  if (!report.ok()) return ReportError(report.error(), json);
  return ReportProblem(*report, data_dir.string(), json);
}

}  // namespace jobcard::cli
