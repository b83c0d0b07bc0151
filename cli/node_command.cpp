#include <cstdio>

#include "cli/args.h"
#include "cli/commands.h"

namespace jobcard::cli {

int RunNodeCommand(const Words& words) {
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
