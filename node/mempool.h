// The mempool: transactions accepted by this node and not yet committed, in
// arrival order, each valid on top of the committed state and every pending
// transaction that arrived before it. So an enroll_subject followed by a
// hire for that subject both enter, and a block built from Reap's FIFO prefix
// is valid as a whole.
//
// Error codes (stable):
//   mempool.duplicate   the transaction is already pending
//   mempool.full        the pool is at its transaction or byte limit
//   validation.*        ValidateTx's reason (ledger/execution.h), e.g.
//                       tx.bad_signature, validation.duplicate_tx (already
//                       committed), validation.already_superseded
//
// Lifetime: the pool keeps a reference to the committed StateView last passed
// to Add or Update (its pending effects are an overlay on top of it). That
// view must stay alive until the next Add/Update that passes another one, or
// until the pool is destroyed. When the committed state changes (a block
// commits), call Update before the next Add: until then the overlay mixes the
// old pending effects with the new base. The Genesis a TxContext refers to is
// only used during the call.
//
// Thread safety: every method may be called from any thread; one mutex
// serialises them (validation, signatures included, runs under it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include "ledger/execution.h"

namespace jobcard::node {

struct MempoolLimits {
  std::size_t max_txs = 50000;
  std::size_t max_bytes = 64 * 1024 * 1024;  // sum of the encoded transactions
};

// A pending transaction Update removed because it is no longer valid.
struct DroppedTx {
  ledger::EntryId id{};
  Error reason;
};

class Mempool {
 public:
  explicit Mempool(MempoolLimits limits = {}) : limits_(limits) {}
  Mempool(const Mempool&) = delete;
  Mempool& operator=(const Mempool&) = delete;

  // Validates `tx` against `committed` plus the pending transactions and, if
  // valid, appends it. Returns its id. Passing a different committed view
  // than last time re-checks the pending transactions against it first (as
  // Update with no committed ids).
  Result<ledger::EntryId> Add(ledger::Tx tx, const ledger::StateView& committed, const ledger::TxContext& next_block_ctx);

  // The oldest pending transactions, in arrival order, as many as fit in
  // both limits. Stops at the first one that does not fit rather than
  // skipping it, since a later one may depend on it. Does not remove them.
  // With `ids`, also their ids (computed once, in Add), for ExecuteTxs.
  std::vector<ledger::Tx> Reap(std::size_t max_txs, std::size_t max_bytes,
                               std::vector<ledger::EntryId>* ids = nullptr) const;

  // After a block commits: removes `committed_ids`, then re-validates the
  // remaining transactions in order on top of the new `committed` state and
  // drops those that are no longer valid (each is logged and returned).
  // Signatures are not verified again: every pending transaction passed that
  // check when it was added, and its stored copy cannot change.
  std::vector<DroppedTx> Update(const ledger::StateView& committed, const ledger::TxContext& next_ctx,
                                const std::vector<ledger::EntryId>& committed_ids);

  std::size_t size() const;
  std::size_t bytes() const;  // sum of the pending transactions' encoded sizes
  std::optional<ledger::Tx> Get(const ledger::EntryId& id) const;
  bool Contains(const ledger::EntryId& id) const;
  // True when the pool holds exactly `tx` (signatures included) under `id`;
  // compared under the lock, without copying the pending transaction.
  bool HoldsIdentical(const ledger::EntryId& id, const ledger::Tx& tx) const;
  const MempoolLimits& limits() const { return limits_; }

 private:
  struct Entry {
    ledger::EntryId id{};
    ledger::Tx tx;
    std::size_t bytes = 0;
  };

  // Builds a fresh overlay on `committed` and re-applies the pending
  // transactions in order, removing the invalid ones. Requires mutex_.
  std::vector<DroppedTx> RebuildLocked(const ledger::StateView& committed, const ledger::TxContext& ctx);
  void RemoveLocked(const ledger::EntryId& id);

  const MempoolLimits limits_;
  mutable std::mutex mutex_;
  std::map<std::uint64_t, Entry> by_arrival_;          // arrival sequence -> entry
  std::map<ledger::EntryId, std::uint64_t> sequence_;  // id -> arrival sequence
  std::uint64_t next_sequence_ = 0;
  std::size_t bytes_ = 0;
  const ledger::StateView* committed_ = nullptr;  // the overlay's base
  std::optional<ledger::StateOverlay> overlay_;   // committed + pending effects
};

}  // namespace jobcard::node
