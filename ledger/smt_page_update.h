// SmtApplyToPages: one block's update of the state index kept in pages
// (smt_page.h), computed on the pages themselves.
//
// The walk (SmtApplyByPosition) reads its nodes from decoded pages and hands
// each vacated and placed position straight to the same pages, so a block
// reads and decodes each page row it touches once and encodes each changed
// page once. Before, the walk listed ~13 positions per changed key
// (vacated, placed), and SmtPageChanges copied them into edits, sorted them
// by page, and read and decoded every page a second time to apply them
// (BENCHMARKS.md, "Session 22").
//
// The result is the same as SmtApply (positions only) followed by
// SmtPageChanges on the same rows, row for row; SmtPage tests hold the two
// against each other over random histories. Every node the walk reads is
// checked against the hash its parent names, as PagedSmtNodeStore does; the
// other nodes of a changed page are carried over as stored. Pure: the rows
// come from an SmtPageRows the caller implements.
//
// Memory: every page the update touches stays decoded (990 B each) until it
// returns, ~1.6-2.3 pages per changed key in the benchmarks' trees, so ~3-5
// MB for a block of 2,000 changes.
#pragma once

#include <cstdint>

#include "crypto/bytes.h"
#include "crypto/result.h"
#include "ledger/smt_page.h"
#include "ledger/sparse_merkle.h"

namespace jobcard::ledger {

struct SmtPageUpdate {
  Hash32 root;
  // The rows to write, sorted by key: each page with a vacated or placed
  // position, re-encoded, or nullopt where the page was left empty.
  SmtPageWrites writes;
  // The work done, for benchmarks: nodes read (each checked against its
  // parent's hash) and nodes placed.
  std::uint64_t nodes_read = 0;
  std::uint64_t nodes_placed = 0;
};

// Applies `changes` to the tree under `old_root` whose pages `rows` holds.
// Errors: those of SmtApply (smt.duplicate_key, smt.missing_node,
// smt.node_mismatch, smt.corrupt_tree), a failed row read, or a stored page
// that does not decode (its decode error's code, the page named).
Result<SmtPageUpdate> SmtApplyToPages(const SmtPageRows& rows, const Hash32& old_root, const SmtChanges& changes);

}  // namespace jobcard::ledger
