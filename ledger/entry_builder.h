// Building a career entry from its plaintext: encrypt the payload to the
// subject, the employer (and the host employer for secondments), compute the
// commitment, fill the clear header. Used by the CLI, tests and the demo data.
// Signing is separate (SignTx), since secondments need two signers.
#pragma once

#include "crypto/sign.h"
#include "ledger/payload.h"
#include "ledger/tx.h"

namespace jobcard::ledger {

struct EntryDraft {
  TxKind kind = TxKind::kHire;
  CorporateNumber employer;
  SubjectId subject{};
  Date effective_date;
  std::uint64_t recorded_at = 0;
  std::uint64_t nonce = 0;
  std::vector<EntryId> references;
  Payload payload;
  // secondments:
  CorporateNumber host_employer;
  Date expected_end;
  std::uint8_t reason = 0;
  // Who can read the payload, in the order of spec/data-model.md:
  // subject, employer, then host employer for secondments.
  crypto::PublicKey subject_key{};
  crypto::PublicKey employer_key{};
  crypto::PublicKey host_key{};
};

// Unsigned transaction; fails if the draft breaks a form rule or a key
// cannot be encrypted to.
Result<Tx> BuildEntry(const EntryDraft& draft);

// Decrypts an entry's payload with a recipient's key and checks it against
// the commitment; fails if the key is not a recipient or anything was altered.
Result<Payload> OpenEntryPayload(const Tx& tx, const crypto::SigningKey& reader);

}  // namespace jobcard::ledger
