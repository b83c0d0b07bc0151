// `jobcard node check`: verifies a node's database offline (spec/storage.md,
// Checking a data directory).
//
// The check replays the stored chain from genesis into a second, empty store
// (`replay`) with the same code a node commits with, and holds the stored
// data against it:
//   1. every table file's block checksums (a flipped byte on disk);
//   2. for each height from 1 to the tip: the block row decodes, links to its
//      parent (previous_hash), its transactions are stored under their ids
//      with the right location, re-executing them gives the stored header
//      (tx root, state root, log root and size, validator set hashes), and
//      its certificate verifies against the validator set in force at that
//      height (the replay's, so validator set changes are followed);
//   3. the stored tip record equals the replay's;
//   4. every row of every column family equals the replay's: the tx, block
//      hash and employer indexes (and the subject index, empty from store
//      format 6, so a row left there is an extra row), the entry-log and
//      state-index nodes, every state record (entry records only for marked
//      entries from format 7, so an unmarked one is an extra row) and the
//      key -> subject index.
//      A missing, extra or altered row is found.
// It stops at the first inconsistency and names it (height, what, expected
// vs found). I/O stays in the two stores; this file only compares.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "ledger/chain_store.h"

namespace jobcard::ledger {

struct CheckProblem {
  std::uint64_t height = 0;  // the block it concerns; for a state row, the tip it was checked at
  std::string what;          // e.g. "block 3: state_root differs from re-execution"
  std::string expected;      // what a consistent store holds (from the replay)
  std::string found;         // what this store holds
};

struct ChainCheckReport {
  std::uint64_t tip_height = 0;
  std::uint64_t blocks_checked = 0;  // blocks that passed every check of step 2
  std::uint64_t rows_compared = 0;   // rows of step 4 that matched
  std::optional<CheckProblem> problem;
  bool ok() const { return !problem.has_value(); }
};

struct ChainCheckOptions {
  // Called with a line such as "checked block 1000 of 5234" every
  // `progress_every_blocks` blocks and at each phase; may be empty.
  std::function<void(const std::string& line)> progress;
  std::uint64_t progress_every_blocks = 1000;
};

// `stored`: the database under check, as Open left it (so with every
// state-index page written: a store that has committed blocks since may
// hold some in memory, and its page rows then differ). `replay`: a store freshly opened on an
// empty directory with the same genesis; it is written (the replayed chain).
// An error is returned only when the replay store itself fails (disk full);
// every inconsistency of `stored` is a problem in the report.
Result<ChainCheckReport> CheckChain(const ChainStore& stored, ChainStore& replay, const ChainCheckOptions& options = {});

// Step 4 alone: the first row of any family where `stored` and `replay`
// differ (CheckChain runs it after replaying to the tip).
std::optional<CheckProblem> CompareStoreRows(const ChainStore& stored, const ChainStore& replay,
                                             std::uint64_t& rows_compared);

}  // namespace jobcard::ledger
