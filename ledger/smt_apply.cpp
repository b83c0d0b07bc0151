// SmtApply: a batch update of the sparse Merkle tree (the tree's shape is
// described in smt_node.h).
//
// The changes are sorted by key, so the changes under any subtree form one
// contiguous run and the run splits in two at the subtree's next key bit.
// Update() descends only into subtrees that have changes, which reads and
// rehashes each node on the changed paths once however many changes share it.
// Where it reaches an empty subtree or a single leaf, everything below is
// rebuilt from the sorted list of leaves it must hold. On the way up, Join()
// restores the shape rule: an internal node left with one leaf and one empty
// side is replaced by that leaf.
#include <algorithm>
#include <cassert>
#include <iterator>
#include <span>
#include <string>

#include "ledger/sparse_merkle.h"

namespace jobcard::ledger {
namespace {

struct Change {
  const Hash32* key;
  const std::optional<Hash32>* value_hash;
};
using ChangeSpan = std::span<const Change>;

enum class Kind { kEmpty, kLeaf, kInternal, kUnknown };

// A subtree of the new tree; kUnknown when it was left untouched and its
// node not read.
struct Subtree {
  Hash32 hash;
  Kind kind;
};

constexpr Subtree kEmptySubtree{kSmtEmptyHash, Kind::kEmpty};

Error CorruptTree(std::size_t depth) {
  return MakeError("smt.corrupt_tree",
                   "an internal node at depth " + std::to_string(depth) + " (the maximum is 255)");
}

bool HashLess(const std::pair<Hash32, SmtNode>& a, const std::pair<Hash32, SmtNode>& b) {
  return a.first < b.first;
}

class Updater {
 public:
  explicit Updater(const SmtNodeStore& store) : store_(store) {}

  Result<Subtree> Update(const Hash32& hash, std::size_t depth, ChangeSpan changes) {
    if (changes.empty()) return Subtree{hash, hash == kSmtEmptyHash ? Kind::kEmpty : Kind::kUnknown};
    if (hash == kSmtEmptyHash) return Build(depth, MergeLeaves(changes, std::nullopt));
    auto node = store_.GetNode(hash);
    if (!node.ok()) return node.error();
    removed_.push_back(hash);
    if (const auto* leaf = std::get_if<SmtLeaf>(&*node)) return Build(depth, MergeLeaves(changes, *leaf));
    if (depth >= kSmtDepth) return CorruptTree(depth);
    const auto& internal = std::get<SmtInternal>(*node);
    const auto split = SplitAt(changes, depth);
    auto left = Update(internal.left, depth + 1, changes.first(split));
    if (!left.ok()) return left.error();
    auto right = Update(internal.right, depth + 1, changes.subspan(split));
    if (!right.ok()) return right.error();
    return Join(*left, *right);
  }

  SmtUpdate Finish(const Hash32& root) {
    std::sort(created_.begin(), created_.end(), HashLess);
    std::sort(removed_.begin(), removed_.end());
    // A node can leave one place and come back at another (a leaf moving up
    // or down a level has the same hash), or be rebuilt unchanged: such a node
    // is neither written nor stale.
    SmtUpdate update{root, {}, {}};
    std::vector<Hash32> created_hashes;
    created_hashes.reserve(created_.size());
    for (const auto& [hash, node] : created_) {
      created_hashes.push_back(hash);
      if (!std::binary_search(removed_.begin(), removed_.end(), hash)) update.writes.emplace_back(hash, node);
    }
    std::set_difference(removed_.begin(), removed_.end(), created_hashes.begin(), created_hashes.end(),
                        std::back_inserter(update.stale));
    return update;
  }

 private:
  // Changes are sorted, so those going left (next bit 0) come first.
  static std::size_t SplitAt(ChangeSpan changes, std::size_t depth) {
    const auto it = std::partition_point(changes.begin(), changes.end(),
                                         [depth](const Change& c) { return !SmtKeyBit(*c.key, depth); });
    return static_cast<std::size_t>(it - changes.begin());
  }

