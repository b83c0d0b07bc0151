// The flow every registrar governance subcommand shares: parse its options,
// read the key it is about (--ROLE-key FILE | --ROLE-pub HEX), build the
// body, sign it with m of the n registrar keys and submit it.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>

#include "cli/args.h"
#include "cli/commands.h"
#include "ledger/tx.h"

namespace jobcard::cli {

struct GovernanceCommand {
  const char* name;
  const char* usage;
  OptionSpec options;  // its own, besides --ROLE-key / --ROLE-pub and the shared ones
  const char* role;    // "employer" or "validator": names the key options
  ledger::TxKind kind;
  // Builds the body from the parsed options and the key; an error is a usage
  // or input error (exit 2). `printed` gets the fields to report besides the
  // kind and the key.
  std::function<Result<ledger::TxBody>(const Args&, const crypto::PublicKey&, nlohmann::ordered_json& printed)> body;
};

int RunGovernance(const GovernanceCommand& command, const Words& words);

}  // namespace jobcard::cli
