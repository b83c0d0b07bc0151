// `jobcard employer headcount`: the employer declares how many people it
// employs on a date (在籍者数の届出). In the clear: compliance compares it
// with the open employments on the ledger.
#include "cli/client_common.h"
#include "cli/employer_commands.h"
#include "cli/entry_input.h"
#include "cli/submit_flow.h"

namespace jobcard::cli {

namespace {

constexpr const char* kHeadcountUsage =
    "usage: jobcard employer headcount --key FILE --employer NUMBER --date YYYY-MM-DD --count N [options]\n"
    "\n"
    "Declares that --employer employs N people on --date (在籍者数の届出). The count is\n"
    "public; compliance reports compare it with the employments on the ledger.\n"
    "\n"
    "  --key FILE            the employer's key file\n"
    "  --employer NUMBER     the employer's 法人番号\n"
    "  --date YYYY-MM-DD     the date the count is for, not after today\n"
    "  --count N             the number of employees (0-4294967295)\n";

}  // namespace

int RunEmployerHeadcount(const Words& words) {
  const Reporter report("employer headcount", std::string(kHeadcountUsage) + kNodeOptionsHelp + kSubmitOptionsHelp);
  if (WantsHelp(words)) return report.Help();
  auto args = ParseClientArgs(words, WithSubmitOptions({{"key", "employer", "date", "count"}, {}}));
  if (!args.ok()) return report.Usage(args.error().message);
  auto submit_options = SubmitOptionsFrom(*args);
  if (!submit_options.ok()) return report.Usage(submit_options.error().message);
  auto key_file = Required(*args, "key", "FILE");
  auto count_text = Required(*args, "count", "N");
  if (!key_file.ok()) return report.Usage(key_file.error().message);
  if (!count_text.ok()) return report.Usage(count_text.error().message);
  auto employer = CorporateNumberOption(*args, "employer");
  if (!employer.ok()) return report.BadInput(employer.error());
  auto date = PastDateOption(*args, "date");
  if (!date.ok()) return report.BadInput(date.error());
  const auto count = ParseUnsigned<std::uint32_t>(*count_text);
  if (!count) return report.Invalid(MakeError("cli.bad_count", "--count must be a whole number of employees"));

  auto node = ConnectNode(*args);
  if (!node.ok()) return report.Usage(node.error().message);
  auto chain_id = FetchChainId(*node);
  if (!chain_id.ok()) return report.Fail(chain_id.error());
  auto key = UnlockKeyFile(*key_file, /*dev_default=*/false);
  if (!key.ok()) return report.Fail(MakeError(key.error().code, *key_file + ": " + key.error().message));
  ledger::Tx tx{ledger::TxKind::kHeadcount, FreshNonce(), ledger::Headcount{*employer, *date, *count, NowUnixSeconds()}, {}};
  ledger::SignTx(tx, *chain_id, key.value());
  auto submitted = SubmitTx(*node, tx, *submit_options);
  if (!submitted.ok()) return report.Fail(submitted.error());
  PrintSubmitted(*submitted, *submit_options,
                 {{"kind", "headcount"}, {"employer", employer->str()}, {"date", date->str()}, {"count", *count}});
  return kExitOk;
}

}  // namespace jobcard::cli
