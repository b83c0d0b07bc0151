// `jobcard dispute`: a worker contests an entry about them (異議). The
// dispute is signed with the worker's key; its statement (--note) is
// encrypted to the worker and to the disputed entry's employer, so the
// employer can read and answer it. Verifiers see that the entry is disputed.
#include "cli/client_common.h"
#include "cli/commands.h"
#include "cli/entry_input.h"
#include "cli/entry_names.h"
#include "cli/ledger_lookups.h"
#include "cli/subject_file.h"
#include "cli/submit_flow.h"
#include "ledger/entry_builder.h"

namespace jobcard::cli {

namespace {

constexpr const char* kDisputeUsage =
    "usage: jobcard dispute --subject-key FILE --ref ID --reason REASON [--note TEXT]\n"
    "                       [--subject HEX] [--date YYYY-MM-DD] [options]\n"
    "\n"
    "Contests an entry of your history. The entry stays on the ledger, marked\n"
    "[disputed] for everyone who verifies it; your statement is readable only by you\n"
    "and the entry's employer.\n"
    "\n"
    "  --subject-key FILE    your key file: it signs the dispute\n"
    "  --ref ID              the id of the entry you contest (see `jobcard history`)\n"
    "  --reason REASON       inaccurate, never_happened, wrong_dates or other\n"
    "  --note TEXT           your statement (encrypted; no names or My Number)\n"
    "  --subject HEX         your subject id (default: the one saved in FILE.subject)\n"
    "  --date YYYY-MM-DD     the date of the dispute (default: today, UTC)\n";

struct DisputeInput {
  ledger::SubjectId subject{};
  ledger::EntryId ref{};
  std::uint8_t reason = 0;
  ledger::Date date;
  ledger::Payload payload;
};

Result<DisputeInput> InputFromArgs(const Args& args, const std::string& key_file) {
  DisputeInput in;
  auto ref_hex = Required(args, "ref", "ID");
  if (!ref_hex.ok()) return ref_hex.error();
  auto ref = ParseIdOption("ref", *ref_hex);
  if (!ref.ok()) return ref.error();
  in.ref = *ref;
  auto reason_name = Required(args, "reason", "REASON");
  if (!reason_name.ok()) return reason_name.error();
  auto reason = DisputeReasonFromName(*reason_name);
  if (!reason) return MakeError("cli.bad_reason", "--reason must be one of " + std::string(kDisputeReasonList));
  in.reason = *reason;
  if (args.Get("date")) {
    auto date = PastDateOption(args, "date");
    if (!date.ok()) return date.error();
    in.date = *date;
  } else {
    in.date = TodayUtc();
  }
  in.payload.salt = ledger::FreshSalt();
  if (auto note = args.Get("note")) in.payload.fields.push_back({ledger::PayloadFieldId::kNote, *note});
  JOBCARD_TRY_STATUS(ledger::ValidatePayload(in.payload));
  auto subject = ResolveSubject(args.Get("subject"), key_file);
  if (!subject.ok()) return subject.error();
  in.subject = *subject;
  return in;
}

}  // namespace

int RunDisputeCommand(const Words& words) {
  const Reporter report("dispute", std::string(kDisputeUsage) + kNodeOptionsHelp + kSubmitOptionsHelp);
  if (WantsHelp(words)) return report.Help();
  auto args = ParseClientArgs(words, WithSubmitOptions({{"subject-key", "subject", "ref", "reason", "note", "date"}, {}}));
  if (!args.ok()) return report.Usage(args.error().message);
  auto submit_options = SubmitOptionsFrom(*args);
  if (!submit_options.ok()) return report.Usage(submit_options.error().message);
  auto key_file = Required(*args, "subject-key", "FILE");
  if (!key_file.ok()) return report.Usage(key_file.error().message);
  auto input = InputFromArgs(*args, *key_file);
  if (!input.ok()) {
    // A missing subject file is a failure to find something, not a typo.
    return input.error().code.rfind("subject_file.", 0) == 0 ? report.Fail(input.error()) : report.BadInput(input.error());
  }

  auto node = ConnectNode(*args);
  if (!node.ok()) return report.Usage(node.error().message);
  auto chain_id = FetchChainId(*node);
  if (!chain_id.ok()) return report.Fail(chain_id.error());
  // The disputed entry names the employer the dispute must name and be
  // readable by; checking its subject here gives a clearer error than the node's.
  auto disputed = FetchCommittedTx(*node, *chain_id, input->ref);
  if (!disputed.ok()) return report.Fail(disputed.error());
  const auto* entry = std::get_if<ledger::CareerEntry>(&disputed->body);
  if (!entry || disputed->kind == ledger::TxKind::kDispute) {
    return report.Fail(MakeError("validation.reference_kind", "--ref must name a career entry (not a dispute)"));
  }
  if (entry->subject != input->subject) {
    return report.Fail(MakeError("validation.reference_mismatch", "--ref names an entry about someone else"));
  }
  auto employer = FetchEmployer(*node, entry->employer);
  if (!employer.ok()) return report.Fail(employer.error());
  const EmployerKeyInfo* employer_key = employer->FirstActiveKey();
  if (!employer_key) {
    return report.Fail(MakeError("dispute.no_employer_key", "employer " + entry->employer.str() +
                                                                " has no active key to encrypt the statement to"));
  }
  auto key = UnlockKeyFile(*key_file, /*dev_default=*/false);
  if (!key.ok()) return report.Fail(MakeError(key.error().code, *key_file + ": " + key.error().message));

  ledger::EntryDraft draft;
  draft.kind = ledger::TxKind::kDispute;
  draft.employer = entry->employer;
  draft.subject = input->subject;
  draft.effective_date = input->date;
  draft.recorded_at = NowUnixSeconds();
  draft.nonce = FreshNonce();
  draft.references = {input->ref};
  draft.payload = input->payload;
  draft.reason = input->reason;
  draft.subject_key = key->public_key();
  draft.employer_key = employer_key->key;
  auto tx = ledger::BuildEntry(draft);
  if (!tx.ok()) return report.Fail(tx.error());
  ledger::SignTx(*tx, *chain_id, *key);
  auto submitted = SubmitTx(*node, *tx, *submit_options);
  if (!submitted.ok()) return report.Fail(submitted.error());
  PrintSubmitted(*submitted, *submit_options,
                 {{"kind", "dispute"}, {"contests", ToHex(input->ref)}, {"reason", std::string(DisputeReasonName(input->reason))},
                  {"employer", entry->employer.str()}});
  return kExitOk;
}

}  // namespace jobcard::cli
