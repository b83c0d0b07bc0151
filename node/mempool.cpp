#include "node/mempool.h"

#include <algorithm>
#include <set>
#include <string>

#include "ledger/prechecked_validation.h"
#include "node/block_reorder.h"
#include "node/log.h"

namespace jobcard::node {

namespace {
// Called outside the pool's lock: a log sink may be slow.
void LogDropped(const std::vector<DroppedTx>& dropped) {
  for (const DroppedTx& d : dropped) {
    LogInfo("mempool dropped tx", {{"id", ToHex(d.id)}, {"code", d.reason.code}, {"reason", d.reason.message}});
  }
}

Error Duplicate() { return MakeError("mempool.duplicate", "the transaction is already pending"); }
}  // namespace

Result<ledger::EntryId> Mempool::Add(ledger::Tx tx, const ledger::StateView& committed,
                                     const ledger::TxContext& next_block_ctx) {
  // Built once, for the id and for the signature check.
  const ledger::TxMessageAndId known = ledger::MessageAndIdOf(next_block_ctx.genesis.chain_id, tx);
  return Add(std::move(tx), committed, next_block_ctx, known);
}

Result<ledger::EntryId> Mempool::Add(ledger::Tx tx, const ledger::StateView& committed,
                                     const ledger::TxContext& next_block_ctx, const ledger::TxMessageAndId& known) {
  const Bytes& signing_message = known.signing_message;
  const ledger::EntryId& id = known.id;
  // Gossip floods every transaction to every peer: refuse a pending one
  // before spending a signature check on it.
  if (Contains(id)) return Duplicate();
  // The stateless checks, outside the lock, so that submitting threads
  // verify signatures in parallel. The stateful check below skips the
  // signature check for this very object only.
  JOBCARD_TRY_STATUS(ledger::CheckTxForm(tx));
  JOBCARD_TRY_STATUS(ledger::VerifyTxSignaturesOfMessage(tx, signing_message));
  ledger::TxContext verified = next_block_ctx;
  verified.skip_signature_check = true;
  // Rule S3's point check, stateless, also outside the lock and once: the
  // re-checks after each block skip it (RebuildLocked). A key that fails it
  // is left to ValidateTx below, so the error is the one its rule order gives.
  const bool key_checked = ledger::CheckIntroducedKey(tx).ok();

  const std::size_t tx_bytes = ledger::EncodeTx(tx).size();
  std::vector<DroppedTx> dropped;
  Result<ledger::EntryId> result = [&]() -> Result<ledger::EntryId> {
    std::lock_guard<std::mutex> lock(mutex_);
    if (sequence_.count(id)) return Duplicate();  // another thread added it meanwhile
    if (by_arrival_.size() >= limits_.max_txs) {
      return MakeError("mempool.full", "the mempool holds its limit of " + std::to_string(limits_.max_txs) +
                                           " transactions; try again after the next block");
    }
    if (bytes_ + tx_bytes > limits_.max_bytes) {
      return MakeError("mempool.full", "the mempool's " + std::to_string(limits_.max_bytes) + "-byte limit leaves no room for " +
                                           std::to_string(tx_bytes) + " more bytes; try again after the next block");
    }
    if (committed_ != &committed || !overlay_) dropped = RebuildLocked(committed, next_block_ctx);
    // The pool's context, not the caller's, when they are one height apart:
    // the caller read the store's tip just before or after a commit whose
    // Update has not run yet, or just before one that has. A node commits
    // every second or two while submissions arrive by the thousand, so
    // without this nearly every block met a submission in that window, and
    // the mixed heights forced the full re-check of the whole backlog.
    // Validating at the pool's height is what the pool would have done a
    // moment earlier (or later): see spec/consensus.md §Mempool re-check.
    verified.height = PoolHeightLocked(next_block_ctx.height);

    JOBCARD_TRY_STATUS(key_checked ? ledger::ValidateTxPrechecked(overlay_->view(), tx, id, verified)
                                   : ledger::ValidateTx(overlay_->view(), tx, id, verified));
    const std::uint64_t sequence = next_sequence_++;
    const auto index = static_cast<std::uint32_t>(by_arrival_.size());
    Entry& entry = by_arrival_.emplace(sequence, Entry{id, std::move(tx), tx_bytes, {}}).first->second;
    sequence_.emplace(id, sequence);
    bytes_ += tx_bytes;
    ApplyLocked(entry, index, verified);
    if (verified.height != validated_height_) validated_heights_mixed_ = true;
    validated_max_time_ms_ = std::max(validated_max_time_ms_, next_block_ctx.block_time_ms);
    return id;
  }();
  LogDropped(dropped);
  return result;
}

std::vector<ledger::Tx> Mempool::Reap(std::size_t max_txs, std::size_t max_bytes,
                                      std::vector<ledger::EntryId>* ids) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<ledger::Tx> out;
  if (ids) ids->clear();
  std::size_t total_bytes = 0;
  for (const auto& [sequence, entry] : by_arrival_) {
    if (out.size() >= max_txs || total_bytes + entry.bytes > max_bytes) break;
    total_bytes += entry.bytes;
    out.push_back(entry.tx);
    if (ids) ids->push_back(entry.id);
  }
  return out;
}

