// Proofs that a key of the state index holds a value, or holds none, under a
// given root; their verification and canonical encoding (spec/state-index.md).
// Verification needs nothing but the root: no store, no tree.
#pragma once

#include <optional>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/result.h"
#include "ledger/smt_node.h"

namespace jobcard::ledger {

// The path from the root towards `key` down to where the walk stopped.
struct SmtProof {
  // The node at the end of the path: nullopt when it is the empty subtree,
  // otherwise the one leaf there. For an inclusion proof it is the key's own
  // leaf; for a non-inclusion proof it is another key's leaf whose subtree
  // the key would fall into.
  std::optional<SmtLeaf> leaf;
  // siblings[d] is the hash of the sibling of the path's node at depth d + 1,
  // root side first; kSmtEmptyHash for an empty sibling. At most kSmtDepth.
  std::vector<Hash32> siblings;

  bool operator==(const SmtProof&) const = default;
};

// `value` set: checks that under `root`, `key` maps to *value.
// `value` nullopt: checks that under `root`, `key` has no value.
// Error codes: smt.proof_malformed, smt.key_absent (inclusion asked, the
// proof shows no leaf for the key), smt.value_mismatch, smt.key_present
// (non-inclusion asked, the proof shows the key's leaf), smt.root_mismatch.
Status VerifySmtProof(const Hash32& root, const Hash32& key, const std::optional<Hash32>& value,
                      const SmtProof& proof);

// The largest encoding: a leaf terminal and 256 non-empty siblings.
inline constexpr std::size_t kSmtMaxProofBytes = 1 + 64 + 2 + 32 + 2 + kSmtDepth * 32;

// Canonical encoding: each proof has exactly one. Empty siblings are marked in
// a bitmap rather than written, so a typical proof is about log2(n) hashes.
Bytes EncodeSmtProof(const SmtProof& proof);
// Rejects truncation, trailing bytes, counts above 256 and every
// non-canonical form (see spec/state-index.md). Never throws.
Result<SmtProof> DecodeSmtProof(ByteView bytes);

}  // namespace jobcard::ledger
