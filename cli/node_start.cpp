// `jobcard node start`: runs a node from its home directory.
#include <cstdio>
#include <cstdlib>

#include "cli/args.h"
#include "cli/client_common.h"
#include "cli/commands.h"
#include "cli/devnet_home.h"
#include "cli/node_commands.h"
#include "cli/passphrase.h"
#include "cli/startup_signals.h"
#include "node/huge_pages.h"
#include "node/log.h"
#include "node/node_service.h"

namespace jobcard::cli {

namespace {

constexpr const char* kStartHelp =
    "usage: jobcard node start [--home DIR] [--no-validator] [--log-level LEVEL]\n"
    "\n"
    "Runs the node whose home directory is DIR (default ./devnet; create one with\n"
    "`jobcard node init --dev`). The node reads DIR/node.json, the genesis it names\n"
    "and its database, unlocks the validator key and takes part in consensus\n"
    "(alone on a single-validator chain; with the validators listed in node.json's\n"
    "p2p_peers otherwise, over the authenticated TCP transport of spec/p2p.md). Stop it with Ctrl-C or SIGTERM: the block in progress\n"
    "is finished and the database closed cleanly. A stop asked for while the node is still\n"
    "starting (unlocking keys, opening and verifying the database) ends the start once the\n"
    "database is open, closes it and exits 0 (\"stopped during start-up\").\n"
    "\n"
    "  --home DIR          the node's home directory (default ./devnet)\n"
    "  --no-validator      follow and serve the chain without voting; with p2p_peers\n"
    "                      it proves node.json's node_key_file to its peers\n"
    "  --log-level LEVEL   debug, info, warn or error (overrides node.json)\n"
    "\n"
    "The validator key's passphrase comes from JOBCARD_PASSPHRASE, or the prompt;\n"
    "on the dev chain (jobcard-devnet) the dev passphrase is used when neither is given.\n";

int Fail(const Error& e) {
  std::fprintf(stderr, "jobcard node start: %s (%s)\n", e.message.c_str(), e.code.c_str());
  return kExitFailure;
}

// A database that will not open: what the operator can do about it.
int FailToOpen(const Error& e, const std::filesystem::path& home) {
  Fail(e);
  if (e.code == "store.corrupt" || e.code == "store.open_failed") {
    std::fprintf(stderr,
                 "the node refuses to serve a damaged database; run `jobcard node check --home %s` to find what is "
                 "wrong, then restore the data directory from a backup or resync it from peers\n",
                 home.string().c_str());
  } else if (e.code == "store.locked") {
    std::fprintf(stderr, "another process (a node already running on %s?) holds the database\n", home.string().c_str());
  }
  return kExitFailure;
}

// A passphrase asked on the terminal stays interruptible by Ctrl-C.
Result<crypto::SigningKey> Unlock(const std::filesystem::path& path, bool dev_default, StartupSignals& signals) {
  const bool prompts = std::getenv(kPassphraseEnvVar) == nullptr && !dev_default;
  if (prompts) signals.Release();
  auto key = UnlockKeyFile(path, dev_default);
  if (prompts) signals.Hold();
  return key;
}

int StoppedDuringStartUp() {
  node::LogInfo("stopped during start-up", {});
  return kExitOk;
}

}  // namespace

int RunNodeStart(const Words& words) {
  if (WantsHelp(words)) {
    std::fputs(kStartHelp, stdout);
    return kExitOk;
  }
  auto args = Args::Parse(words, OptionSpec{{"home", "log-level"}, {"no-validator"}});
  if (!args.ok() || !args->positional().empty()) {
    std::fprintf(stderr, "jobcard node start: %s\n\n%s", args.ok() ? "unexpected argument" : args.error().message.c_str(), kStartHelp);
    return kExitUsage;
  }
  // Before anything slow and before any thread: a stop asked for from here
  // on ends the start cleanly (startup_signals.h).
  StartupSignals signals;
  const std::filesystem::path home = args->GetOr("home", "devnet");
  if (!std::filesystem::exists(home / "genesis.json") && !std::filesystem::exists(home / "node.json")) {
    std::fprintf(stderr, "jobcard node start: %s is not a node home (no genesis.json); create one with `jobcard node init --dev --home %s`\n",
                 home.string().c_str(), home.string().c_str());
    return kExitFailure;
  }
  auto config = node::LoadNodeConfig(home);
  if (!config.ok()) return Fail(config.error());
  node::SetLogLevel(config->log_level);
  if (auto level = args->Get("log-level")) {
    auto parsed = node::ParseLogLevel(*level);
    if (!parsed) {
      std::fprintf(stderr, "jobcard node start: --log-level must be debug, info, warn or error\n");
      return kExitUsage;
    }
    node::SetLogLevel(*parsed);
  }
  node::LogInfo("node starting", {{"home", home.string()}, {"huge_pages", node::HugePageHeapOn()}});
  auto genesis = ledger::LoadGenesisFile(node::ResolveInHome(home, config->genesis_file).string());
  if (!genesis.ok()) return Fail(genesis.error());

  std::optional<crypto::SigningKey> key;
  if (!args->Switch("no-validator")) {
    auto unlocked = Unlock(node::ResolveInHome(home, config->validator_key_file), genesis->chain_id == kDevnetChainId,
                           signals);
    if (!unlocked.ok()) return Fail(unlocked.error());
    key = std::move(*unlocked);
  }
  // A follower on a network proves its own node key to its peers.
  std::optional<crypto::SigningKey> node_key;
  if (!key && node::UsesTransport(*config)) {
    auto unlocked = Unlock(node::ResolveInHome(home, config->node_key_file), genesis->chain_id == kDevnetChainId, signals);
    if (!unlocked.ok()) return Fail(unlocked.error());
    node_key = std::move(*unlocked);
  }
  if (signals.Requested()) return StoppedDuringStartUp();
  auto service = node::NodeService::Open(home, *config, std::move(key), std::move(node_key));
  if (!service.ok()) return service.error().code.starts_with("store.") ? FailToOpen(service.error(), home) : Fail(service.error());
  // Opening the store is not cut short (RocksDB opens whole or not at all);
  // a stop asked for meanwhile closes it again before anything is served.
  if (signals.Requested()) {
    service->reset();
    return StoppedDuringStartUp();
  }
  // From here the node's own handler (installed by Open) takes any signal.
  signals.Release();
  Status run = (*service)->Run();
  if (!run.ok() && node::IsDiskFull(run.error())) {
    // Closing RocksDB after a refused write may write again, and its writer
    // asserts on any write after a failed one (seen as exit 134 in
    // ChaosTest.FullDisk*). Every block is already in a synced batch, so
    // leaving without closing is what kill -9 does, which the crash tests
    // show loses nothing: the next start recovers.
    const int code = Fail(run.error());
    std::fflush(nullptr);
    std::_Exit(code);
  }
  if (!run.ok()) return Fail(run.error());
  return kExitOk;
}

}  // namespace jobcard::cli
