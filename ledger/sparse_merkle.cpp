// Reads of the sparse Merkle tree: one walk from the root towards a key,
// which is at once the lookup and the proof.
#include "ledger/sparse_merkle.h"

#include <algorithm>
#include <string>

namespace jobcard::ledger {

Result<SmtProof> SmtProve(const SmtNodeStore& store, const Hash32& root, const Hash32& key) {
  SmtProof proof;
  Hash32 hash = root;
  while (hash != kSmtEmptyHash) {
    auto node = store.GetNode(hash, SmtNodePosition{proof.siblings.size(), key});
    if (!node.ok()) return node.error();
    if (const auto* leaf = std::get_if<SmtLeaf>(&*node)) {
      proof.leaf = *leaf;
      break;
    }
    const std::size_t depth = proof.siblings.size();
    if (depth >= kSmtDepth) {
      return MakeError("smt.corrupt_tree", "an internal node at depth 256 under root " + ToHex(root));
    }
    const auto& internal = std::get<SmtInternal>(*node);
    const bool right = SmtKeyBit(key, depth);
    proof.siblings.push_back(right ? internal.left : internal.right);
    hash = right ? internal.right : internal.left;
  }
  return proof;
}

Result<std::optional<Hash32>> SmtGet(const SmtNodeStore& store, const Hash32& root, const Hash32& key) {
  auto proof = SmtProve(store, root, key);
  if (!proof.ok()) return proof.error();
  if (proof->leaf.has_value() && proof->leaf->key == key) return std::optional<Hash32>(proof->leaf->value_hash);
  return std::optional<Hash32>();
}

Result<std::vector<Hash32>> SmtReachable(const SmtNodeStore& store, const Hash32& root) {
  std::vector<Hash32> reachable;
  // (hash, position) pairs still to read; a path is at most 256 internal nodes deep.
  std::vector<std::pair<Hash32, SmtNodePosition>> pending;
  if (root != kSmtEmptyHash) pending.emplace_back(root, SmtNodePosition{});
  while (!pending.empty()) {
    const auto [hash, at] = pending.back();
    pending.pop_back();
    auto node = store.GetNode(hash, at);
    if (!node.ok()) return node.error();
    reachable.push_back(hash);
    const auto* internal = std::get_if<SmtInternal>(&*node);
    if (!internal) continue;
    if (at.depth >= kSmtDepth) return MakeError("smt.corrupt_tree", "an internal node at depth 256 under root " + ToHex(root));
    if (internal->left != kSmtEmptyHash) pending.emplace_back(internal->left, SmtNodePosition{at.depth + 1, SmtWithBit(at.path, at.depth, false)});
    if (internal->right != kSmtEmptyHash) pending.emplace_back(internal->right, SmtNodePosition{at.depth + 1, SmtWithBit(at.path, at.depth, true)});
  }
  std::sort(reachable.begin(), reachable.end());
  return reachable;
}

}  // namespace jobcard::ledger
