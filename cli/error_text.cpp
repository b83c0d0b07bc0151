#include "cli/error_text.h"

#include <string_view>

namespace jobcard::cli {

namespace {

struct Explanation {
  std::string_view code;
  std::string_view text;
};

// Codes from spec/data-model.md §9 and node/mempool.h that a CLI user can
// cause; the others are shown with the node's own message.
constexpr Explanation kExplanations[] = {
    {"validation.key_not_active", "the employer key is revoked or not yet active at this height"},
    {"validation.unknown_employer",
     "the employer is not registered on this ledger (the registrar admits it with `jobcard registrar register-employer`)"},
    {"validation.employer_not_active", "the employer is suspended or closed and may not record entries"},
    {"validation.host_not_active", "the host employer is not registered, or is suspended or closed"},
    {"validation.missing_signature", "a required party did not sign: is --key (or --host-key) a key of that employer?"},
    {"validation.unexpected_signer", "a key signed that has no role in this transaction: check --key and --host-key"},
    {"validation.subject_not_enrolled",
     "the subject is not enrolled on this ledger (the registrar enrols it with `jobcard registrar enroll`)"},
    {"validation.subject_exists", "this person is already enrolled"},
    {"validation.effective_date_in_future", "the date is in the future: record an event on or after the day it happens"},
    {"validation.recorded_at_in_future", "this computer's clock is ahead of the ledger's: check the system time"},
    {"validation.reference_not_found", "--ref names no committed entry on this ledger"},
    {"validation.reference_kind", "--ref names the wrong kind of entry (end-secondment needs a secondment start, "
                                  "end-side-job a side-job start)"},
    {"validation.reference_mismatch", "--ref names an entry of another subject or another employer"},
    {"validation.already_superseded", "that entry was already corrected: correct the latest correction instead"},
    {"validation.governance_quorum", "not enough registrar keys signed: give more --registrar-key files"},
    {"validation.employer_exists", "that employer is already registered"},
    {"validation.key_in_use", "that key already belongs to an employer or a subject: every key names one party"},
    {"validation.unknown_key", "that key is not a key of this employer"},
    {"validation.bad_key", "that public key cannot be used (not a valid Ed25519 key)"},
    {"validation.duplicate_tx", "this exact transaction is already on the ledger"},
    {"mempool.duplicate", "this exact transaction is already waiting to be committed"},
    {"mempool.full", "the node is busy (its queue of pending transactions is full): try again shortly"},
    {"tx.bad_signature", "a signature does not verify: was the key file made for this chain?"},
    {"keystore.wrong_passphrase", "the passphrase is wrong (or the key file was altered)"},
    {"keystore.insecure_mode", "the key file may be read by others: chmod 600 it"},
    {"api.not_found", "the node does not know that"},
};

}  // namespace

std::string ExplainError(const Error& error) {
  for (const Explanation& e : kExplanations) {
    if (e.code == error.code) return std::string(e.text);
  }
  return {};
}

std::string DescribeError(const Error& error) {
  const std::string explanation = ExplainError(error);
  if (explanation.empty()) return error.message + " [" + error.code + "]";
  return explanation + " — " + error.message + " [" + error.code + "]";
}

}  // namespace jobcard::cli
