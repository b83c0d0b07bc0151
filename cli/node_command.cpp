#include <cstdio>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/node_commands.h"

namespace jobcard::cli {

int RunNodeCommand(const Words& words) {
  if (!words.empty() && words[0] == "init") return RunNodeInit(Words(words.begin() + 1, words.end()));
  // Placeholder until the ledger core lands: `node init` / `node start` are
  // implemented in the ledger-core slice.
  if (WantsHelp(words) || words.empty()) {
    std::puts("usage: jobcard node <init|start> [--home DIR]");
    return words.empty() ? kExitUsage : kExitOk;
  }
  std::fprintf(stderr, "jobcard node: '%s' is not implemented yet\n", words[0].c_str());
  return kExitFailure;
}

}  // namespace jobcard::cli
