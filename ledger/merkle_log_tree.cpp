#include "ledger/merkle_log_tree.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <string>

#include "ledger/merkle_log.h"

namespace jobcard::ledger {
namespace {

// One hash per level: the complete subtrees a range splits into, at most one
// per level, indexed by level.
using Subtrees = std::array<Hash32, kMaxLogLevel + 1>;

bool HasLevel(std::uint64_t count, unsigned level) { return ((count >> level) & 1) != 0; }

Error SizeBeyondLog(std::uint64_t size, std::uint64_t current_size) {
  return MakeError("merkle.bad_size", "size " + std::to_string(size) +
                                          " is beyond the log's size " +
                                          std::to_string(current_size));
}

// Reads the complete subtrees that the leaf range [begin, end) splits into:
// one of 2^level leaves for each set bit `level` of end - begin, largest
// leftmost. That split is RFC 9162's own (MTH splits at the largest power of
// two below the size) provided begin is a multiple of the largest part, which
// holds for every range a proof asks for; asserted per node.
Status ReadSubtrees(const LogNodeStore& store, std::uint64_t begin, std::uint64_t end,
                    Subtrees& out) {
  assert(begin <= end);
  const std::uint64_t count = end - begin;
  std::uint64_t position = end;
  for (unsigned level = 0; level <= kMaxLogLevel; ++level) {
    if (!HasLevel(count, level)) continue;
    const std::uint64_t width = std::uint64_t{1} << level;
    position -= width;
    assert((position & (width - 1)) == 0);
    std::optional<Hash32> node = store.Get(static_cast<std::uint8_t>(level), position >> level);
    if (!node) {
      return MakeError("merkle.missing_node", "log node (level " + std::to_string(level) +
                                                  ", index " +
                                                  std::to_string(position >> level) +
                                                  ") is not stored");
    }
    out[level] = *node;
  }
  return Status::Ok();
}

// MTH of a range from its complete subtrees: the right-most (smallest) is
// the innermost right child, so fold from the lowest level up.
Hash32 FoldSubtrees(const Subtrees& subtrees, std::uint64_t count) {
  assert(count > 0);
  const auto lowest = static_cast<unsigned>(std::countr_zero(count));
  Hash32 acc = subtrees[lowest];
  for (unsigned level = lowest + 1; level <= kMaxLogLevel; ++level) {
    if (HasLevel(count, level)) acc = NodeHash(subtrees[level], acc);
  }
  return acc;
}

// MTH(D[begin:end]) for a non-empty range of the shape ReadSubtrees accepts.
Result<Hash32> RangeHash(const LogNodeStore& store, std::uint64_t begin, std::uint64_t end) {
  Subtrees subtrees;
  JOBCARD_TRY_STATUS(ReadSubtrees(store, begin, end, subtrees));
  return FoldSubtrees(subtrees, end - begin);
}

// Where RFC 9162 splits D[lo:hi] (hi - lo > 1): after the largest power of
// two below its width.
std::uint64_t Split(std::uint64_t lo, std::uint64_t hi) {
  return lo + std::bit_floor(hi - lo - 1);
}

// One step down a proof walk: narrows [lo, hi) to its left or right half at
// mid and adds the other half, the sibling, to the proof.
Status Descend(const LogNodeStore& store, bool left, std::uint64_t mid, std::uint64_t& lo,
               std::uint64_t& hi, std::vector<Hash32>& proof) {
  Result<Hash32> sibling = left ? RangeHash(store, mid, hi) : RangeHash(store, lo, mid);
  if (!sibling.ok()) return sibling.error();
  proof.push_back(*sibling);
  if (left) {
    hi = mid;
  } else {
    lo = mid;
  }
  return Status::Ok();
}

// The number of complete subtrees (leaves included) that end in
// (old_size, new_size]: exactly the nodes an append writes.
std::size_t NewNodeCount(std::uint64_t old_size, std::uint64_t new_size) {
  std::uint64_t total = 0;
  for (unsigned level = 0; level <= kMaxLogLevel; ++level) {
    total += (new_size >> level) - (old_size >> level);
  }
  return static_cast<std::size_t>(total);
}

}  // namespace

Result<AppendResult> MerkleLog::Append(const LogNodeStore& store, std::uint64_t current_size,
                                       const std::vector<Hash32>& leaf_hashes) {
  if (leaf_hashes.size() > UINT64_MAX - current_size) {
    return MakeError("merkle.log_full", "the log cannot hold more than 2^64 - 1 leaves");
  }
  // The frontier: the complete subtrees of the current tree still waiting
  // for a right sibling. Only these are read, O(log n) however large the log.
  Subtrees frontier;
  JOBCARD_TRY_STATUS(ReadSubtrees(store, 0, current_size, frontier));

  AppendResult result;
  result.writes.reserve(NewNodeCount(current_size, current_size + leaf_hashes.size()));
  std::uint64_t size = current_size;
  for (const Hash32& leaf : leaf_hashes) {
    // Like incrementing a binary counter: each set low bit of the position is
    // a waiting left sibling that the new leaf's subtree now completes.
    const std::uint64_t position = size;
    result.writes.push_back(LogNodeWrite{LogNodeId{0, position}, leaf});
    Hash32 node = leaf;
    unsigned level = 0;
    while (HasLevel(position, level)) {
      node = NodeHash(frontier[level], node);
      ++level;
      assert(level <= kMaxLogLevel);  // position < 2^64 - 1
      result.writes.push_back(
          LogNodeWrite{LogNodeId{static_cast<std::uint8_t>(level), position >> level}, node});
    }
    frontier[level] = node;
    ++size;
  }
  result.new_size = size;
  result.root = size == 0 ? EmptyRoot() : FoldSubtrees(frontier, size);
  return result;
}

Result<Hash32> MerkleLog::Root(const LogNodeStore& store, std::uint64_t current_size,
                               std::uint64_t size) {
  if (size > current_size) return SizeBeyondLog(size, current_size);
  if (size == 0) return EmptyRoot();
  return RangeHash(store, 0, size);
}

Result<std::vector<Hash32>> MerkleLog::InclusionProof(const LogNodeStore& store,
                                                      std::uint64_t current_size,
                                                      std::uint64_t index, std::uint64_t size) {
  if (size > current_size) return SizeBeyondLog(size, current_size);
  if (index >= size) {
    return MakeError("merkle.bad_index", "leaf index " + std::to_string(index) +
                                             " is not below tree size " + std::to_string(size));
  }
  // PATH(index, D[lo:hi]) unrolled from the root down: at each split the
  // sibling of the half holding the leaf joins the proof. Only the first
  // right sibling can be an incomplete subtree; every later range is perfect.
  std::vector<Hash32> proof;
  proof.reserve(InclusionProofLength(index, size));
  std::uint64_t lo = 0;
  std::uint64_t hi = size;
  while (hi - lo > 1) {
    const std::uint64_t mid = Split(lo, hi);
    JOBCARD_TRY_STATUS(Descend(store, index < mid, mid, lo, hi, proof));
  }
  // RFC order is leaf-side first.
  std::reverse(proof.begin(), proof.end());
  return proof;
}

Result<std::vector<Hash32>> MerkleLog::ConsistencyProof(const LogNodeStore& store,
                                                        std::uint64_t current_size,
                                                        std::uint64_t size1,
                                                        std::uint64_t size2) {
  if (size2 > current_size) return SizeBeyondLog(size2, current_size);
  if (size1 > size2) {
    return MakeError("merkle.bad_size", "old size " + std::to_string(size1) +
                                            " exceeds new size " + std::to_string(size2));
  }
  std::vector<Hash32> proof;
  if (size1 == 0 || size1 == size2) return proof;
  proof.reserve(ConsistencyProofLength(size1, size2));

  // SUBPROOF(size1, D[lo:hi], whole_old_tree) unrolled from the root down;
  // invariant lo < size1 <= hi. Going left, the right half is new data;
  // going right, the left half is shared and the old tree is no longer a
  // single node of the new one.
  std::uint64_t lo = 0;
  std::uint64_t hi = size2;
  bool whole_old_tree = true;
  while (size1 != hi) {
    const std::uint64_t mid = Split(lo, hi);
    const bool left = size1 <= mid;
    if (!left) whole_old_tree = false;
    JOBCARD_TRY_STATUS(Descend(store, left, mid, lo, hi, proof));
  }
  // The seed: the old tree's last complete subtree, unless it is the whole
  // old tree, which the verifier holds as root1.
  if (!whole_old_tree) {
    Result<Hash32> seed = RangeHash(store, lo, hi);
    if (!seed.ok()) return seed.error();
    proof.push_back(*seed);
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

}  // namespace jobcard::ledger
