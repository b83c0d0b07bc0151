// The `jobcard bundle` subcommands, one file each.
#pragma once

#include "cli/commands.h"

namespace jobcard::cli {

int RunBundleCreate(const Words& words);    // bundle_command.cpp
int RunBundleReceipts(const Words& words);  // bundle_receipts.cpp

}  // namespace jobcard::cli
