// Submitting a signed transaction and telling the user what became of it:
// accepted, then (unless --no-wait) committed at a height or rejected with
// the reason. Shared by every subcommand that writes to the ledger.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/args.h"
#include "cli/node_client.h"
#include "ledger/tx.h"

namespace jobcard::cli {

struct SubmitOptions {
  bool wait = true;
  std::chrono::milliseconds wait_timeout{30000};
  bool json = false;
};

// From --no-wait, --wait-timeout SECONDS (1-3600) and --json.
Result<SubmitOptions> SubmitOptionsFrom(const Args& args);

struct Submitted {
  std::string id;
  bool committed = false;  // false with --no-wait: accepted, pending
  std::uint64_t height = 0;
};

// Submits; with options.wait, waits for the block. A refusal or a rejection
// is the error (its code is the node's, e.g. validation.key_not_active).
Result<Submitted> SubmitTx(NodeClient& node, const ledger::Tx& tx, const SubmitOptions& options);

// Prints `fields` (string members, in order) then the id and the status:
// as "name: value" lines, or as one JSON object with --json.
void PrintSubmitted(const Submitted& submitted, const SubmitOptions& options, nlohmann::ordered_json fields);

}  // namespace jobcard::cli
