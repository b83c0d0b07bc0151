// Dispatch for a command with subcommands (`jobcard registrar enroll`,
// `jobcard employer hire`): the first word picks the subcommand, which gets
// the rest; no word, an unknown word or a help word prints the group's usage.
#pragma once

#include <span>

#include "cli/commands.h"

namespace jobcard::cli {

struct Subcommand {
  const char* name;
  const char* summary;  // one line for the group's usage
  int (*run)(const Words&);
};

// `group` is "registrar"; `intro` the text above the list of subcommands.
int DispatchSubcommand(const char* group, const char* intro, std::span<const Subcommand> table, const Words& words);

}  // namespace jobcard::cli
