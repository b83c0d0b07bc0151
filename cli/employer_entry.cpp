// `jobcard employer hire | position-change | role-change | second |
// end-secondment | side-job | end-side-job | separate | correct`: an
// employer records a career entry about a worker. The payload is encrypted
// to the worker (their key is fetched from the node) and to the employer
// (the signing key's own public key), and to the host for secondments.
#include <cstdio>

#include "cli/client_common.h"
#include "cli/employer_commands.h"
#include "cli/entry_input.h"
#include "cli/entry_names.h"
#include "cli/ledger_lookups.h"
#include "cli/submit_flow.h"
#include "ledger/entry_builder.h"

namespace jobcard::cli {

namespace {

using ledger::TxKind;

// What sets one entry subcommand apart from the others.
struct EntryCommand {
  const char* name;
  TxKind kind;
  const char* what;  // the first paragraph of its help
  bool takes_ref = false;
  bool takes_host = false;
  bool takes_expected_end = false;
  bool takes_reason = false;
};

constexpr const char* kCommonHelp =
    "  --key FILE            the employer's key file (its passphrase from $JOBCARD_PASSPHRASE\n"
    "                        or the prompt)\n"
    "  --employer NUMBER     the employer's 法人番号 (13 digits)\n"
    "  --subject HEX         the worker's subject id (from `jobcard registrar enroll`)\n"
    "  --date YYYY-MM-DD     the effective date (発令日), not after today\n";

std::string UsageOf(const EntryCommand& c) {
  std::string usage = "usage: jobcard employer " + std::string(c.name) +
                      " --key FILE --employer NUMBER --subject HEX --date YYYY-MM-DD";
  if (c.takes_ref) usage += " --ref ID";
  if (c.takes_reason) usage += " --reason REASON";
  if (c.takes_host) usage += " --host NUMBER --host-key FILE";
  if (c.takes_expected_end) usage += " --expected-end YYYY-MM-DD";
  usage += " [payload options] [options]\n\n" + std::string(c.what) + "\n\n" + kCommonHelp;
  if (c.takes_ref) usage += "  --ref ID              the id of the entry this one ends or corrects\n";
  if (c.takes_reason) usage += std::string("  --reason REASON       why: ") + kCorrectionReasonList + "\n";
  if (c.takes_host) {
    usage +=
        "  --host NUMBER         the host employer's (出向先) 法人番号\n"
        "  --host-key FILE       the host employer's key file: it co-signs\n";
  }
  if (c.takes_expected_end) usage += "  --expected-end DATE   when the secondment is expected to end\n";
  usage += std::string(kNodeOptionsHelp) + kSubmitOptionsHelp + "\n" + kPayloadOptionsHelp;
  return usage;
}

OptionSpec SpecOf(const EntryCommand& c) {
  OptionSpec spec{{"key", "employer", "subject", "date"}, {}};
  if (c.takes_ref) spec.with_value.insert("ref");
  if (c.takes_reason) spec.with_value.insert("reason");
  if (c.takes_host) spec.with_value.insert({"host", "host-key"});
  if (c.takes_expected_end) spec.with_value.insert("expected-end");
  return WithSubmitOptions(WithPayloadOptions(spec));
}

// Everything the command line says, checked; no I/O but the payload file.
Result<ledger::EntryDraft> DraftFromArgs(const EntryCommand& c, const Args& args) {
  ledger::EntryDraft draft;
  draft.kind = c.kind;
  auto employer = CorporateNumberOption(args, "employer");
  if (!employer.ok()) return employer.error();
  draft.employer = *employer;
  auto subject_hex = Required(args, "subject", "HEX");
  if (!subject_hex.ok()) return subject_hex.error();
  auto subject = ParseIdOption("subject", *subject_hex);
  if (!subject.ok()) return subject.error();
  draft.subject = *subject;
  auto date = PastDateOption(args, "date");
  if (!date.ok()) return date.error();
  draft.effective_date = *date;
  if (c.takes_ref) {
    auto ref_hex = Required(args, "ref", "ID");
    if (!ref_hex.ok()) return ref_hex.error();
    auto ref = ParseIdOption("ref", *ref_hex);
    if (!ref.ok()) return ref.error();
    draft.references = {*ref};
  }
  if (c.takes_reason) {
    auto name = Required(args, "reason", "REASON");
    if (!name.ok()) return name.error();
    auto reason = CorrectionReasonFromName(*name);
    if (!reason) return MakeError("cli.bad_reason", "--reason must be one of " + std::string(kCorrectionReasonList));
    draft.reason = *reason;
  }
  if (c.takes_host) {
    auto host = CorporateNumberOption(args, "host");
    if (!host.ok()) return host.error();
    if (*host == draft.employer) return MakeError("cli.bad_host", "--host must be another employer than --employer");
    draft.host_employer = *host;
    if (!args.Get("host-key")) return MakeError("cli.usage", "--host-key FILE is required: the host employer co-signs");
  }
  if (c.takes_expected_end) {
    auto end = DateOption(args, "expected-end");
    if (!end.ok()) return end.error();
    if (*end < draft.effective_date) return MakeError("cli.bad_date", "--expected-end is before --date");
    draft.expected_end = *end;
  }
  auto payload = PayloadFromArgs(args);
  if (!payload.ok()) return payload.error();
  draft.payload = std::move(*payload);
  return draft;
}

int RunEntry(const EntryCommand& c, const Words& words) {
  const Reporter report(std::string("employer ") + c.name, UsageOf(c));
  if (WantsHelp(words)) return report.Help();
  auto args = ParseClientArgs(words, SpecOf(c));
  if (!args.ok()) return report.Usage(args.error().message);
  auto submit_options = SubmitOptionsFrom(*args);
  if (!submit_options.ok()) return report.Usage(submit_options.error().message);
  auto key_file = Required(*args, "key", "FILE");
  if (!key_file.ok()) return report.Usage(key_file.error().message);
  auto draft = DraftFromArgs(c, *args);
  if (!draft.ok()) return report.BadInput(draft.error());

  auto node = ConnectNode(*args);
  if (!node.ok()) return report.Usage(node.error().message);
  auto chain_id = FetchChainId(*node);
  if (!chain_id.ok()) return report.Fail(chain_id.error());
  auto subject_key = FetchSubjectKey(*node, draft->subject);
  if (!subject_key.ok()) return report.Fail(subject_key.error());
  auto key = UnlockKeyFile(*key_file, /*dev_default=*/false);
  if (!key.ok()) return report.Fail(MakeError(key.error().code, *key_file + ": " + key.error().message));
  std::optional<crypto::SigningKey> host_key;
  if (c.takes_host) {
    const std::string host_file = *args->Get("host-key");
    auto unlocked = UnlockKeyFile(host_file, false);
    if (!unlocked.ok()) return report.Fail(MakeError(unlocked.error().code, host_file + ": " + unlocked.error().message));
    host_key = std::move(*unlocked);
    draft->host_key = host_key->public_key();
  }
  draft->subject_key = *subject_key;
  draft->employer_key = key->public_key();
  draft->recorded_at = NowUnixSeconds();
  draft->nonce = FreshNonce();
  auto tx = ledger::BuildEntry(*draft);
  if (!tx.ok()) return report.Fail(tx.error());
  ledger::SignTx(*tx, *chain_id, *key);
  if (host_key) ledger::SignTx(*tx, *chain_id, *host_key);

  auto submitted = SubmitTx(*node, *tx, *submit_options);
  if (!submitted.ok()) return report.Fail(submitted.error());
  nlohmann::ordered_json fields = {{"kind", std::string(ledger::TxKindName(c.kind))},
                                   {"employer", draft->employer.str()},
                                   {"subject", ToHex(draft->subject)},
                                   {"date", draft->effective_date.str()}};
  if (c.takes_host) fields["host"] = draft->host_employer.str();
  PrintSubmitted(*submitted, *submit_options, fields);
  return kExitOk;
}

}  // namespace

int RunEmployerHire(const Words& words) {
  return RunEntry({"hire", TxKind::kHire, "Records a hire (雇入れ): the worker is employed from --date."}, words);
}

int RunEmployerPositionChange(const Words& words) {
  return RunEntry({"position-change", TxKind::kPositionChange,
                   "Records a position change (昇進・異動): new title, grade or department from --date.\n"
                   "Give the new values; fields that did not change may be left out."},
                  words);
}

int RunEmployerRoleChange(const Words& words) {
  return RunEntry({"role-change", TxKind::kRoleChange, "Records a change of duties (職務変更) from --date."}, words);
}

int RunEmployerSecond(const Words& words) {
  return RunEntry({"second", TxKind::kSecondmentStart,
                   "Records the start of a secondment (在籍出向): the worker, still employed by --employer,\n"
                   "works at --host from --date. Both employers sign; the payload (role at the host)\n"
                   "is readable by the worker and both employers.",
                   false, true, true, false},
                  words);
}

int RunEmployerEndSecondment(const Words& words) {
  return RunEntry({"end-secondment", TxKind::kSecondmentEnd,
                   "Records the end of a secondment (復帰): --ref is its start, --date the return date.\n"
                   "Both employers sign again.",
                   true, true, false, false},
                  words);
}

int RunEmployerSideJob(const Words& words) {
  return RunEntry({"side-job", TxKind::kSideJobStart,
                   "Records the start of a side job (兼業・副業) at --employer, the employer where the\n"
                   "side work is done, e.g. --work-pattern 週2日."},
                  words);
}

int RunEmployerEndSideJob(const Words& words) {
  return RunEntry({"end-side-job", TxKind::kSideJobEnd, "Records the end of a side job: --ref is its start.", true},
                  words);
}

int RunEmployerSeparate(const Words& words) {
  return RunEntry({"separate", TxKind::kSeparation,
                   "Records a separation (退職): the employment ends on --date. The reason goes in\n"
                   "--separation-reason (sensitive: a bundle leaves it out unless the worker opts in)."},
                  words);
}

int RunEmployerCorrect(const Words& words) {
  return RunEntry({"correct", TxKind::kCorrection,
                   "Records a correction (訂正) of an earlier entry of this employer (--ref): it\n"
                   "supersedes it; nothing is deleted. --date and the payload are the corrected\n"
                   "content, in full. With --reason retraction the entry is treated as never having\n"
                   "happened (give only --note).",
                   true, false, false, true},
                  words);
}

}  // namespace jobcard::cli
