// `jobcard registrar`: the registrar's governance commands on a dev ledger.
#include "cli/registrar_commands.h"
#include "cli/subcommand_table.h"

namespace jobcard::cli {

namespace {

constexpr const char* kRegistrarIntro =
    "The registrar (登録機関) admits workers, employers and validators. On a dev ledger its keys\n"
    "are in the node's home (jobcard node init --dev): keys/registrar.key signs\n"
    "(1 of 1) and keys/registrar-pseudonym.key turns a My Number into a subject id.\n";

constexpr Subcommand kRegistrarSubcommands[] = {
    {"enroll", "enrol a worker: My Number -> subject id, bound to the worker's key", RunRegistrarEnroll},
    {"register-employer", "admit an employer (法人番号, name, first key)", RunRegistrarRegisterEmployer},
    {"add-employer-key", "add a signing key to an employer", RunRegistrarAddEmployerKey},
    {"revoke-employer-key", "revoke an employer key from a height", RunRegistrarRevokeEmployerKey},
    {"add-validator", "admit a validator (key, voting power, operator name)", RunRegistrarAddValidator},
    {"remove-validator", "remove a validator from the set", RunRegistrarRemoveValidator},
};

}  // namespace

int RunRegistrarCommand(const Words& words) {
  return DispatchSubcommand("registrar", kRegistrarIntro, kRegistrarSubcommands, words);
}

}  // namespace jobcard::cli
