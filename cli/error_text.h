// What an error code means to the person at the terminal. The node's
// messages are precise but written for the ledger ("key 1a2b… of employer …
// is not active at height 7"); the CLI leads with a sentence that says what
// happened in the user's terms and, where one exists, what to do.
#pragma once

#include <string>

#include "crypto/result.h"

namespace jobcard::cli {

// The sentence for `error.code`, or empty when the node's message is already
// the best explanation.
std::string ExplainError(const Error& error);

// "<explanation> — <message> [<code>]", or "<message> [<code>]" when there
// is no explanation: the code stays visible for scripts and bug reports.
std::string DescribeError(const Error& error);

}  // namespace jobcard::cli
