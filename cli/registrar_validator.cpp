// `jobcard registrar add-validator | remove-validator`: the governance
// transactions that change the validator set, signed by m of the n registrar
// keys. The new set certifies the blocks after the one that commits the
// change (spec/blocks.md); bundles anchored later carry the change
// (spec/bundle.md §4.2).
#include "cli/client_common.h"
#include "cli/registrar_commands.h"
#include "cli/registrar_governance.h"

namespace jobcard::cli {

namespace {

constexpr const char* kAddUsage =
    "usage: jobcard registrar add-validator (--validator-key FILE | --validator-pub HEX) --power N --name NAME\n"
    "                                       [options]\n"
    "\n"
    "Admits a validator (a node operator: the agency, a regional bank, a staffing firm).\n"
    "Its votes count from the block after the one that commits this. Mind the quorum:\n"
    "blocks need the votes of more than 2/3 of the total power, so a validator that\n"
    "is not yet running can stop the chain if it holds 1/3 or more of it.\n"
    "\n"
    "  --validator-key FILE  the validator's key file (public key read without a passphrase)\n"
    "  --validator-pub HEX   or its Ed25519 public key in hex\n"
    "  --power N             its voting power, 1 to 1000000\n"
    "  --name NAME           the operator's name (public)\n";

constexpr const char* kRemoveUsage =
    "usage: jobcard registrar remove-validator (--validator-key FILE | --validator-pub HEX) [options]\n"
    "\n"
    "Removes a validator from the set, from the block after the one that commits this.\n"
    "The last validator cannot be removed.\n"
    "\n"
    "  --validator-key FILE  the validator's key file (public key read without a passphrase)\n"
    "  --validator-pub HEX   or its Ed25519 public key in hex\n";

}  // namespace

int RunRegistrarAddValidator(const Words& words) {
  const GovernanceCommand command{
      "add-validator", kAddUsage, OptionSpec{{"power", "name"}, {}}, "validator", ledger::TxKind::kAddValidator,
      [](const Args& args, const crypto::PublicKey& key, nlohmann::ordered_json& printed) -> Result<ledger::TxBody> {
        auto power_text = Required(args, "power", "N (the voting power)");
        if (!power_text.ok()) return power_text.error();
        const auto power = ParseUnsigned<std::uint64_t>(*power_text);
        if (!power || *power < 1 || *power > ledger::kMaxValidatorPower) {
          return MakeError("cli.bad_power", "--power must be a number from 1 to " + std::to_string(ledger::kMaxValidatorPower));
        }
        auto name = Required(args, "name", "NAME (the operator's name)");
        if (!name.ok()) return name.error();
        if (name->empty() || name->size() > ledger::kMaxNameBytes) {
          return MakeError("cli.bad_name", "--name must be 1 to " + std::to_string(ledger::kMaxNameBytes) + " bytes");
        }
        printed["power"] = *power;
        printed["name"] = *name;
        return ledger::TxBody(ledger::AddValidator{key, *power, *name});
      }};
  return RunGovernance(command, words);
}

int RunRegistrarRemoveValidator(const Words& words) {
  const GovernanceCommand command{
      "remove-validator", kRemoveUsage, OptionSpec{}, "validator", ledger::TxKind::kRemoveValidator,
      [](const Args&, const crypto::PublicKey& key, nlohmann::ordered_json&) -> Result<ledger::TxBody> {
        return ledger::TxBody(ledger::RemoveValidator{key});
      }};
  return RunGovernance(command, words);
}

}  // namespace jobcard::cli
