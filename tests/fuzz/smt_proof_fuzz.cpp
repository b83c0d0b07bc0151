// State-index proofs (ledger/smt_proof.cpp), as a client reads the hex
// "encoded" field of GET /v1/subjects/{id} or /v1/employers/{id} and checks
// it against a block's state root. Input: a 32-byte key, then the proof.
// Invariants: canonical (re-encodes to the same bytes); against the root the
// proof itself leads to, a proof ending at the key's own leaf proves exactly
// that value and never absence, and one ending elsewhere never proves a value.
#include "ledger/smt_proof.h"
#include "tests/fuzz/fuzz_check.h"

using namespace jobcard;

JOBCARD_FUZZ_TARGET {
  if (size < 32) return 0;
  Hash32 key{};
  std::copy(data, data + 32, key.begin());
  const ByteView encoded = fuzz::Input(data + 32, size - 32);

  auto proof = ledger::DecodeSmtProof(encoded);
  if (!proof.ok()) {
    FUZZ_CHECK(!proof.error().code.empty());
    return 0;
  }
  FUZZ_CHECK(ledger::EncodeSmtProof(*proof) == Bytes(encoded.begin(), encoded.end()));
  FUZZ_CHECK(proof->siblings.size() <= ledger::kSmtDepth);
  FUZZ_CHECK(encoded.size() <= ledger::kSmtMaxProofBytes);

  // The root this proof leads to for `key` (spec/state-index.md §Proofs).
  Hash32 root = proof->leaf ? ledger::SmtLeafHash(*proof->leaf) : ledger::kSmtEmptyHash;
  for (std::size_t depth = proof->siblings.size(); depth-- > 0;) {
    const Hash32& sibling = proof->siblings[depth];
    root = ledger::SmtKeyBit(key, depth) ? ledger::SmtInternalHash(sibling, root)
                                         : ledger::SmtInternalHash(root, sibling);
  }
  const bool own_leaf = proof->leaf && proof->leaf->key == key;
  if (own_leaf) {
    FUZZ_CHECK(ledger::VerifySmtProof(root, key, proof->leaf->value_hash, *proof).ok());
    FUZZ_CHECK(!ledger::VerifySmtProof(root, key, std::nullopt, *proof).ok());
  } else {
    Hash32 any_value{};
    any_value[0] = data[0];
    FUZZ_CHECK(!ledger::VerifySmtProof(root, key, any_value, *proof).ok());
    (void)ledger::VerifySmtProof(root, key, std::nullopt, *proof);
  }
  return 0;
}
