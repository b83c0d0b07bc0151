// `jobcard registrar register-employer | add-employer-key |
// revoke-employer-key`: the governance transactions that admit employers and
// manage their keys, signed by m of the n registrar keys.
#include "cli/client_common.h"
#include "cli/entry_input.h"
#include "cli/registrar_commands.h"
#include "cli/registrar_governance.h"

namespace jobcard::cli {

namespace {

constexpr const char* kRegisterUsage =
    "usage: jobcard registrar register-employer --employer NUMBER --name NAME\n"
    "                                           (--employer-key FILE | --employer-pub HEX) [options]\n"
    "\n"
    "Admits an employer with its first signing key.\n"
    "\n"
    "  --employer NUMBER     the employer's 法人番号 (13 digits, the first a check digit)\n"
    "  --name NAME           the registered trade name (public), e.g. 札幌観光株式会社\n"
    "  --employer-key FILE   the employer's key file (public key read without a passphrase)\n"
    "  --employer-pub HEX    or its Ed25519 public key in hex\n";

constexpr const char* kAddKeyUsage =
    "usage: jobcard registrar add-employer-key --employer NUMBER (--employer-key FILE | --employer-pub HEX)\n"
    "                                          [options]\n"
    "\n"
    "Adds another signing key to a registered employer (e.g. one per HR office).\n"
    "The key is active from the block that commits this.\n"
    "\n"
    "  --employer NUMBER     the employer's 法人番号\n"
    "  --employer-key FILE   the new key's file (public key read without a passphrase)\n"
    "  --employer-pub HEX    or its Ed25519 public key in hex\n";

constexpr const char* kRevokeUsage =
    "usage: jobcard registrar revoke-employer-key --employer NUMBER (--employer-key FILE | --employer-pub HEX)\n"
    "                                             --effective-height H [options]\n"
    "\n"
    "Revokes an employer key: its signatures at heights >= H are invalid, and entries\n"
    "it signed at heights >= H become void. H may be in the past (a key stolen and\n"
    "found out late), never before the key was added. Entries signed below H stay valid.\n"
    "\n"
    "  --employer NUMBER     the employer's 法人番号\n"
    "  --employer-key FILE   the key's file (public key read without a passphrase)\n"
    "  --employer-pub HEX    or its Ed25519 public key in hex\n"
    "  --effective-height H  the first height at which the key is no longer valid\n";

// The employer every one of these names, for the body and the report.
Result<ledger::CorporateNumber> Employer(const Args& args, nlohmann::ordered_json& printed) {
  auto employer = CorporateNumberOption(args, "employer");
  if (employer.ok()) printed["employer"] = employer->str();
  return employer;
}

}  // namespace

int RunRegistrarRegisterEmployer(const Words& words) {
  const GovernanceCommand command{
      "register-employer", kRegisterUsage, OptionSpec{{"employer", "name"}, {}}, "employer", ledger::TxKind::kRegisterEmployer,
      [](const Args& args, const crypto::PublicKey& key, nlohmann::ordered_json& printed) -> Result<ledger::TxBody> {
        auto employer = Employer(args, printed);
        if (!employer.ok()) return employer.error();
        auto name = Required(args, "name", "NAME (the registered trade name)");
        if (!name.ok()) return name.error();
        if (name->empty() || name->size() > ledger::kMaxNameBytes) {
          return MakeError("cli.bad_name", "--name must be 1 to " + std::to_string(ledger::kMaxNameBytes) + " bytes");
        }
        return ledger::TxBody(ledger::RegisterEmployer{*employer, *name, key});
      }};
  return RunGovernance(command, words);
}

int RunRegistrarAddEmployerKey(const Words& words) {
  const GovernanceCommand command{
      "add-employer-key", kAddKeyUsage, OptionSpec{{"employer"}, {}}, "employer", ledger::TxKind::kAddEmployerKey,
      [](const Args& args, const crypto::PublicKey& key, nlohmann::ordered_json& printed) -> Result<ledger::TxBody> {
        auto employer = Employer(args, printed);
        if (!employer.ok()) return employer.error();
        return ledger::TxBody(ledger::AddEmployerKey{*employer, key});
      }};
  return RunGovernance(command, words);
}

int RunRegistrarRevokeEmployerKey(const Words& words) {
  const GovernanceCommand command{
      "revoke-employer-key", kRevokeUsage, OptionSpec{{"employer", "effective-height"}, {}}, "employer",
      ledger::TxKind::kRevokeEmployerKey,
      [](const Args& args, const crypto::PublicKey& key, nlohmann::ordered_json& printed) -> Result<ledger::TxBody> {
        auto employer = Employer(args, printed);
        if (!employer.ok()) return employer.error();
        auto text = Required(args, "effective-height", "H");
        if (!text.ok()) return text.error();
        const auto height = ParseUnsigned<std::uint64_t>(*text);
        if (!height) return MakeError("cli.bad_height", "--effective-height must be a block height (a non-negative integer)");
        return ledger::TxBody(ledger::RevokeEmployerKey{*employer, key, *height});
      }};
  return RunGovernance(command, words);
}

}  // namespace jobcard::cli