std::vector<DroppedTx> Mempool::Update(const ledger::StateView& committed, const ledger::TxContext& next_ctx,
                                       const std::vector<ledger::EntryId>& committed_ids,
                                       const std::vector<ledger::EntryId>& rejected_ids) {
  std::vector<DroppedTx> dropped;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // Never a time before one a pending transaction was validated at: a
    // submission that read the clock after the caller did can take the lock
    // first (the callers' clocks are the same), and its later time would
    // otherwise force the full re-check (condition 3, spec/consensus.md).
    // The next block is built later than both.
    ledger::TxContext ctx = next_ctx;
    if (overlay_) ctx.block_time_ms = std::max(ctx.block_time_ms, validated_max_time_ms_);
    BlockDrop drop = BlockDrop::kNotApplicable;
    last_full_recheck_reason_ = "disabled";
    if (limits_.incremental_update) drop = DropCommittedLocked(committed, ctx, committed_ids, rejected_ids);
    last_update_incremental_ = drop == BlockDrop::kDone;
    if (!last_update_incremental_) last_update_reordered_ = false;
    if (drop == BlockDrop::kNotApplicable) {
      for (const ledger::EntryId& id : committed_ids) RemoveLocked(id);
      for (const ledger::EntryId& id : rejected_ids) RemoveLocked(id);
    }
    if (drop != BlockDrop::kDone) dropped = RebuildLocked(committed, ctx);
  }
  LogDropped(dropped);
  return dropped;
}

// Why this equals RebuildLocked's result: spec/consensus.md §Mempool re-check
// after a block. In short: every transaction of the block is pending here,
// applied at the height the block applied it at. When the block is the
// pool's oldest transactions in pool order, the new committed state plus the
// remaining transactions' effects is the overlay the remaining ones were
// validated on; in another order, node/block_reorder.h says when that still
// holds for everything they read. What is left is the block context, which
// enters validation only through the time (recorded_at; a later time never
// invalidates) and the height (signing keys added or revoked at a height,
// checked below, and heights stored by transactions that introduce an
// employer key, which force the full re-check).
Mempool::BlockDrop Mempool::DropCommittedLocked(const ledger::StateView& committed, const ledger::TxContext& next_ctx,
                                                const std::vector<ledger::EntryId>& committed_ids,
                                                const std::vector<ledger::EntryId>& rejected_ids) {
  auto fall_back = [&](const char* reason) {
    last_full_recheck_reason_ = reason;
    return BlockDrop::kNotApplicable;
  };
  if (!overlay_) return fall_back("no_overlay");
  if (validated_heights_mixed_) return fall_back("mixed_heights");
  if (validated_height_ + 1 != next_ctx.height) return fall_back("height_gap");
  if (next_ctx.block_time_ms < validated_max_time_ms_) return fall_back("time_back");
  if (committed_ids.size() > by_arrival_.size()) return fall_back("not_pending");
  // A rejected transaction we hold was applied in our overlay but not in the block.
  for (const ledger::EntryId& id : rejected_ids) {
    if (sequence_.count(id)) return fall_back("rejected_held");
  }
  // Every block transaction must be pending here (same id, so the same
  // effects: ApplyTx does not read the signatures an id leaves out).
  std::vector<Iterator> block_entries;
  block_entries.reserve(committed_ids.size());
  bool prefix = true;
  auto next_oldest = by_arrival_.begin();
  for (const ledger::EntryId& id : committed_ids) {
    auto sequence = sequence_.find(id);
    if (sequence == sequence_.end()) return fall_back("not_pending");
    Iterator entry = by_arrival_.find(sequence->second);
    prefix = prefix && entry == next_oldest;
    if (prefix) ++next_oldest;
    block_entries.push_back(entry);
  }
  if (!prefix && !BlockReorderKeepsValidityLocked(block_entries)) return fall_back("reorder_conflict");
  last_update_reordered_ = !prefix;

  std::vector<const PendingWrites*> block_writes;
  block_writes.reserve(block_entries.size());
  for (const Iterator& entry : block_entries) block_writes.push_back(&entry->second.writes);
  if (prefix) {
    overlay_->DropOldest(block_writes);
  } else {
    overlay_->DropAny(block_writes, PendingOverlay::IdSet(committed_ids.begin(), committed_ids.end()));
  }
  overlay_->Rebase(committed);
  committed_ = &committed;
  for (const Iterator& entry : block_entries) {
    UncountLocked(entry->second);
    EraseLocked(entry);
  }
  if (key_introducers_ > 0 || SignerKeyChangesLocked(validated_height_, next_ctx.height)) {
    last_full_recheck_reason_ = key_introducers_ > 0 ? "key_introduced" : "signer_key_changes";
    return BlockDrop::kNeedsRecheck;
  }
  validated_height_ = next_ctx.height;
  validated_max_time_ms_ = next_ctx.block_time_ms;
  return BlockDrop::kDone;
}

