// The authenticated state index (DESIGN.md §4, spec/state-index.md): a sparse
// Merkle tree from 256-bit keys (already hashes: a subject pseudonym, the
// SHA-256 of an employer id) to 32-byte value hashes. Its root goes in every
// block header.
//
// Pure functions over a read-only SmtNodeStore: an update returns the new
// root, the nodes to write and the nodes no longer reachable (by hash, by
// position, or by position only: SmtUpdateViews), or hands the change by
// position to an SmtPositionSink as it goes (SmtApplyByPosition, which the
// chain store's pages use), and the caller commits them with the block in
// one atomic batch. Nodes are content-
// addressed, so Get and SmtProve work against any root whose nodes are still
// stored; the chain store keeps only the latest root's (spec/storage.md).
#pragma once

#include <optional>
#include <utility>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/result.h"
#include "ledger/smt_node.h"
#include "ledger/smt_proof.h"

namespace jobcard::ledger {

// The root of the tree with no keys.
inline constexpr Hash32 kSmtEmptyRoot = kSmtEmptyHash;

// (key, new value hash); nullopt deletes the key (a no-op if it is absent).
using SmtChanges = std::vector<std::pair<Hash32, std::optional<Hash32>>>;

// A node of the new tree at a position it did not hold in the old one: new,
// or moved (a leaf goes up a level when its sibling empties, down when a key
// joins it).
struct SmtPlacedNode {
  SmtNodePosition at;
  Hash32 hash;
  SmtNode node;
};

struct SmtUpdate {
  Hash32 root;
  // Nodes reachable from `root` that were not reachable from the old root,
  // sorted by hash; store each under its hash.
  std::vector<std::pair<Hash32, SmtNode>> writes;
  // Hashes of nodes reachable from the old root and not from `root`, sorted.
  // Deleting them is safe only once no retained root reaches them: a later
  // update can bring the same node back (see spec/state-index.md, Pruning).
  std::vector<Hash32> stale;
  // The same change by position, for a store that keeps nodes where they sit
  // (smt_page.h): the positions of the old tree whose node is gone (replaced
  // or emptied), and the new tree's nodes at positions they did not hold.
  // A position can be in both (replaced); untouched subtrees are in neither.
  std::vector<SmtNodePosition> vacated;
  std::vector<SmtPlacedNode> placed;
};

// What SmtApply reports: both views of the change, or `vacated` and `placed`
// alone, leaving `writes` and `stale` empty and skipping the sorts that make
// them (what SmtPageChanges needs: the two-pass reference for a store of
// pages, which itself uses SmtApplyToPages).
enum class SmtUpdateViews { kByHashAndPosition, kByPositionOnly };

// Applies `changes`, in any order, to the tree with root `old_root`. Paths
// the changes share are read and hashed once, so a batch costs about
// changes × log2(n) hashes. Errors: smt.duplicate_key (two changes for one
// key), smt.missing_node or a store error, smt.corrupt_tree.
Result<SmtUpdate> SmtApply(const SmtNodeStore& store, const Hash32& old_root,
                           const SmtChanges& changes,
                           SmtUpdateViews views = SmtUpdateViews::kByHashAndPosition);

// Where a walk reports the change by position as it goes, for a store that
// keeps nodes where they sit. The calls come in the walk's order, which
// guarantees three things a store applying them at once relies on: a
// position is vacated before it is placed; a place lands on a position that
// was empty in the old tree or already vacated; and the walk never reads a
// position after it has vacated or placed it (so pages edited in place still
// answer the walk's reads of their other slots as stored).
class SmtPositionSink {
 public:
  virtual ~SmtPositionSink() = default;
  // The old tree's node at `at` is gone (replaced, emptied, or moved).
  virtual void Vacate(const SmtNodePosition& at) = 0;
  // `node`, which hashes to `hash`, now sits at `at`.
  virtual void Place(const SmtNodePosition& at, const Hash32& hash, const SmtNode& node) = 0;
};

// SmtApply's walk with its change by position handed to `positions` as it
// goes instead of collected (and no by-hash view); returns the new root.
// Same errors as SmtApply. SmtApplyToPages (smt_page_update.h) is its user.
Result<Hash32> SmtApplyByPosition(const SmtNodeStore& store, const Hash32& old_root, const SmtChanges& changes,
                                  SmtPositionSink& positions);

// The value hash of `key` under `root`, or nullopt if it has none.
Result<std::optional<Hash32>> SmtGet(const SmtNodeStore& store, const Hash32& root,
                                     const Hash32& key);

// A proof of the key's value, or of its absence, under `root`; check it with
// VerifySmtProof.
Result<SmtProof> SmtProve(const SmtNodeStore& store, const Hash32& root, const Hash32& key);

// Every node hash reachable from `root` (the empty hash excluded), sorted:
// the nodes a store that keeps only this root's tree must hold. Reads each
// node once; errors as for SmtApply.
Result<std::vector<Hash32>> SmtReachable(const SmtNodeStore& store, const Hash32& root);

}  // namespace jobcard::ledger
