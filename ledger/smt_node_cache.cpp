#include "ledger/smt_node_cache.h"

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <new>

#include "crypto/fixed_bytes_keys.h"

namespace jobcard::ledger {
namespace {

template <typename Set>
Set* ZeroedTable(std::size_t sets) {
  static_assert(std::is_trivially_copyable_v<Set> && std::is_trivially_destructible_v<Set>,
                "the table is plain bytes, zero when empty");
  void* bytes = std::calloc(sets, sizeof(Set));
  if (bytes == nullptr) throw std::bad_alloc();
  return static_cast<Set*>(bytes);
}

}  // namespace

std::size_t SmtNodeCache::SlotBytes() { return sizeof(Slot); }

void SmtNodeCache::FreeTable::operator()(Set* table) const { std::free(table); }

SmtNodeCache::SmtNodeCache(std::size_t max_bytes)
    : sets_(std::bit_floor(std::max<std::size_t>(1, max_bytes / sizeof(Set)))),
      table_(ZeroedTable<Set>(sets_)),
      locks_(std::make_unique<std::mutex[]>(kLocks)) {}

std::size_t SmtNodeCache::SetOf(const Hash32& hash) const { return crypto::FixedBytesHash{}(hash) & (sets_ - 1); }

std::optional<SmtNode> SmtNodeCache::Get(const Hash32& hash) const {
  const std::size_t index = SetOf(hash);
  {
    std::lock_guard lock(LockOf(index));
    for (Slot& slot : table_[index].ways) {
      if (slot.kind == kEmpty || slot.hash != hash) continue;
      slot.referenced = 1;
      hits_.fetch_add(1, std::memory_order_relaxed);
      if (slot.kind == kLeaf) return SmtNode{SmtLeaf{slot.first, slot.second}};
      return SmtNode{SmtInternal{slot.first, slot.second}};
    }
  }
  misses_.fetch_add(1, std::memory_order_relaxed);
  return std::nullopt;
}

void SmtNodeCache::Insert(const Hash32& hash, const SmtNode& node) {
  const std::size_t index = SetOf(hash);
  std::lock_guard lock(LockOf(index));
  PutLocked(table_[index], hash, node);
}

// A node already there is kept (same hash, same node). Otherwise the clock
// hand takes the first free way, or the first not read since it last passed,
// clearing the marks it passes; after one round every mark is clear, so it
// stops within kWays + 1 steps.
void SmtNodeCache::PutLocked(Set& set, const Hash32& hash, const SmtNode& node) {
  for (const Slot& slot : set.ways) {
    if (slot.kind != kEmpty && slot.hash == hash) return;
  }
  for (std::size_t step = 0; step <= kWays; ++step) {
    Slot& slot = set.ways[set.hand];
    set.hand = static_cast<std::uint8_t>((set.hand + 1) % kWays);
    if (slot.kind != kEmpty && slot.referenced != 0) {
      slot.referenced = 0;
      continue;
    }
    slot.hash = hash;
    if (const auto* leaf = std::get_if<SmtLeaf>(&node)) {
      slot.kind = kLeaf;
      slot.first = leaf->key;
      slot.second = leaf->value_hash;
    } else {
      const auto& internal = std::get<SmtInternal>(node);
      slot.kind = kInternal;
      slot.first = internal.left;
      slot.second = internal.right;
    }
    slot.referenced = 0;
    return;
  }
}

std::size_t SmtNodeCache::size() const {
  std::size_t n = 0;
  for (std::size_t i = 0; i < sets_; ++i) {
    std::lock_guard lock(LockOf(i));
    for (const Slot& slot : table_[i].ways) n += slot.kind != kEmpty ? 1 : 0;
  }
  return n;
}

}  // namespace jobcard::ledger
