// `jobcard node` subcommands, one file each; cli/node_command.cpp dispatches
// to them. Same contract as cli/commands.h: the words after the subcommand's
// name in, the process exit code out.
#pragma once

#include <string>

#include "cli/commands.h"
#include "crypto/result.h"

namespace jobcard::cli {

int RunNodeInit(const Words& words);   // node_init.cpp
int RunNodeStart(const Words& words);  // node_start.cpp
int RunNodeCheck(const Words& words);  // node_check.cpp
int RunDevnetCommand(const Words& words);  // devnet_command.cpp: devnet init, devnet start

// The passphrase dev key files get: $JOBCARD_PASSPHRASE if set (refused when
// empty), else the documented dev passphrase, with a warning (node_init.cpp).
Status ChooseDevPassphrase(std::string& passphrase, bool& is_default);

}  // namespace jobcard::cli
