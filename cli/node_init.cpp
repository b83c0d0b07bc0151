// `jobcard node init`: prepare a node's home directory (cli/devnet_home.h).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "cli/args.h"
#include "cli/devnet_home.h"
#include "cli/node_commands.h"
#include "cli/passphrase.h"

namespace jobcard::cli {

namespace {

constexpr const char* kInitUsage =
    "usage: jobcard node init --dev [--home DIR] [--force]\n"
    "\n"
    "Creates a single-node development network in DIR (default ./devnet):\n"
    "a genesis (chain jobcard-devnet) with one registrar key, one validator, two\n"
    "demo employers and one demo matcher, their encrypted key files under\n"
    "DIR/keys (mode 0700), the registrar's pseudonym key, a default node.json and\n"
    "a README.txt that says what each file is.\n"
    "\n"
    "  --dev          required: only development networks are supported for now\n"
    "  --home DIR     the node's home directory (default ./devnet)\n"
    "  --force        replace the files of an initialised DIR (new keys, new\n"
    "                 genesis); the node's data directory is left alone\n"
    "\n"
    "Key files are encrypted with $JOBCARD_PASSPHRASE if set, else with the\n"
    "insecure development passphrase \"devnet\". Development keys are not secret.\n";

int Fail(const Error& error) {
  std::fprintf(stderr, "jobcard node init: %s [%s]\n", error.message.c_str(), error.code.c_str());
  if (error.code == "node_init.exists") std::fputs("(use --force to replace them with new keys and a new genesis)\n", stderr);
  return kExitFailure;
}

int UsageError(const std::string& message) {
  std::fprintf(stderr, "jobcard node init: %s\n\n%s", message.c_str(), kInitUsage);
  return kExitUsage;
}

std::uint64_t NowUnixMs() {
  using namespace std::chrono;
  return static_cast<std::uint64_t>(duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

void PrintSummary(const DevnetHomeOptions& options, const DevnetHome& home) {
  std::printf("Initialised a development network (chain %s) in %s\n\nfiles:\n", std::string(kDevnetChainId).c_str(),
              options.home.c_str());
  for (const DevnetFile& f : home.files) std::printf("  %-36s %s\n", f.path.c_str(), f.what.c_str());
  std::puts("\nemployers:");
  for (const DevnetEmployer& e : home.employers) {
    std::printf("  %s  %s  (%s)\n", e.id.str().c_str(), e.name.c_str(), e.key_file.c_str());
  }
  std::printf("\nnext: jobcard node start --home %s\n", options.home.c_str());
}

}  // namespace

Status ChooseDevPassphrase(std::string& passphrase, bool& is_default) {
  if (const char* from_env = std::getenv(kPassphraseEnvVar)) {
    if (*from_env == '\0') {
      return MakeError("keystore.weak_passphrase",
                       std::string(kPassphraseEnvVar) + " is set but empty; unset it to use the dev passphrase");
    }
    passphrase = from_env;
    is_default = false;
  } else {
    passphrase = std::string(kDevnetPassphrase);
    is_default = true;
    std::fprintf(stderr,
                 "warning: the key files are encrypted with the documented dev passphrase \"%s\"; "
                 "development keys are not secret\n",
                 passphrase.c_str());
  }
  return Status::Ok();
}

int RunNodeInit(const Words& words) {
  if (WantsHelp(words)) {
    std::fputs(kInitUsage, stdout);
    return kExitOk;
  }
  auto args = Args::Parse(words, OptionSpec{{"home"}, {"dev", "force"}});
  if (!args.ok()) return UsageError(args.error().message);
  if (!args->positional().empty()) return UsageError("unexpected argument '" + args->positional()[0] + "'");
  if (!args->Switch("dev")) {
    std::fprintf(stderr, "jobcard node init: only --dev is supported for now (a development network)\n\n%s", kInitUsage);
    return kExitUsage;
  }

  DevnetHomeOptions options;
  options.home = args->GetOr("home", "devnet");
  options.force = args->Switch("force");
  options.genesis_time_ms = NowUnixMs();
  Status chosen = ChooseDevPassphrase(options.passphrase, options.passphrase_is_default);
  if (!chosen.ok()) return Fail(chosen.error());

  auto home = CreateDevnetHome(options);
  if (!home.ok()) return Fail(home.error());
  PrintSummary(options, *home);
  // --force gives the home a new chain; a database of the old one would not
  // match it, and deleting a user's data is not init's decision.
  if (options.force && std::filesystem::exists(options.home / "data")) {
    std::fprintf(stderr, "warning: %s holds the database of the replaced chain; remove it before starting the node\n",
                 (options.home / "data").c_str());
  }
  return kExitOk;
}

}  // namespace jobcard::cli
