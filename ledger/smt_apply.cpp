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
//
// Besides the nodes by hash (writes, stale) it reports the change by
// position (vacate, place) to an SmtPositionSink, for a store that keeps
// nodes where they sit: SmtApply collects them in vectors, a store of pages
// applies them to its pages as the walk goes (SmtApplyToPages).
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
// node not read. `node` is set when the subtree's top node is not already
// stored where the subtree now sits (a new node, or a leaf that moved):
// whoever gives the subtree its final position places it there.
struct Subtree {
  Hash32 hash;
  Kind kind;
  std::optional<SmtNode> node;
};

const Subtree kEmptySubtree{kSmtEmptyHash, Kind::kEmpty, std::nullopt};

Error CorruptTree(std::size_t depth) {
  return MakeError("smt.corrupt_tree",
                   "an internal node at depth " + std::to_string(depth) + " (the maximum is 255)");
}

bool HashLess(const std::pair<Hash32, SmtNode>& a, const std::pair<Hash32, SmtNode>& b) {
  return a.first < b.first;
}

SmtNodePosition ChildOf(std::size_t depth, const Hash32& path, bool right) {
  return SmtNodePosition{depth + 1, SmtWithBit(path, depth, right)};
}

class Updater {
 public:
  Updater(const SmtNodeStore& store, bool by_hash, SmtPositionSink& positions)
      : store_(store), by_hash_(by_hash), positions_(positions) {}

  // The subtree at `depth` on `path` (its first `depth` bits), whose old
  // top node is `hash`, after `changes` (all of them keys on that path).
  Result<Subtree> Update(const Hash32& hash, std::size_t depth, const Hash32& path, ChangeSpan changes) {
    if (changes.empty()) return Subtree{hash, hash == kSmtEmptyHash ? Kind::kEmpty : Kind::kUnknown, std::nullopt};
    if (hash == kSmtEmptyHash) return Build(depth, MergeLeaves(changes, std::nullopt));
    auto node = store_.GetNode(hash, SmtNodePosition{depth, path});
    if (!node.ok()) return node.error();
    if (by_hash_) removed_.push_back(hash);
    positions_.Vacate(SmtNodePosition{depth, path});
    if (const auto* leaf = std::get_if<SmtLeaf>(&*node)) return Build(depth, MergeLeaves(changes, *leaf));
    if (depth >= kSmtDepth) return CorruptTree(depth);
    const auto& internal = std::get<SmtInternal>(*node);
    const auto split = SplitAt(changes, depth);
    auto left = Update(internal.left, depth + 1, SmtWithBit(path, depth, false), changes.first(split));
    if (!left.ok()) return left.error();
    auto right = Update(internal.right, depth + 1, SmtWithBit(path, depth, true), changes.subspan(split));
    if (!right.ok()) return right.error();
    return Join(depth, path, std::move(*left), std::move(*right));
  }

  // The root sits at depth 0.
  void PlaceRoot(const Subtree& root) { Place(root, SmtNodePosition{}); }

  // The by-hash view (`writes`, `stale`) of `update`, when asked for.
  void FinishByHash(SmtUpdate& update) {
    if (!by_hash_) return;
    std::sort(created_.begin(), created_.end(), HashLess);
    std::sort(removed_.begin(), removed_.end());
    // A node can leave one place and come back at another (a leaf moving up
    // or down a level has the same hash), or be rebuilt unchanged: such a node
    // is neither written nor stale (by hash; by position it has moved).
    std::vector<Hash32> created_hashes;
    created_hashes.reserve(created_.size());
    for (const auto& [hash, node] : created_) {
      created_hashes.push_back(hash);
      if (!std::binary_search(removed_.begin(), removed_.end(), hash)) update.writes.emplace_back(hash, node);
    }
    std::set_difference(removed_.begin(), removed_.end(), created_hashes.begin(), created_hashes.end(),
                        std::back_inserter(update.stale));
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
    return CreateInternal(depth, leaves.front().key, left, right);
  }

  Result<Subtree> Join(std::size_t depth, const Hash32& path, Subtree left, Subtree right) {
    if (left.kind == Kind::kEmpty && right.kind == Kind::kEmpty) return kEmptySubtree;
    if (left.kind == Kind::kEmpty || right.kind == Kind::kEmpty) {
      const bool only_right = left.kind == Kind::kEmpty;
      Subtree& only = only_right ? right : left;
      auto known = Resolve(only, ChildOf(depth, path, only_right));
      if (!known.ok()) return known.error();
      only = std::move(*known);
      if (only.kind == Kind::kLeaf) return std::move(only);  // a lone leaf moves up
    }
    return CreateInternal(depth, path, left, right);
  }

