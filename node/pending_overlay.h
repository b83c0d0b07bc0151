// The mempool's view of the state: the committed state plus the effects of
// the pending transactions, applied in arrival order, and for each pending
// transaction the keys of that overlay it wrote.
//
// Why the write sets: when a block commits exactly the oldest pending
// transactions, their effects move from this overlay into the committed
// state. DropOldest then removes them from the overlay in time proportional
// to what those transactions wrote (reference counts say whether a younger
// pending transaction wrote the same key, whose value then stays), instead
// of re-applying the whole backlog on a fresh overlay (spec/consensus.md
// §Mempool re-check after a block).
//
// Not thread-safe: the mempool calls it under its lock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "crypto/fixed_bytes_keys.h"
#include "ledger/execution.h"
#include "ledger/state_overlay.h"

namespace jobcard::node {

// Most transactions write at most one key of each kind (a career entry: one
// subject, one entry record, one location), so one key is kept inline and a
// write set costs no allocation of its own (BENCHMARKS.md, "Session 15").
template <class Key>
using WrittenKeys = boost::container::small_vector<Key, 1>;

// The overlay keys one transaction's ApplyTx wrote.
struct PendingWrites {
  WrittenKeys<ledger::CorporateNumber> employers;
  WrittenKeys<crypto::PublicKey> key_owners;
  WrittenKeys<ledger::SubjectId> subjects;
  WrittenKeys<crypto::PublicKey> subject_keys;
  WrittenKeys<ledger::EntryId> entries;
  WrittenKeys<ledger::EntryId> tx_locations;
  WrittenKeys<crypto::PublicKey> matchers;
  std::size_t headcounts = 0;
  bool validators = false;

  // An employer key introduced (register_employer, add_employer_key,
  // rotate_employer_key): its record holds the height it was applied at.
  bool IntroducedEmployerKey() const { return !key_owners.empty(); }
  // Records other transactions' validation reads without writing them
  // (employers: signing keys, status, successors; and, to stay on the safe
  // side, the other governance-only ones: employer keys, matchers, the
  // validator set). spec/consensus.md §Mempool re-check after a block.
  bool WroteGovernanceRecords() const { return !employers.empty() || !key_owners.empty() || !matchers.empty() || validators; }
};

class PendingOverlay {
 public:
  explicit PendingOverlay(const ledger::StateView& base) : overlay_(std::in_place, base) { ResetScratch(); }
  // scratch_ refers to this object's overlay_: a copy's would refer to ours.
  PendingOverlay(const PendingOverlay&) = delete;
  PendingOverlay& operator=(const PendingOverlay&) = delete;

  const ledger::StateView& view() const { return *overlay_; }

  // ApplyTx on top of everything applied so far; returns what it wrote.
  // Precondition: ValidateTx succeeded on view().
  PendingWrites Apply(const ledger::Tx& tx, const ledger::EntryId& id, std::uint32_t index_in_block,
                      const ledger::TxContext& ctx);

  // Removes the effects of the oldest applied transactions, `oldest` being
  // their writes in application order: they are now part of the base.
  void DropOldest(const std::vector<const PendingWrites*>& oldest);

  // Removes the effects of applied transactions wherever they are in the
  // application order: `dropped` are their writes, `ids` their ids. A key a
  // remaining transaction also wrote keeps that one's value: the caller
  // (node/block_reorder.h) decided that this value is still right.
  using IdSet = std::unordered_set<ledger::EntryId, crypto::FixedBytesHash>;
  void DropAny(const std::vector<const PendingWrites*>& dropped, const IdSet& ids);

  // The same pending effects on top of `base` (the committed state after
  // the block whose transactions DropOldest removed).
  void Rebase(const ledger::StateView& base);

 private:
  // Apply's work; leaves scratch_ empty when it returns.
  PendingWrites ApplyOnScratch(const ledger::Tx& tx, const ledger::EntryId& id, std::uint32_t index_in_block,
                               const ledger::TxContext& ctx);
  // One writer fewer for every key `writes` holds.
  void Release(const PendingWrites& writes);
  // A new, empty scratch_ on top of overlay_.
  void ResetScratch();

  std::optional<ledger::StateOverlay> overlay_;
  // Where Apply runs ApplyTx: on top of overlay_, so it sees exactly what
  // ApplyTx on overlay_ would, and its delta is that transaction's write
  // set. Empty between calls; kept so that its hash tables' buckets are
  // reused, and its records' nodes move into overlay_ rather than being
  // copied and freed (two allocations fewer per record).
  std::optional<ledger::StateOverlay> scratch_;
  // key -> how many applied transactions wrote it; at zero the key leaves the
  // overlay. Hashed: only looked up, never iterated.
  template <class Key>
  using Writers = std::unordered_map<Key, std::uint32_t, crypto::FixedBytesHash>;
  std::map<ledger::CorporateNumber, std::uint32_t> employer_writers_;
  Writers<crypto::PublicKey> key_owner_writers_;
  Writers<ledger::SubjectId> subject_writers_;
  Writers<crypto::PublicKey> subject_key_writers_;
  Writers<ledger::EntryId> entry_writers_;
  Writers<ledger::EntryId> tx_location_writers_;
  Writers<crypto::PublicKey> matcher_writers_;
  std::uint32_t validator_writers_ = 0;
};

}  // namespace jobcard::node