  // The leaves a subtree holds after `changes`, sorted by key, when before it
  // held at most the one leaf `existing`.
  static std::vector<SmtLeaf> MergeLeaves(ChangeSpan changes, const std::optional<SmtLeaf>& existing) {
    std::vector<SmtLeaf> leaves;
    leaves.reserve(changes.size() + 1);
    bool existing_handled = !existing.has_value();
    for (const Change& change : changes) {
      if (!existing_handled && existing->key <= *change.key) {
        existing_handled = true;
        if (existing->key < *change.key) leaves.push_back(*existing);
      }
      if (change.value_hash->has_value()) leaves.push_back(SmtLeaf{*change.key, **change.value_hash});
    }
    if (!existing_handled) leaves.push_back(*existing);
    return leaves;
  }

  // The canonical subtree at `depth` holding exactly `leaves` (sorted, distinct).
  Subtree Build(std::size_t depth, std::span<const SmtLeaf> leaves) {
    if (leaves.empty()) return kEmptySubtree;
    if (leaves.size() == 1) return Create(SmtNode{leaves.front()}, Kind::kLeaf);
    assert(depth < kSmtDepth);  // distinct keys differ at some bit before 256
    const auto it = std::partition_point(leaves.begin(), leaves.end(),
                                         [depth](const SmtLeaf& l) { return !SmtKeyBit(l.key, depth); });
    const auto split = static_cast<std::size_t>(it - leaves.begin());
    const Subtree left = Build(depth + 1, leaves.first(split));
    const Subtree right = Build(depth + 1, leaves.subspan(split));
    return Create(SmtNode{SmtInternal{left.hash, right.hash}}, Kind::kInternal);
  }

  Result<Subtree> Join(const Subtree& left, const Subtree& right) {
    if (left.kind == Kind::kEmpty && right.kind == Kind::kEmpty) return kEmptySubtree;
    if (left.kind == Kind::kEmpty || right.kind == Kind::kEmpty) {
      const Subtree& only = left.kind == Kind::kEmpty ? right : left;
      auto kind = KindOf(only);
      if (!kind.ok()) return kind.error();
      if (*kind == Kind::kLeaf) return Subtree{only.hash, Kind::kLeaf};  // a lone leaf moves up
    }
    return Create(SmtNode{SmtInternal{left.hash, right.hash}}, Kind::kInternal);
  }

  // Only an untouched subtree whose sibling has just emptied needs a read.
  Result<Kind> KindOf(const Subtree& subtree) const {
    if (subtree.kind != Kind::kUnknown) return subtree.kind;
    auto node = store_.GetNode(subtree.hash);
    if (!node.ok()) return node.error();
    return std::holds_alternative<SmtLeaf>(*node) ? Kind::kLeaf : Kind::kInternal;
  }

  Subtree Create(SmtNode node, Kind kind) {
    const Hash32 hash = SmtNodeHash(node);
    created_.emplace_back(hash, std::move(node));
    return Subtree{hash, kind};
  }

  const SmtNodeStore& store_;
  std::vector<std::pair<Hash32, SmtNode>> created_;
  std::vector<Hash32> removed_;
};

}  // namespace

Result<SmtUpdate> SmtApply(const SmtNodeStore& store, const Hash32& old_root, const SmtChanges& changes) {
  std::vector<Change> sorted;
  sorted.reserve(changes.size());
  for (const auto& [key, value_hash] : changes) sorted.push_back(Change{&key, &value_hash});
  std::sort(sorted.begin(), sorted.end(), [](const Change& a, const Change& b) { return *a.key < *b.key; });
  const auto duplicate = std::adjacent_find(sorted.begin(), sorted.end(),
                                            [](const Change& a, const Change& b) { return *a.key == *b.key; });
  if (duplicate != sorted.end()) {
    return MakeError("smt.duplicate_key", "two changes for key " + ToHex(*duplicate->key));
  }
  Updater updater(store);
  auto root = updater.Update(old_root, 0, sorted);
  if (!root.ok()) return root.error();
  return updater.Finish(root->hash);
}

}  // namespace jobcard::ledger
