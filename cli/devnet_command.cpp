// `jobcard devnet`: a local network of several validator processes
// (cli/devnet_network.h). `init` writes the homes; `start` runs one
// `jobcard node start` child per home and stops them all on Ctrl-C/SIGTERM.
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "cli/args.h"
#include "cli/client_common.h"
#include "cli/devnet_network.h"
#include "cli/node_commands.h"
#include "node/node_config.h"

namespace jobcard::cli {

namespace {

constexpr const char* kDevnetUsage =
    "usage: jobcard devnet <command> [options]\n\n"
    "  init    create the homes of a local network (jobcard devnet init --validators N --home DIR)\n"
    "  start   run every node of it until Ctrl-C (jobcard devnet start --home DIR)\n\n"
    "jobcard devnet <command> --help tells more.\n";

constexpr const char* kInitUsage =
    "usage: jobcard devnet init [--validators N] [--full-nodes M] [--home DIR] [--base-port PORT]\n"
    "\n"
    "Creates a development network of N validators (default 4) on this machine:\n"
    "one genesis (chain jobcard-devnet) with N validators, the dev registrar, two\n"
    "demo employers and a demo matcher, and one home per node, DIR/node0 ..\n"
    "DIR/node<N-1> (default DIR ./devnet-net). Each home has the genesis, its own\n"
    "validator key and a node.json listing every other node as a p2p peer on\n"
    "127.0.0.1. node0 also holds the registrar, employer and matcher keys.\n"
    "Full nodes (DIR/full0 ..) have their own node key, dial every validator and\n"
    "follow the chain by block sync without voting; the validators accept them.\n"
    "Node i's p2p listens on PORT+2i and its API on PORT+2i+1 (default PORT 26700);\n"
    "full node j counts as node N+j.\n"
    "\n"
    "  --validators N     1..16 (default 4); n = 3f+1 tolerates f faulty validators\n"
    "  --full-nodes M     0..16 (default 0)\n"
    "  --home DIR         where the node homes go (default ./devnet-net)\n"
    "  --base-port PORT   first of the 2N loopback ports (default 26700)\n"
    "\n"
    "Key files are encrypted with $JOBCARD_PASSPHRASE if set, else with the\n"
    "insecure development passphrase \"devnet\". Development keys are not secret.\n";

constexpr const char* kStartUsage =
    "usage: jobcard devnet start [--home DIR]\n"
    "\n"
    "Starts `jobcard node start` for every home DIR/node0, DIR/node1, ... (and\n"
    "`--no-validator` for DIR/full0, ...) that `jobcard devnet init` created\n"
    "(default DIR ./devnet-net), prints where each\n"
    "node's API listens, and runs until Ctrl-C or SIGTERM, which stop every node\n"
    "cleanly (SIGKILL after 10 s). Each node's log goes to DIR/node<i>/node.log.\n"
    "If a node exits on its own, the others keep running.\n";

int Fail(const char* command, const Error& e) {
  std::fprintf(stderr, "jobcard devnet %s: %s [%s]\n", command, e.message.c_str(), e.code.c_str());
  return kExitFailure;
}

int RunInit(const Words& words) {
  if (WantsHelp(words)) {
    std::fputs(kInitUsage, stdout);
    return kExitOk;
  }
  auto args = Args::Parse(words, OptionSpec{{"home", "validators", "full-nodes", "base-port"}, {}});
  if (!args.ok() || !args->positional().empty()) {
    std::fprintf(stderr, "jobcard devnet init: %s\n\n%s", args.ok() ? "unexpected argument" : args.error().message.c_str(),
                 kInitUsage);
    return kExitUsage;
  }
  DevnetNetworkOptions options;
  options.dir = args->GetOr("home", "devnet-net");
  // CreateDevnetNetwork checks the ranges.
  const auto validators = ParseUnsigned<std::size_t>(args->GetOr("validators", "4"));
  const auto full_nodes = ParseUnsigned<std::size_t>(args->GetOr("full-nodes", "0"));
  const auto base_port = ParseUnsigned<std::uint16_t>(args->GetOr("base-port", "26700"));
  if (!validators || !full_nodes || !base_port) {
    return Fail("init", MakeError("devnet.invalid", "--validators, --full-nodes and --base-port take a number"));
  }
  options.validators = *validators;
  options.full_nodes = *full_nodes;
  options.base_port = *base_port;
  options.genesis_time_ms = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                           std::chrono::system_clock::now().time_since_epoch())
                                                           .count());
  Status chosen = ChooseDevPassphrase(options.passphrase, options.passphrase_is_default);
  if (!chosen.ok()) return Fail("init", chosen.error());
  auto nodes = CreateDevnetNetwork(options);
  if (!nodes.ok()) return Fail("init", nodes.error());
  std::printf("Initialised a %zu-validator development network (chain %s) in %s\n\n", options.validators,
              std::string(kDevnetChainId).c_str(), options.dir.c_str());
  for (const DevnetNode& n : *nodes) {
    std::printf("  %-28s api http://%s  p2p %s%s\n", n.home.c_str(), n.api_listen.c_str(), n.p2p_listen.c_str(),
                n.validator ? "" : "  (full node)");
  }
  std::printf("\nregistrar, employer and matcher keys: %s/keys\nnext: jobcard devnet start --home %s\n",
              (options.dir / DevnetNodeDirName(0)).c_str(), options.dir.c_str());
  return kExitOk;
}