bool Mempool::BlockReorderKeepsValidityLocked(const std::vector<Iterator>& block_entries) const {
  std::vector<SequencedWrites> block;
  block.reserve(block_entries.size());
  std::set<std::uint64_t> block_sequences;
  for (const Iterator& entry : block_entries) {
    block.push_back(SequencedWrites{entry->first, &entry->second.writes});
    block_sequences.insert(entry->first);
  }
  // Only the remaining transactions that arrived before the last block one
  // can precede a block writer of their keys.
  std::vector<SequencedWrites> remaining;
  const std::uint64_t last_block_sequence = *block_sequences.rbegin();
  for (auto it = by_arrival_.begin(); it != by_arrival_.end() && it->first < last_block_sequence; ++it) {
    if (!block_sequences.count(it->first)) remaining.push_back(SequencedWrites{it->first, &it->second.writes});
  }
  return BlockReorderKeepsValidity(block, remaining);
}

std::uint64_t Mempool::PoolHeightLocked(std::uint64_t caller_height) const {
  const bool adjacent = caller_height + 1 == validated_height_ || caller_height == validated_height_ + 1;
  return overlay_ && adjacent ? validated_height_ : caller_height;
}

bool Mempool::SignerKeyChangesLocked(std::uint64_t from, std::uint64_t to) const {
  auto between = [&](std::uint64_t height) { return height > from && height <= to; };
  const ledger::StateView& view = overlay_->view();
  for (const auto& [key, count] : signers_) {
    auto owner = view.GetKeyOwner(key);
    if (!owner) continue;  // not an employer key: no height rule
    auto employer = view.GetEmployer(*owner);
    const ledger::EmployerKeyRecord* record = employer ? employer->FindKey(key) : nullptr;
    if (record && (between(record->added_height) || (record->revoked_from_height != 0 && between(record->revoked_from_height)))) {
      return true;
    }
  }
  return false;
}

std::vector<DroppedTx> Mempool::RebuildLocked(const ledger::StateView& committed, const ledger::TxContext& ctx) {
  ledger::TxContext recheck = ctx;
  recheck.skip_signature_check = true;
  committed_ = &committed;
  overlay_.emplace(committed);
  signers_.clear();
  key_introducers_ = 0;
  validated_height_ = ctx.height;
  validated_heights_mixed_ = false;
  validated_max_time_ms_ = ctx.block_time_ms;
  std::vector<DroppedTx> dropped;
  std::uint32_t index = 0;
  for (auto it = by_arrival_.begin(); it != by_arrival_.end();) {
    Entry& entry = it->second;
    // Each stored Tx passed the stateless checks in Add (signatures, rule
    // S3), and its stored copy cannot change: only the stateful rules again.
    Status status = ledger::ValidateTxPrechecked(overlay_->view(), entry.tx, entry.id, recheck);
    if (status.ok()) {
      ApplyLocked(entry, index++, recheck);
      ++it;
      continue;
    }
    dropped.push_back(DroppedTx{entry.id, status.error()});
    it = EraseLocked(it);
  }
  return dropped;
}

void Mempool::ApplyLocked(Entry& entry, std::uint32_t index, const ledger::TxContext& ctx) {
  entry.writes = overlay_->Apply(entry.tx, entry.id, index, ctx);
  for (const auto& signature : entry.tx.signatures) ++signers_[signature.signer];
  if (entry.writes.IntroducedEmployerKey()) ++key_introducers_;
}

void Mempool::UncountLocked(const Entry& entry) {
  for (const auto& signature : entry.tx.signatures) {
    auto found = signers_.find(signature.signer);
    if (found != signers_.end() && --found->second == 0) signers_.erase(found);
  }
  if (entry.writes.IntroducedEmployerKey()) --key_introducers_;
}

Mempool::Iterator Mempool::EraseLocked(Iterator it) {
  bytes_ -= it->second.bytes;
  sequence_.erase(it->second.id);
  return by_arrival_.erase(it);
}

void Mempool::RemoveLocked(const ledger::EntryId& id) {
  auto found = sequence_.find(id);
  if (found == sequence_.end()) return;
  auto entry = by_arrival_.find(found->second);
  UncountLocked(entry->second);
  EraseLocked(entry);
}

bool Mempool::last_update_incremental() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return last_update_incremental_;
}

const char* Mempool::last_full_recheck_reason() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return last_update_incremental_ ? "" : last_full_recheck_reason_;
}

bool Mempool::last_update_reordered() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return last_update_reordered_;
}

std::size_t Mempool::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return by_arrival_.size();
}

std::size_t Mempool::bytes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return bytes_;
}

bool Mempool::HoldsIdentical(const ledger::EntryId& id, const ledger::Tx& tx) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = sequence_.find(id);
  return found != sequence_.end() && by_arrival_.at(found->second).tx == tx;
}

std::optional<ledger::Tx> Mempool::Get(const ledger::EntryId& id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = sequence_.find(id);
  if (found == sequence_.end()) return std::nullopt;
  return by_arrival_.at(found->second).tx;
}

bool Mempool::Contains(const ledger::EntryId& id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sequence_.count(id) > 0;
}

}  // namespace jobcard::node
