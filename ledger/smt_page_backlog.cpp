#include "ledger/smt_page_backlog.h"

#include <string>

#include "ledger/encoding.h"

namespace jobcard::ledger {
namespace {

// The map's entry (key, optional vector: 72 bytes), its share of the slots
// (16-32 bytes: the table is a quarter to half full) and the row's allocation
// header, roughly.
constexpr std::size_t kRowOverhead = 112;

std::size_t RowBytes(const std::optional<Bytes>& row) { return kRowOverhead + (row ? row->capacity() : 0); }

}  // namespace

std::optional<std::optional<Bytes>> SmtPageBacklog::Find(ByteView key) const {
  const std::optional<SmtPageRowKey> k = PackSmtPageKey(key);
  if (!k) return std::nullopt;
  std::lock_guard lock(mutex_);
  const std::optional<Bytes>* row = rows_.Find(*k);
  if (!row) return std::nullopt;
  return *row;
}

// A block reads ~3,700 pages at 1 M entries, most from here: decoding the
// row in place saves copying it out (an allocation and a copy each) and the
// copies of a decoded page returned by value (BENCHMARKS.md, "Session 26").
std::optional<Result<bool>> SmtPageBacklog::ReadInto(ByteView key, SmtPage& page) const {
  const std::optional<SmtPageRowKey> k = PackSmtPageKey(key);
  if (!k) return std::nullopt;
  std::lock_guard lock(mutex_);
  const std::optional<Bytes>* row = rows_.Find(*k);
  if (!row) return std::nullopt;
  if (!*row) return Result<bool>(false);
  Status decoded = DecodeStoredSmtPage(key, **row, page);
  if (!decoded.ok()) return Result<bool>(decoded.error());
  return Result<bool>(true);
}

void SmtPageBacklog::Merge(const SmtPageWrites& written) {
  std::lock_guard lock(mutex_);
  for (const auto& [key, row] : written) {
    const std::optional<SmtPageRowKey> k = PackSmtPageKey(key);
    if (!k) continue;  // SmtApplyToPages makes only page keys
    auto [held, inserted] = rows_.TryEmplace(*k);
    if (!inserted) bytes_ -= RowBytes(*held);
    *held = row;
    bytes_ += RowBytes(*held);
  }
}

Bytes EncodeBlockStateChanges(const Hash32& parent_root, const SmtChanges& changes) {
  Writer w(32 + 4 + changes.size() * 65);
  w.Fixed(parent_root).U32(static_cast<std::uint32_t>(changes.size()));
  for (const auto& [key, value] : changes) {
    w.Fixed(key).U8(value ? 1 : 0);
    if (value) w.Fixed(*value);
  }
  return std::move(w).take();
}

Result<BlockStateChanges> DecodeBlockStateChanges(ByteView row) {
  Reader r(row);
  BlockStateChanges out;
  std::uint32_t n = 0;
  r.Fixed(out.parent_root);
  if (!r.U32(n)) return r.Finish().error();
  // Each change takes at least 33 bytes: a count past that is damage, and
  // must not size an allocation.
  if (n > (row.size() - 36) / 33) {
    return MakeError("encoding.too_large", "a block's state changes row counts " + std::to_string(n) + " changes in " +
                                               std::to_string(row.size()) + " bytes");
  }
  out.changes.reserve(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    Hash32 key{};
    std::uint8_t has_value = 0;
    r.Fixed(key);
    if (!r.U8(has_value)) return r.Finish().error();
    if (has_value > 1) return MakeError("store.bad_changes", "a block's state change has a value flag of " + std::to_string(has_value));
    std::optional<Hash32> value;
    if (has_value) {
      value.emplace();
      r.Fixed(*value);
    }
    out.changes.emplace_back(key, value);
  }
  JOBCARD_TRY_STATUS(r.Finish());
  return out;
}

void SmtPageBacklog::Clear() {
  std::lock_guard lock(mutex_);
  rows_.Clear();
  bytes_ = 0;
}

}  // namespace jobcard::ledger
