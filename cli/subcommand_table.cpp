#include "cli/subcommand_table.h"

#include <cstdio>
#include <string>

namespace jobcard::cli {

namespace {

void PrintGroupUsage(std::FILE* out, const char* group, const char* intro, std::span<const Subcommand> table) {
  std::fprintf(out, "usage: jobcard %s <subcommand> [options]\n\n%s\nsubcommands:\n", group, intro);
  for (const Subcommand& sub : table) std::fprintf(out, "  %-20s %s\n", sub.name, sub.summary);
  std::fprintf(out, "\njobcard %s <subcommand> --help shows each one's options.\n", group);
}

}  // namespace

int DispatchSubcommand(const char* group, const char* intro, std::span<const Subcommand> table, const Words& words) {
  if (words.empty()) {
    PrintGroupUsage(stderr, group, intro, table);
    return kExitUsage;
  }
  const std::string& name = words[0];
  if (name == "-h" || name == "--help" || name == "help") {
    PrintGroupUsage(stdout, group, intro, table);
    return kExitOk;
  }
  const Words rest(words.begin() + 1, words.end());
  for (const Subcommand& sub : table) {
    if (name == sub.name) return sub.run(rest);
  }
  std::fprintf(stderr, "jobcard %s: unknown subcommand '%s'\n\n", group, name.c_str());
  PrintGroupUsage(stderr, group, intro, table);
  return kExitUsage;
}

}  // namespace jobcard::cli
