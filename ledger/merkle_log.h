// RFC 9162 (Certificate Transparency v2) Merkle tree hashing and proof
// verification with SHA-256 (spec/merkle-log.md). Pure functions of their
// arguments: no storage, no state, safe to call from any thread.
//
// Verification is what a matcher or light client runs on data from an
// untrusted peer, so every input is checked: indices and sizes first, then the
// exact proof length the sizes imply (before any hashing), then the roots.
// Error codes (stable):
//   merkle.bad_index     leaf index >= tree size
//   merkle.bad_size      size1 > size2
//   merkle.proof_length  the proof has a different number of hashes than the
//                        sizes require
//   merkle.root_mismatch the recomputed root differs from the claimed one
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/result.h"

namespace jobcard::ledger {

// The longest proofs any pair of 64-bit sizes can need. An inclusion proof has
// one hash per level of the path, at most ceil(log2(2^64 - 1)) = 64. A
// consistency proof can need one more: e.g. (3, 2^64 - 1) is 65 hashes, since
// the old tree's root is not a node of the new tree and its seed hash must be
// sent along with 64 siblings. Callers decoding proofs off the wire may use
// these to bound allocation before the sizes are known.
inline constexpr std::size_t kMaxInclusionProofHashes = 64;
inline constexpr std::size_t kMaxConsistencyProofHashes = 65;

// SHA-256(0x00 || leaf_data): the hash of one log entry.
Hash32 LeafHash(ByteView leaf_data);

// SHA-256(0x01 || left || right): an interior node. The distinct prefixes
// keep a leaf from ever being passed off as an interior node.
Hash32 NodeHash(const Hash32& left, const Hash32& right);

// MTH of the empty tree, SHA-256 of the empty string.
Hash32 EmptyRoot();

// The exact number of hashes in the inclusion proof of leaf `index` in a tree
// of `tree_size` leaves. Precondition: index < tree_size (asserted).
std::size_t InclusionProofLength(std::uint64_t index, std::uint64_t tree_size);

// The exact number of hashes in the consistency proof from size1 to size2;
// 0 when size1 == 0 or size1 == size2. Precondition: size1 <= size2 (asserted).
std::size_t ConsistencyProofLength(std::uint64_t size1, std::uint64_t size2);

// RFC 9162 §2.1.3.2: proves the leaf whose hash is `leaf_hash` sits at
// `index` in the tree of `tree_size` leaves whose root is `root`.
// Note the proof authenticates the leaf's position, not tree_size itself:
// the size is bound to the root by the signed block header that carries it.
[[nodiscard]] Status VerifyInclusion(const Hash32& leaf_hash, std::uint64_t index,
                                     std::uint64_t tree_size, const std::vector<Hash32>& proof,
                                     const Hash32& root);

// RFC 9162 §2.1.4.2: proves the tree of size2 leaves with root2 extends the
// tree of size1 leaves with root1. Equal sizes need an empty proof and equal
// roots; size1 == 0 needs an empty proof and root1 == EmptyRoot().
[[nodiscard]] Status VerifyConsistency(std::uint64_t size1, std::uint64_t size2,
                                       const Hash32& root1, const Hash32& root2,
                                       const std::vector<Hash32>& proof);

}  // namespace jobcard::ledger