// Runs `jobcard node start --home HOME` with its output in HOME/node.log and
// the default signal mask (the parent blocks the signals it waits for).
pid_t SpawnNode(const std::filesystem::path& self, const std::filesystem::path& home, bool validator) {
  std::fflush(stdout);  // or the child would print the parent's buffered lines again
  std::fflush(stderr);
  const pid_t pid = fork();
  if (pid != 0) return pid;
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  const std::string log = (home / "node.log").string();
  if (std::freopen(log.c_str(), "a", stdout) == nullptr || dup2(fileno(stdout), STDERR_FILENO) < 0) _exit(127);
  const std::string home_text = home.string();
  if (validator) {
    execl(self.c_str(), self.c_str(), "node", "start", "--home", home_text.c_str(), static_cast<char*>(nullptr));
  } else {
    execl(self.c_str(), self.c_str(), "node", "start", "--home", home_text.c_str(), "--no-validator",
          static_cast<char*>(nullptr));
  }
  _exit(127);
}

int RunStart(const Words& words) {
  if (WantsHelp(words)) {
    std::fputs(kStartUsage, stdout);
    return kExitOk;
  }
  auto args = Args::Parse(words, OptionSpec{{"home"}, {}});
  if (!args.ok() || !args->positional().empty()) {
    std::fprintf(stderr, "jobcard devnet start: %s\n\n%s", args.ok() ? "unexpected argument" : args.error().message.c_str(),
                 kStartUsage);
    return kExitUsage;
  }
  const std::filesystem::path dir = args->GetOr("home", "devnet-net");
  const std::vector<DevnetNode> homes = DevnetNodeHomes(dir);
  if (homes.empty()) {
    std::fprintf(stderr, "jobcard devnet start: %s has no node0; create it with `jobcard devnet init --home %s`\n",
                 dir.c_str(), dir.c_str());
    return kExitFailure;
  }
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return Fail("start", MakeError("devnet.io", "cannot find the jobcard executable: " + ec.message()));

  sigset_t waited;
  sigemptyset(&waited);
  sigaddset(&waited, SIGINT);
  sigaddset(&waited, SIGTERM);
  sigaddset(&waited, SIGCHLD);
  sigprocmask(SIG_BLOCK, &waited, nullptr);

  std::vector<pid_t> children;
  for (const DevnetNode& node : homes) {
    const std::filesystem::path& home = node.home;
    auto config = node::LoadNodeConfig(home);
    if (!config.ok()) return Fail("start", config.error());
    const pid_t pid = SpawnNode(self, home, node.validator);
    if (pid < 0) return Fail("start", MakeError("devnet.io", "fork failed"));
    children.push_back(pid);
    std::printf("%s  pid %d  api http://%s  log %s\n", home.c_str(), static_cast<int>(pid), config->api_listen.c_str(),
                (home / "node.log").c_str());
  }
  std::puts("Ctrl-C stops every node.");
  std::fflush(stdout);

  std::size_t running = children.size();
  while (running > 0) {
    int signal = 0;
    if (sigwait(&waited, &signal) != 0) break;
    if (signal != SIGCHLD) break;
    for (pid_t& pid : children) {
      int status = 0;
      if (pid > 0 && waitpid(pid, &status, WNOHANG) == pid) {
        std::fprintf(stderr, "node pid %d exited (%s %d)\n", static_cast<int>(pid),
                     WIFEXITED(status) ? "status" : "signal", WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
        pid = -1;
        --running;
      }
    }
  }
  for (pid_t pid : children) {
    if (pid > 0) kill(pid, SIGTERM);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (pid_t& pid : children) {
    while (pid > 0) {
      if (waitpid(pid, nullptr, WNOHANG) == pid) {
        pid = -1;
      } else if (std::chrono::steady_clock::now() > deadline) {
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
        pid = -1;
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
  }
  std::puts("every node stopped");
  return kExitOk;
}

}  // namespace

int RunDevnetCommand(const Words& words) {
  const Words rest = words.empty() ? Words{} : Words(words.begin() + 1, words.end());
  if (!words.empty() && words[0] == "init") return RunInit(rest);
  if (!words.empty() && words[0] == "start") return RunStart(rest);
  if (!words.empty() && !WantsHelp(words)) std::fprintf(stderr, "jobcard devnet: unknown subcommand '%s'\n\n", words[0].c_str());
  std::fputs(kDevnetUsage, WantsHelp(words) ? stdout : stderr);
  return WantsHelp(words) ? kExitOk : kExitUsage;
}

}  // namespace jobcard::cli
