// `jobcard node` subcommands, one file each; cli/node_command.cpp dispatches
// to them. Same contract as cli/commands.h: the words after the subcommand's
// name in, the process exit code out.
#pragma once

#include "cli/commands.h"

namespace jobcard::cli {

int RunNodeInit(const Words& words);   // node_init.cpp
int RunNodeStart(const Words& words);  // node_start.cpp

}  // namespace jobcard::cli
