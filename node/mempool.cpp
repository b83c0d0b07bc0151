#include "node/mempool.h"

#include <string>

#include "node/log.h"

namespace jobcard::node {

namespace {
// Called outside the pool's lock: a log sink may be slow.
void LogDropped(const std::vector<DroppedTx>& dropped) {
  for (const DroppedTx& d : dropped) {
    LogInfo("mempool dropped tx", {{"id", ToHex(d.id)}, {"code", d.reason.code}, {"reason", d.reason.message}});
  }
}
}  // namespace

Result<ledger::EntryId> Mempool::Add(ledger::Tx tx, const ledger::StateView& committed,
                                     const ledger::TxContext& next_block_ctx) {
  const ledger::EntryId id = ledger::TxId(next_block_ctx.genesis.chain_id, tx);
  const std::size_t tx_bytes = ledger::EncodeTx(tx).size();
  std::vector<DroppedTx> dropped;
  Result<ledger::EntryId> result = [&]() -> Result<ledger::EntryId> {
    std::lock_guard<std::mutex> lock(mutex_);
    if (sequence_.count(id)) return MakeError("mempool.duplicate", "the transaction is already pending");
    if (by_arrival_.size() >= limits_.max_txs) {
      return MakeError("mempool.full", "the mempool holds its limit of " + std::to_string(limits_.max_txs) +
                                           " transactions; try again after the next block");
    }
    if (bytes_ + tx_bytes > limits_.max_bytes) {
      return MakeError("mempool.full", "the mempool's " + std::to_string(limits_.max_bytes) + "-byte limit leaves no room for " +
                                           std::to_string(tx_bytes) + " more bytes; try again after the next block");
    }
    if (committed_ != &committed || !overlay_) dropped = RebuildLocked(committed, next_block_ctx);

    JOBCARD_TRY_STATUS(ledger::ValidateTx(*overlay_, tx, id, next_block_ctx));
    ledger::ApplyTx(*overlay_, tx, id, static_cast<std::uint32_t>(by_arrival_.size()), next_block_ctx);
    const std::uint64_t sequence = next_sequence_++;
    sequence_.emplace(id, sequence);
    by_arrival_.emplace(sequence, Entry{id, std::move(tx), tx_bytes});
    bytes_ += tx_bytes;
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
                                       const std::vector<ledger::EntryId>& committed_ids) {
  std::vector<DroppedTx> dropped;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const ledger::EntryId& id : committed_ids) RemoveLocked(id);
    dropped = RebuildLocked(committed, next_ctx);
  }
  LogDropped(dropped);
  return dropped;
}

std::vector<DroppedTx> Mempool::RebuildLocked(const ledger::StateView& committed, const ledger::TxContext& ctx) {
  ledger::TxContext recheck = ctx;
  recheck.skip_signature_check = true;  // each stored Tx was verified by Add
  committed_ = &committed;
  overlay_.emplace(committed);
  std::vector<DroppedTx> dropped;
  std::uint32_t index = 0;
  for (auto it = by_arrival_.begin(); it != by_arrival_.end();) {
    const Entry& entry = it->second;
    Status status = ledger::ValidateTx(*overlay_, entry.tx, entry.id, recheck);
    if (status.ok()) {
      ledger::ApplyTx(*overlay_, entry.tx, entry.id, index++, recheck);
      ++it;
      continue;
    }
    dropped.push_back(DroppedTx{entry.id, status.error()});
    bytes_ -= entry.bytes;
    sequence_.erase(entry.id);
    it = by_arrival_.erase(it);
  }
  return dropped;
}

void Mempool::RemoveLocked(const ledger::EntryId& id) {
  auto found = sequence_.find(id);
  if (found == sequence_.end()) return;
  auto entry = by_arrival_.find(found->second);
  bytes_ -= entry->second.bytes;
  by_arrival_.erase(entry);
  sequence_.erase(found);
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
