// The payload plaintext decoder (ledger/payload.cpp): what a reader gets
// after decrypting an entry, and what a disclosure shows a matcher.
// Invariants: canonical (re-encodes to the same bytes), accepted payloads
// pass ValidatePayload, and the commitment is a function of the fields alone.
#include "ledger/payload.h"
#include "tests/fuzz/fuzz_check.h"

using namespace jobcard;

JOBCARD_FUZZ_TARGET {
  auto payload = ledger::DecodePayload(fuzz::Input(data, size));
  if (!payload.ok()) {
    FUZZ_CHECK(!payload.error().code.empty());
    return 0;
  }
  FUZZ_CHECK(ledger::EncodePayload(*payload) == Bytes(data, data + size));
  FUZZ_CHECK(ledger::ValidatePayload(*payload).ok());
  FUZZ_CHECK(payload->fields.size() <= ledger::kMaxPayloadFields);
  std::vector<Hash32> leaves;
  for (const auto& field : payload->fields) {
    FUZZ_CHECK(payload->Find(field.id) == &field.value);
    leaves.push_back(ledger::FieldLeaf(ledger::FieldSalt(payload->salt, field.id), field.id, field.value));
  }
  FUZZ_CHECK(ledger::CommitmentFromLeaves(leaves) == ledger::PayloadCommitment(*payload));
  return 0;
}
