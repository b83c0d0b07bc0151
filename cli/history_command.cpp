// `jobcard history`: a worker reads their own career history, decrypted
// with their key and checked entry by entry (cli/history_fetch.h).
#include <cstdio>

#include "cli/client_common.h"
#include "cli/commands.h"
#include "cli/history_fetch.h"
#include "cli/history_print.h"
#include "cli/subject_file.h"

namespace jobcard::cli {

namespace {

constexpr const char* kHistoryUsage =
    "usage: jobcard history --subject-key FILE [--subject HEX] [--node URL] [--json]\n"
    "\n"
    "Shows your career history as a timeline: every entry the ledger holds about you,\n"
    "decrypted with your key, each one's signatures checked (the employer's key, active\n"
    "when it signed; the host's for secondments), superseded and disputed entries marked.\n"
    "Exits 1 if any entry fails a check (it is still shown, with why).\n"
    "\n"
    "  --subject-key FILE    your key file (passphrase from $JOBCARD_PASSPHRASE or the prompt)\n"
    "  --subject HEX         your subject id; by default the one `jobcard registrar enroll`\n"
    "                        saved next to the key file, in FILE.subject\n";

}  // namespace

int RunHistoryCommand(const Words& words) {
  const Reporter report("history", std::string(kHistoryUsage) + kNodeOptionsHelp);
  if (WantsHelp(words)) return report.Help();
  auto args = ParseClientArgs(words, WithNodeOptions({{"subject-key", "subject"}, {}}));
  if (!args.ok()) return report.Usage(args.error().message);
  auto key_file = Required(*args, "subject-key", "FILE");
  if (!key_file.ok()) return report.Usage(key_file.error().message);
  auto subject = ResolveSubject(args->Get("subject"), *key_file);
  if (!subject.ok()) return subject.error().code == "cli.bad_id" ? report.Invalid(subject.error()) : report.Fail(subject.error());
  auto node = ConnectNode(*args);
  if (!node.ok()) return report.Usage(node.error().message);

  auto key = UnlockKeyFile(*key_file, /*dev_default=*/false);
  if (!key.ok()) return report.Fail(MakeError(key.error().code, *key_file + ": " + key.error().message));
  auto history = FetchVerifiedHistory(*node, *subject, *key);
  if (!history.ok()) return report.Fail(history.error());
  if (args->Switch("json")) {
    PrintJson(HistoryToJson(*history));
  } else {
    std::fputs(RenderTimeline(*history).c_str(), stdout);
  }
  if (history->problem_count() > 0) {
    std::fprintf(stderr, "jobcard history: %zu entries failed verification (marked !!)\n", history->problem_count());
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace jobcard::cli
