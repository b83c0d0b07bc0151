#include "ledger/entry_builder.h"

namespace jobcard::ledger {

Result<Tx> BuildEntry(const EntryDraft& d) {
  if (!IsCareerEntry(d.kind)) return MakeError("entry.kind", std::string(TxKindName(d.kind)) + " is not a career entry");
  JOBCARD_TRY_STATUS(ValidatePayload(d.payload));
  CareerEntry e;
  e.employer = d.employer;
  e.subject = d.subject;
  e.effective_date = d.effective_date;
  e.recorded_at = d.recorded_at;
  e.references = d.references;
  e.commitment = PayloadCommitment(d.payload);
  // Only the fields this kind carries; the rest stay empty (CheckTxForm).
  const bool secondment = d.kind == TxKind::kSecondmentStart || d.kind == TxKind::kSecondmentEnd;
  if (secondment) e.host_employer = d.host_employer;
  if (d.kind == TxKind::kSecondmentStart) e.expected_end = d.expected_end;
  if (d.kind == TxKind::kCorrection || d.kind == TxKind::kDispute) e.reason = d.reason;
  std::vector<crypto::PublicKey> recipients = {d.subject_key, d.employer_key};
  if (d.kind == TxKind::kSecondmentStart || d.kind == TxKind::kSecondmentEnd) recipients.push_back(d.host_key);
  auto sealed = crypto::EncryptPayload(EncodePayload(d.payload), PayloadAssociatedData(d.kind, e), recipients);
  if (!sealed.ok()) return sealed.error();
  e.payload = std::move(*sealed);
  Tx tx{d.kind, d.nonce, std::move(e), {}};
  JOBCARD_TRY_STATUS(CheckTxForm(tx));
  return tx;
}

Result<Payload> OpenEntryPayload(const Tx& tx, const crypto::SigningKey& reader) {
  const auto* e = std::get_if<CareerEntry>(&tx.body);
  if (!e) return MakeError("entry.kind", "the transaction is not a career entry");
  auto plain = crypto::DecryptPayloadAnySlot(e->payload, PayloadAssociatedData(tx.kind, *e), reader);
  if (!plain.ok()) return plain.error();
  auto payload = DecodePayload(*plain);
  if (!payload.ok()) return payload.error();
  if (PayloadCommitment(*payload) != e->commitment) {
    return MakeError("entry.commitment_mismatch", "the decrypted payload does not match the entry's commitment");
  }
  return payload;
}

}  // namespace jobcard::ledger
