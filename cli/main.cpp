// The `jobcard` executable: dispatches to one subcommand.
#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/node_commands.h"
#include "node/huge_pages.h"

namespace jobcard::cli {
namespace {

struct Command {
  const char* name;
  const char* summary;
  int (*run)(const Words&);
};

constexpr Command kCommands[] = {
    {"node", "run a node or prepare its data directory (node init, node start, node check)", RunNodeCommand},
    {"devnet", "a local network of several validator processes (devnet init, devnet start)", RunDevnetCommand},
    {"key", "create and inspect encrypted key files (key new, key show, key export-public)", RunKeyCommand},
    {"registrar", "dev registrar: enrol workers, admit employers, manage their keys", RunRegistrarCommand},
    {"employer", "record career entries: hire, position-change, second, separate, correct, ...", RunEmployerCommand},
    {"history", "a worker's own history, decrypted and verified", RunHistoryCommand},
    {"dispute", "a worker contests an entry of their history", RunDisputeCommand},
    {"bundle", "a worker builds a verified history bundle for a matcher (bundle create)", RunBundleCommand},
    {"verify", "a matcher checks a bundle: offline with the genesis, or against a node", RunVerifyCommand},
    {"version", "print the version", RunVersionCommand},
};

void PrintUsage(std::FILE* out) {
  std::fputs(
      "jobcard: a node and client for the JobCard career ledger\n\n"
      "usage: jobcard <command> [options]   (jobcard <command> --help for more)\n\ncommands:\n",
      out);
  for (const Command& c : kCommands) std::fprintf(out, "  %-10s %s\n", c.name, c.summary);
}

}  // namespace

int RunVersionCommand(const Words&) {
  std::puts("jobcard 0.1.0");
  return kExitOk;
}

}  // namespace jobcard::cli

int main(int argc, char** argv) {
  using namespace jobcard::cli;
  if (argc < 2) {
    PrintUsage(stderr);
    return kExitUsage;
  }
  std::string name = argv[1];
  // A node is a long-running process with large, randomly walked memory:
  // it runs on huge pages (node/huge_pages.h). Other commands do not bother.
  if (name == "node" && argc > 2 && std::string(argv[2]) == "start") jobcard::node::ReexecWithHugePageHeap(argv);
  if (name == "-h" || name == "--help" || name == "help") {
    PrintUsage(stdout);
    return kExitOk;
  }
  Words rest(argv + 2, argv + argc);
  for (const Command& c : kCommands) {
    if (name == c.name) return c.run(rest);
  }
  std::fprintf(stderr, "jobcard: unknown command '%s'\n\n", name.c_str());
  PrintUsage(stderr);
  return kExitUsage;
}
