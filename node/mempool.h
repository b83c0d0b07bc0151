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
// serialises them. Add verifies signatures before taking it (a duplicate of
// a pending transaction is refused first, without verifying), so several
// submitting threads verify in parallel; only the stateful check and the
// insertion are serialised.
//
// Cost of Update: when every transaction of the block is pending here and
// either the block is the pool's oldest transactions in pool order, or (in
// any order) it wrote no governance record and no key a remaining
// transaction wrote, proportional to what the block wrote (plus one cheap
// pass over the pool's log order in the second case), not to the backlog;
// otherwise a full re-check (spec/consensus.md §Mempool re-check after a
// block says when, and why the two agree).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "crypto/fixed_bytes_keys.h"
#include "ledger/execution.h"
#include "ledger/tx_message.h"
#include "node/pending_overlay.h"

namespace jobcard::node {

struct MempoolLimits {
  std::size_t max_txs = 50000;
  std::size_t max_bytes = 64 * 1024 * 1024;  // sum of the encoded transactions
  // false: every Update re-checks the whole pool (the reference behaviour
  // the incremental path is tested against).
  bool incremental_update = true;
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
  // The same, for a caller that already built the transaction's signing
  // message and id (the gossip path): `known` must be
  // ledger::MessageAndIdOf(next_block_ctx.genesis.chain_id, tx).
  Result<ledger::EntryId> Add(ledger::Tx tx, const ledger::StateView& committed, const ledger::TxContext& next_block_ctx,
                              const ledger::TxMessageAndId& known);

  // The oldest pending transactions, in arrival order, as many as fit in
  // both limits. Stops at the first one that does not fit rather than
  // skipping it, since a later one may depend on it. Does not remove them.
  // With `ids`, also their ids (computed once, in Add), for ExecuteTxs.
  std::vector<ledger::Tx> Reap(std::size_t max_txs, std::size_t max_bytes,
                               std::vector<ledger::EntryId>* ids = nullptr) const;

  // After a block commits: removes `committed_ids` (the block's accepted
  // transactions, in block order) and `rejected_ids` (the ones it carried
  // but rejected), then makes every remaining transaction valid on top of
  // the new `committed` state and the ones before it, dropping those that
  // are no longer valid (each is logged and returned). The stateless checks
  // are not repeated (signatures, rule S3's introduced-key point check):
  // every pending transaction passed them when it was added, and its stored
  // copy cannot change.
  std::vector<DroppedTx> Update(const ledger::StateView& committed, const ledger::TxContext& next_ctx,
                                const std::vector<ledger::EntryId>& committed_ids,
                                const std::vector<ledger::EntryId>& rejected_ids = {});
  // Whether the last Update took the incremental path (logging, tests), and
  // whether that was for a block in another order than the pool's prefix.
  bool last_update_incremental() const;
  bool last_update_reordered() const;
  // Why the last Update re-checked the whole pool ("" when it did not): a
  // fixed name (no_overlay, mixed_heights, height_gap, time_back, not_pending,
  // rejected_held, reorder_conflict, key_introduced, signer_key_changes,
  // disabled), for the log line that measures the re-check.
  const char* last_full_recheck_reason() const;

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
    PendingWrites writes;  // what it wrote into overlay_
  };
  using Iterator = std::map<std::uint64_t, Entry>::iterator;

  // Builds a fresh overlay on `committed` and re-applies the pending
  // transactions in order, removing the invalid ones. Requires mutex_.
  std::vector<DroppedTx> RebuildLocked(const ledger::StateView& committed, const ledger::TxContext& ctx);
  enum class BlockDrop {
    kNotApplicable,  // nothing changed: a block transaction is not pending here, or a rule forbids
    kNeedsRecheck,   // the block's transactions left, but a remaining one's validity may change
    kDone,           // the remaining transactions are valid as they stand
  };
  // The incremental path of Update. Requires mutex_.
  BlockDrop DropCommittedLocked(const ledger::StateView& committed, const ledger::TxContext& next_ctx,
                                const std::vector<ledger::EntryId>& committed_ids,
                                const std::vector<ledger::EntryId>& rejected_ids);
  // The out-of-order case (node/block_reorder.h): `block_entries` are the
  // block's transactions in block order, not the pool's prefix, non-empty.
  bool BlockReorderKeepsValidityLocked(const std::vector<Iterator>& block_entries) const;
  // The height a new transaction is validated at: the pool's own
  // (validated_height_) when the caller's is one away from it, else the
  // caller's (Add's comment says why). Requires mutex_.
  std::uint64_t PoolHeightLocked(std::uint64_t caller_height) const;
  // True when a pending transaction's signing key is added or revoked at a
  // height in (from, to]: its validity can differ between the two heights.
  bool SignerKeyChangesLocked(std::uint64_t from, std::uint64_t to) const;
  // Applies a validated entry to the overlay and counts its signers.
  void ApplyLocked(Entry& entry, std::uint32_t index, const ledger::TxContext& ctx);
  void UncountLocked(const Entry& entry);
  // Forgets an entry (not its overlay effects: the caller rebuilds or drops them).
  Iterator EraseLocked(Iterator it);
  void RemoveLocked(const ledger::EntryId& id);

  const MempoolLimits limits_;
  mutable std::mutex mutex_;
  std::map<std::uint64_t, Entry> by_arrival_;          // arrival sequence -> entry
  // id -> arrival sequence; hashed (crypto/fixed_bytes_keys.h): every gossiped
  // copy of every transaction is looked up here, and it is never iterated.
  std::unordered_map<ledger::EntryId, std::uint64_t, crypto::FixedBytesHash> sequence_;
  std::uint64_t next_sequence_ = 0;
  std::size_t bytes_ = 0;
  const ledger::StateView* committed_ = nullptr;  // the overlay's base
  std::optional<PendingOverlay> overlay_;         // committed + pending effects
  // The block context every pending transaction was last validated in:
  // one height (else `validated_heights_mixed_`) and the latest time.
  std::uint64_t validated_height_ = 0;
  bool validated_heights_mixed_ = false;
  std::uint64_t validated_max_time_ms_ = 0;
  // Signing keys of the pending transactions (key -> how many sign), for
  // the height-dependent key rule; and how many introduce an employer key.
  std::map<crypto::PublicKey, std::uint32_t> signers_;
  std::size_t key_introducers_ = 0;
  bool last_update_incremental_ = false;
  bool last_update_reordered_ = false;
  const char* last_full_recheck_reason_ = "";
};

}  // namespace jobcard::node
