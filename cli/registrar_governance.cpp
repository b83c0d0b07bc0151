#include "cli/registrar_governance.h"

#include "cli/client_common.h"
#include "cli/registrar_context.h"
#include "cli/submit_flow.h"

namespace jobcard::cli {

int RunGovernance(const GovernanceCommand& command, const Words& words) {
  const Reporter report(std::string("registrar ") + command.name,
                        std::string(command.usage) + "\n" + kRegistrarOptionsHelp + kNodeOptionsHelp + kSubmitOptionsHelp);
  if (WantsHelp(words)) return report.Help();
  OptionSpec spec = command.options;
  const std::string role = command.role;
  spec.with_value.insert({role + "-key", role + "-pub"});
  auto args = ParseClientArgs(words, WithSubmitOptions(WithRegistrarOptions(spec)));
  if (!args.ok()) return report.Usage(args.error().message);
  auto submit_options = SubmitOptionsFrom(*args);
  if (!submit_options.ok()) return report.Usage(submit_options.error().message);
  auto key = PublicKeyOption(*args, role);
  if (!key.ok()) return key.error().code == "cli.usage" ? report.Usage(key.error().message) : report.Fail(key.error());
  nlohmann::ordered_json printed = {{"kind", std::string(ledger::TxKindName(command.kind))}};
  auto body = command.body(*args, *key, printed);
  if (!body.ok()) return report.BadInput(body.error());
  printed["key"] = ToHex(*key);

  auto node = ConnectNode(*args);
  if (!node.ok()) return report.Usage(node.error().message);
  auto registrar = OpenRegistrar(*args, *node);
  if (!registrar.ok()) return report.Fail(registrar.error());
  ledger::Tx tx{command.kind, FreshNonce(), std::move(*body), {}};
  if (Status form = ledger::CheckTxForm(tx); !form.ok()) return report.Invalid(form.error());
  SignAsRegistrar(tx, *registrar);
  auto submitted = SubmitTx(*node, tx, *submit_options);
  if (!submitted.ok()) return report.Fail(submitted.error());
  PrintSubmitted(*submitted, *submit_options, std::move(printed));
  return kExitOk;
}

}  // namespace jobcard::cli