  // Only an untouched subtree whose sibling has just emptied needs a read;
  // if it is a leaf it leaves `at` to move up, so it needs placing again.
  Result<Subtree> Resolve(const Subtree& subtree, const SmtNodePosition& at) {
    if (subtree.kind != Kind::kUnknown) return subtree;
    auto node = store_.GetNode(subtree.hash, at);
    if (!node.ok()) return node.error();
    if (!std::holds_alternative<SmtLeaf>(*node)) return Subtree{subtree.hash, Kind::kInternal, std::nullopt};
    positions_.Vacate(at);
    return Subtree{subtree.hash, Kind::kLeaf, std::move(*node)};
  }

  // The internal node at `depth` on `path` over `left` and `right`, which
  // take their final positions: its children's.
  Subtree CreateInternal(std::size_t depth, const Hash32& path, const Subtree& left, const Subtree& right) {
    Place(left, ChildOf(depth, path, false));
    Place(right, ChildOf(depth, path, true));
    return Create(SmtNode{SmtInternal{left.hash, right.hash}}, Kind::kInternal);
  }

  void Place(const Subtree& subtree, const SmtNodePosition& at) {
    if (subtree.node.has_value()) positions_.Place(at, subtree.hash, *subtree.node);
  }

  Subtree Create(SmtNode node, Kind kind) {
    const Hash32 hash = SmtNodeHash(node);
    if (by_hash_) created_.emplace_back(hash, node);
    return Subtree{hash, kind, std::move(node)};
  }

  const SmtNodeStore& store_;
  const bool by_hash_;
  SmtPositionSink& positions_;
  std::vector<std::pair<Hash32, SmtNode>> created_;
  std::vector<Hash32> removed_;
};

// SmtApply's view by position: the sink's calls, kept in order.
class PositionLists final : public SmtPositionSink {
 public:
  explicit PositionLists(SmtUpdate& update) : update_(update) {}
  void Vacate(const SmtNodePosition& at) override { update_.vacated.push_back(at); }
  void Place(const SmtNodePosition& at, const Hash32& hash, const SmtNode& node) override {
    update_.placed.push_back(SmtPlacedNode{at, hash, node});
  }

 private:
  SmtUpdate& update_;
};

// The changes sorted by key (pointing into `changes`), or smt.duplicate_key.
Result<std::vector<Change>> SortedChanges(const SmtChanges& changes) {
  std::vector<Change> sorted;
  sorted.reserve(changes.size());
  for (const auto& [key, value_hash] : changes) sorted.push_back(Change{&key, &value_hash});
  std::sort(sorted.begin(), sorted.end(), [](const Change& a, const Change& b) { return *a.key < *b.key; });
  const auto duplicate = std::adjacent_find(sorted.begin(), sorted.end(),
                                            [](const Change& a, const Change& b) { return *a.key == *b.key; });
  if (duplicate != sorted.end()) {
    return MakeError("smt.duplicate_key", "two changes for key " + ToHex(*duplicate->key));
  }
  return sorted;
}

}  // namespace

Result<SmtUpdate> SmtApply(const SmtNodeStore& store, const Hash32& old_root, const SmtChanges& changes,
                           SmtUpdateViews views) {
  auto sorted = SortedChanges(changes);
  if (!sorted.ok()) return sorted.error();
  SmtUpdate update;
  PositionLists positions(update);
  Updater updater(store, views == SmtUpdateViews::kByHashAndPosition, positions);
  auto root = updater.Update(old_root, 0, Hash32{}, *sorted);
  if (!root.ok()) return root.error();
  updater.PlaceRoot(*root);
  update.root = root->hash;
  updater.FinishByHash(update);
  return update;
}

Result<Hash32> SmtApplyByPosition(const SmtNodeStore& store, const Hash32& old_root, const SmtChanges& changes,
                                  SmtPositionSink& positions) {
  auto sorted = SortedChanges(changes);
  if (!sorted.ok()) return sorted.error();
  Updater updater(store, /*by_hash=*/false, positions);
  auto root = updater.Update(old_root, 0, Hash32{}, *sorted);
  if (!root.ok()) return root.error();
  updater.PlaceRoot(*root);
  return root->hash;
}

}  // namespace jobcard::ledger
