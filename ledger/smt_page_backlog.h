// SmtPageBacklog: the state index's page rows (smt_page.h) that committed
// blocks rewrote but the store has not written to its database yet (store
// format 8, spec/storage.md, "Writing the state index back").
//
// Why: the pages near the root and the pages of busy subjects change in
// nearly every block. With every block's page rows kept out of RocksDB
// altogether, the block phase at 100,000 entries fell 11-18 % (a ceiling,
// BENCHMARKS.md, "Session 15"), and most of those rows are rewritten a few
// blocks later; writing them every 16 blocks gave 3-13 % there and 3-7 % at
// 1 M ("Session 16"). So the store keeps a block's pages here and writes
// them rarely (chain_store.h, kStatePageWriteBackBlocks: at 1 M entries a
// page changes only every few dozen blocks, so writing every 16 blocks
// rewrote each page ~12 times over the ingest, "Session 25"); each other
// block writes a small row of the state-index changes it made, from which a
// store killed before the write-back rebuilds the pages when it opens.
//
// Readers of the tip's pages look here before the page-row cache and the
// database. Thread-safe: the store's one writer merges and clears, any
// reader looks up.
#pragma once

#include <cstddef>
#include <mutex>
#include <optional>

#include "crypto/bytes.h"
#include "crypto/result.h"
#include "ledger/byte_bounded_cache.h"
#include "ledger/grow_only_map.h"
#include "ledger/smt_page.h"
#include "ledger/sparse_merkle.h"

namespace jobcard::ledger {

class SmtPageBacklog {
 public:
  // The row under `key` if the backlog holds it: nullopt when it does not
  // (read on: cache, database); an empty optional inside when the page was
  // deleted (the row is gone).
  std::optional<std::optional<Bytes>> Find(ByteView key) const;
  // The same lookup, the row decoded into `page` under the lock instead of
  // copied out: nullopt when the backlog does not hold it; false when the
  // page was deleted (`page` untouched); true when decoded; a decode error
  // (DecodeStoredSmtPage's) for a row that does not decode.
  std::optional<Result<bool>> ReadInto(ByteView key, SmtPage& page) const;

  // After a block's database write: the rows it changed, newest wins.
  void Merge(const SmtPageWrites& written);
  // After the backlog's database write.
  void Clear();

  // Every row, for writing them: `visit(key, row)` (SmtPageKeyBytes(key)
  // is the row's key), row nullopt = delete. Only the writer calls it, and
  // only it calls Merge and Clear, so it reads without the lock.
  template <typename Visit>
  void ForEach(Visit visit) const {
    rows_.ForEach(visit);
  }

  bool empty() const { return rows_.empty(); }
  std::size_t size() const { return rows_.size(); }
  // The rows' bytes, roughly (key, row and the map's own cost).
  std::size_t bytes() const { return bytes_; }

 private:
  mutable std::mutex mutex_;  // held by readers' Find and by Merge/Clear
  GrowOnlyMap<SmtPageRowKey, std::optional<Bytes>, KeyBytesHash<SmtPageRowKey>> rows_;
  std::size_t bytes_ = 0;
};

// The row a block writes in place of its pages while they wait in the
// backlog: the state root before the block, then the block's state-index
// changes (spec/storage.md, format 8):
//   parent_root(32) || u32 n || n × (key(32) || u8 has_value || value(32) if has_value)
// Decode errors: encoding.truncated, encoding.trailing_bytes,
// encoding.too_large (n past what the row's bytes can hold), store.bad_changes
// (has_value neither 0 nor 1).
struct BlockStateChanges {
  Hash32 parent_root{};
  SmtChanges changes;
  bool operator==(const BlockStateChanges&) const = default;
};
Bytes EncodeBlockStateChanges(const Hash32& parent_root, const SmtChanges& changes);
Result<BlockStateChanges> DecodeBlockStateChanges(ByteView row);

// SmtPageRows: the backlog first, then `rows` (the cache and the database).
class BackloggedSmtPageRows final : public SmtPageRows {
 public:
  BackloggedSmtPageRows(const SmtPageBacklog& backlog, const SmtPageRows& rows) : backlog_(backlog), rows_(rows) {}
  Result<std::optional<Bytes>> GetPageRow(ByteView key) const override {
    if (auto pending = backlog_.Find(key)) return std::move(*pending);
    return rows_.GetPageRow(key);
  }
  Result<bool> ReadPageInto(ByteView key, SmtPage& page) const override {
    if (auto pending = backlog_.ReadInto(key, page)) return std::move(*pending);
    return rows_.ReadPageInto(key, page);
  }

 private:
  const SmtPageBacklog& backlog_;
  const SmtPageRows& rows_;
};

}  // namespace jobcard::ledger
