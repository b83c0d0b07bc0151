// `jobcard registrar register-employer | add-employer-key |
// revoke-employer-key`: the governance transactions that admit employers and
// manage their keys, signed by m of the n registrar keys.
#include <functional>

#include "cli/client_common.h"
#include "cli/entry_input.h"
#include "cli/registrar_commands.h"
#include "cli/registrar_context.h"
#include "cli/submit_flow.h"

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

// What each subcommand adds to the shared flow: its options and its body.
struct GovernanceCommand {
  const char* name;
  const char* usage;
  OptionSpec options;
  ledger::TxKind kind;
  // Builds the body from the parsed, checked common inputs; an error is a
  // usage or input error (exit 2).
  std::function<Result<ledger::TxBody>(const Args&, const ledger::CorporateNumber&, const crypto::PublicKey&)> body;
};

int RunGovernance(const GovernanceCommand& command, const Words& words) {
  const Reporter report(std::string("registrar ") + command.name,
                        std::string(command.usage) + "\n" + kRegistrarOptionsHelp + kNodeOptionsHelp + kSubmitOptionsHelp);
  if (WantsHelp(words)) return report.Help();
  OptionSpec spec = command.options;
  spec.with_value.insert({"employer", "employer-key", "employer-pub"});
  auto args = ParseClientArgs(words, WithSubmitOptions(WithRegistrarOptions(spec)));
  if (!args.ok()) return report.Usage(args.error().message);
  auto submit_options = SubmitOptionsFrom(*args);
  if (!submit_options.ok()) return report.Usage(submit_options.error().message);
  auto employer = CorporateNumberOption(*args, "employer");
  if (!employer.ok()) return report.BadInput(employer.error());
  auto key = PublicKeyOption(*args, "employer");
  if (!key.ok()) return key.error().code == "cli.usage" ? report.Usage(key.error().message) : report.Fail(key.error());
  auto body = command.body(*args, *employer, *key);
  if (!body.ok()) return report.BadInput(body.error());

  auto node = ConnectNode(*args);
  if (!node.ok()) return report.Usage(node.error().message);
  auto registrar = OpenRegistrar(*args, *node);
  if (!registrar.ok()) return report.Fail(registrar.error());
  ledger::Tx tx{command.kind, FreshNonce(), std::move(*body), {}};
  if (Status form = ledger::CheckTxForm(tx); !form.ok()) return report.Invalid(form.error());
  SignAsRegistrar(tx, *registrar);
  auto submitted = SubmitTx(*node, tx, *submit_options);
  if (!submitted.ok()) return report.Fail(submitted.error());
  PrintSubmitted(*submitted, *submit_options,
                 {{"kind", std::string(ledger::TxKindName(command.kind))}, {"employer", employer->str()},
                  {"key", ToHex(*key)}});
  return kExitOk;
}

}  // namespace

int RunRegistrarRegisterEmployer(const Words& words) {
  const GovernanceCommand command{
      "register-employer", kRegisterUsage, OptionSpec{{"name"}, {}}, ledger::TxKind::kRegisterEmployer,
      [](const Args& args, const ledger::CorporateNumber& employer, const crypto::PublicKey& key) -> Result<ledger::TxBody> {
        auto name = Required(args, "name", "NAME (the registered trade name)");
        if (!name.ok()) return name.error();
        if (name->empty() || name->size() > ledger::kMaxNameBytes) {
          return MakeError("cli.bad_name", "--name must be 1 to " + std::to_string(ledger::kMaxNameBytes) + " bytes");
        }
        return ledger::TxBody(ledger::RegisterEmployer{employer, *name, key});
      }};
  return RunGovernance(command, words);
}

int RunRegistrarAddEmployerKey(const Words& words) {
  const GovernanceCommand command{
      "add-employer-key", kAddKeyUsage, OptionSpec{}, ledger::TxKind::kAddEmployerKey,
      [](const Args&, const ledger::CorporateNumber& employer, const crypto::PublicKey& key) -> Result<ledger::TxBody> {
        return ledger::TxBody(ledger::AddEmployerKey{employer, key});
      }};
  return RunGovernance(command, words);
}

int RunRegistrarRevokeEmployerKey(const Words& words) {
  const GovernanceCommand command{
      "revoke-employer-key", kRevokeUsage, OptionSpec{{"effective-height"}, {}}, ledger::TxKind::kRevokeEmployerKey,
      [](const Args& args, const ledger::CorporateNumber& employer, const crypto::PublicKey& key) -> Result<ledger::TxBody> {
        auto text = Required(args, "effective-height", "H");
        if (!text.ok()) return text.error();
        const auto height = ParseUnsigned<std::uint64_t>(*text);
        if (!height) return MakeError("cli.bad_height", "--effective-height must be a block height (a non-negative integer)");
        return ledger::TxBody(ledger::RevokeEmployerKey{employer, key, *height});
      }};
  return RunGovernance(command, words);
}

}  // namespace jobcard::cli
