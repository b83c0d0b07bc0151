#include <cstdio>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/node_commands.h"

namespace jobcard::cli {

int RunNodeCommand(const Words& words) {
  const Words rest = words.empty() ? Words{} : Words(words.begin() + 1, words.end());
  if (!words.empty() && words[0] == "init") return RunNodeInit(rest);
  if (!words.empty() && words[0] == "start") return RunNodeStart(rest);
  if (!words.empty() && words[0] == "check") return RunNodeCheck(rest);
  std::FILE* out = WantsHelp(words) ? stdout : stderr;
  if (!words.empty() && !WantsHelp(words)) std::fprintf(stderr, "jobcard node: unknown subcommand '%s'\n\n", words[0].c_str());
  std::fputs(
      "usage: jobcard node <command> [options]\n\n"
      "  init    create a node home (jobcard node init --dev [--home DIR])\n"
      "  start   run the node in a home (jobcard node start [--home DIR])\n"
      "  check   verify a stopped node's database offline (jobcard node check [--home DIR])\n\n"
      "jobcard node <command> --help tells more.\n",
      out);
  return WantsHelp(words) ? kExitOk : kExitUsage;
}

}  // namespace jobcard::cli
