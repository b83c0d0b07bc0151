#include "ledger/merkle_log.h"

#include <bit>
#include <cassert>
#include <cstring>
#include <string>

#include "crypto/hash.h"

namespace jobcard::ledger {
namespace {

constexpr std::uint8_t kLeafPrefix = 0x00;
constexpr std::uint8_t kNodePrefix = 0x01;

// Shifts by 64 are undefined in C++; a 64-bit size can make the shift count 64.
std::uint64_t ShiftRight(std::uint64_t value, unsigned shift) {
  return shift >= 64 ? 0 : value >> shift;
}

// An inclusion path splits into an inner part (levels where the leaf's
// subtree has a right or left sibling inside the perfect subtree shared with
// the last leaf) and a border part (one left sibling per set bit above it).
// Same decomposition as RFC 9162's fn/sn loop, counted without hashing.
std::size_t InnerLength(std::uint64_t index, std::uint64_t tree_size) {
  return static_cast<std::size_t>(std::bit_width(index ^ (tree_size - 1)));
}

std::size_t BorderLength(std::uint64_t index, std::size_t inner) {
  return static_cast<std::size_t>(std::popcount(ShiftRight(index, static_cast<unsigned>(inner))));
}

// The step both RFC 9162 verifiers share (§2.1.3.2 step 4b-c, §2.1.4.2
// step 6b-c): fn walks up from the proven leaf, sn from the tree's last leaf.
// Says whether the next proof hash is a left sibling, and moves both up,
// skipping the levels where fn sits on the right border with no sibling.
bool NextSiblingIsLeft(std::uint64_t& fn, std::uint64_t& sn) {
  const bool left = (fn & 1) != 0 || fn == sn;
  if (left) {
    while ((fn & 1) == 0 && fn != 0) {
      fn >>= 1;
      sn >>= 1;
    }
  }
  fn >>= 1;
  sn >>= 1;
  return left;
}

Status ProofLengthError(std::size_t got, std::size_t want) {
  return MakeError("merkle.proof_length", "proof has " + std::to_string(got) +
                                              " hashes, the sizes require " +
                                              std::to_string(want));
}

}  // namespace

Hash32 LeafHash(ByteView leaf_data) {
  return crypto::Sha256Hasher().Update(ByteView(&kLeafPrefix, 1)).Update(leaf_data).Finish();
}

Hash32 NodeHash(const Hash32& left, const Hash32& right) {
  // One stack buffer and a single-shot hash (log nodes are public): appends
  // and proofs hash this per node.
  std::uint8_t buffer[1 + 2 * 32];
  buffer[0] = kNodePrefix;
  std::memcpy(buffer + 1, left.data(), 32);
  std::memcpy(buffer + 33, right.data(), 32);
  return crypto::Sha256Public(ByteView(buffer, sizeof(buffer)));
}

Hash32 EmptyRoot() { return crypto::Sha256(ByteView()); }

std::size_t InclusionProofLength(std::uint64_t index, std::uint64_t tree_size) {
  assert(index < tree_size);
  const std::size_t inner = InnerLength(index, tree_size);
  return inner + BorderLength(index, inner);
}

std::size_t ConsistencyProofLength(std::uint64_t size1, std::uint64_t size2) {
  assert(size1 <= size2);
  if (size1 == 0 || size1 == size2) return 0;
  // The proof is the inclusion path of the old tree's last leaf, minus the
  // levels below the largest perfect subtree the old tree ends with (that
  // subtree's hash is the seed), plus the seed itself unless it is the whole
  // old tree (size1 a power of two: the verifier already holds root1).
  const std::size_t inner = InnerLength(size1 - 1, size2);
  const std::size_t border = BorderLength(size1 - 1, inner);
  const auto shift = static_cast<std::size_t>(std::countr_zero(size1));
  assert(shift < inner);
  const std::size_t seed = std::has_single_bit(size1) ? 0 : 1;
  return seed + (inner - shift) + border;
}

Status VerifyInclusion(const Hash32& leaf_hash, std::uint64_t index, std::uint64_t tree_size,
                       const std::vector<Hash32>& proof, const Hash32& root) {
  // Step 1.
  if (index >= tree_size) {
    return MakeError("merkle.bad_index", "leaf index " + std::to_string(index) +
                                             " is not below tree size " +
                                             std::to_string(tree_size));
  }
  // Not in the RFC: the exact length is known from the sizes, so a wrong one
  // is rejected before any hashing and the loop below is bounded by 64.
  const std::size_t want = InclusionProofLength(index, tree_size);
  if (proof.size() != want) return ProofLengthError(proof.size(), want);

  // Steps 2-5.
  std::uint64_t fn = index;
  std::uint64_t sn = tree_size - 1;
  Hash32 r = leaf_hash;
  for (const Hash32& p : proof) {
    if (sn == 0) return ProofLengthError(proof.size(), want);
    r = NextSiblingIsLeft(fn, sn) ? NodeHash(p, r) : NodeHash(r, p);
  }
  if (sn != 0) return ProofLengthError(proof.size(), want);
  if (r != root) {
    return MakeError("merkle.root_mismatch", "inclusion proof does not lead to the root");
  }
  return Status::Ok();
}

Status VerifyConsistency(std::uint64_t size1, std::uint64_t size2, const Hash32& root1,
                         const Hash32& root2, const std::vector<Hash32>& proof) {
  if (size1 > size2) {
    return MakeError("merkle.bad_size", "old size " + std::to_string(size1) +
                                            " exceeds new size " + std::to_string(size2));
  }
  const std::size_t want = ConsistencyProofLength(size1, size2);
  if (proof.size() != want) return ProofLengthError(proof.size(), want);
  // The trivial cases RFC 9162 leaves to the caller: every tree extends the
  // empty one, and a tree extends itself only with the same root.
  if (size1 == 0 && root1 != EmptyRoot()) {
    return MakeError("merkle.root_mismatch", "the root of size 0 must be the empty root");
  }
  if (size1 == size2) {
    if (root1 != root2) return MakeError("merkle.root_mismatch", "equal sizes, different roots");
    return Status::Ok();
  }
  if (size1 == 0) return Status::Ok();

  // Step 1: 0 < size1 < size2 here, so want >= 1 and the proof is not empty.
  // Step 2 without copying: a power-of-two old tree is itself a node of the
  // new one, so root1 is the seed; otherwise the proof's first hash is.
  const bool root1_is_seed = std::has_single_bit(size1);
  const Hash32& seed = root1_is_seed ? root1 : proof[0];
  const std::size_t first = root1_is_seed ? 0 : 1;
  // Steps 3-4.
  std::uint64_t fn = size1 - 1;
  std::uint64_t sn = size2 - 1;
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  // Step 5.
  Hash32 fr = seed;
  Hash32 sr = seed;
  // Step 6: left siblings belong to both trees, right siblings only to the new.
  for (std::size_t i = first; i < proof.size(); ++i) {
    const Hash32& c = proof[i];
    if (sn == 0) return ProofLengthError(proof.size(), want);
    if (NextSiblingIsLeft(fn, sn)) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
    } else {
      sr = NodeHash(sr, c);
    }
  }
  // Step 7.
  if (sn != 0) return ProofLengthError(proof.size(), want);
  if (fr != root1) {
    return MakeError("merkle.root_mismatch", "consistency proof does not lead to the old root");
  }
  if (sr != root2) {
    return MakeError("merkle.root_mismatch", "consistency proof does not lead to the new root");
  }
  return Status::Ok();
}

}  // namespace jobcard::ledger
