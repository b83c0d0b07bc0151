#include "ledger/smt_page_cache.h"

#include <algorithm>
#include <utility>

namespace jobcard::ledger {
namespace {

// The row's bytes plus the cache's own per-entry cost, roughly: the list
// node (key, vector, size: ~96 bytes with its links), the hash node (~64),
// its bucket and the row's allocation header.
std::size_t RowBytes(const Bytes& row) { return row.size() + 192; }

}  // namespace

SmtPageRowCache::SmtPageRowCache(std::size_t max_bytes) : rows_(max_bytes, &RowBytes) {}

Result<std::optional<Bytes>> SmtPageRowCache::Get(const SmtPageRows& rows, ByteView key) const {
  const std::optional<SmtPageRowKey> k = PackSmtPageKey(key);
  if (!k) return rows.GetPageRow(key);
  if (std::optional<Bytes> cached = rows_.Get(*k)) {
    if (cached->empty()) return std::optional<Bytes>();
    return cached;
  }
  const std::uint64_t before = rows_.generation();
  auto read = rows.GetPageRow(key);
  if (!read.ok()) return read;
  if (read->has_value() && (*read)->empty()) return read;  // damage: the reader's decode says so, every time
  rows_.InsertIfUnchanged(*k, read->value_or(Bytes()), before);
  return read;
}

// Through UpdateFrom, each row copied straight into the cache: staging the
// copies in a vector and moving them in was slower in 5 of 5 pairs at 100,000
// entries (block phase +5 to +13 %; BENCHMARKS.md, "Session 15").
void SmtPageRowCache::Remember(const SmtPageWrites& written) {
  static const Bytes kNoRow;  // a deleted row is cached as an empty value
  rows_.UpdateFrom([&](auto put) {
    for (const auto& [key, row] : written) {
      if (const std::optional<SmtPageRowKey> k = PackSmtPageKey(key)) put(*k, row ? *row : kNoRow);
    }
  });
}

void SmtPageRowCache::Remember(const SmtPageBacklog& written) {
  static const Bytes kNoRow;  // as above
  rows_.UpdateFrom([&](auto put) {
    written.ForEach([&](const SmtPageRowKey& key, const std::optional<Bytes>& row) { put(key, row ? *row : kNoRow); });
  });
}

}  // namespace jobcard::ledger
