// GrowOnlyMap: a hash map that only grows until it is cleared whole (look up,
// insert, assign, clear all; no erase), for the state index's page backlog
// (smt_page_backlog.h), which every block looks up and rewrites ~3,700 times
// at 1 M entries while it holds ~115,000 rows.
//
// Why not std::unordered_map: a lookup there chases the bucket, then a node,
// then the next node to learn whether it is still in the bucket: three or
// four cache misses on a table this size (perf annotate put the backlog's
// merge time on those loads; ~1 µs a row at 1 M entries, estimated from its
// profile samples and ~3,700 pages a block: BENCHMARKS.md, "Session 27"). Here a lookup reads one 8-byte slot (linear
// probing in a table at most half full, so a short run of neighbouring
// slots), then the one entry it names. Without erase, probing needs no
// tombstones. Entries sit in one vector in insertion order.
//
// Not thread-safe; the owner locks. A pointer from Find or TryEmplace is good
// until the next TryEmplace or Clear.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace jobcard::ledger {

template <typename Key, typename Value, typename Hash>
class GrowOnlyMap {
 public:
  Value* Find(const Key& key) {
    const std::size_t slot = Probe(key, Hash{}(key));
    return slots_.empty() || slots_[slot] == 0 ? nullptr : &entries_[EntryIndex(slots_[slot])].value;
  }
  const Value* Find(const Key& key) const { return const_cast<GrowOnlyMap*>(this)->Find(key); }

  // The value under `key`, value-initialised if it was not there; second is
  // whether it was inserted.
  std::pair<Value*, bool> TryEmplace(const Key& key) {
    if ((entries_.size() + 1) * 2 > slots_.size()) Grow();
    const std::uint64_t hash = Hash{}(key);
    const std::size_t slot = Probe(key, hash);
    if (slots_[slot] != 0) return {&entries_[EntryIndex(slots_[slot])].value, false};
    assert(entries_.size() < kMaxEntries);
    entries_.push_back(Entry{key, Value{}});
    slots_[slot] = SlotOf(hash, entries_.size() - 1);
    return {&entries_.back().value, true};
  }

  // Every entry gone; the table keeps its size for the next round of inserts.
  void Clear() {
    entries_.clear();
    std::fill(slots_.begin(), slots_.end(), std::uint64_t{0});
  }

  // visit(key, value) for each entry, in insertion order.
  template <typename Visit>
  void ForEach(Visit visit) const {
    for (const Entry& entry : entries_) visit(entry.key, entry.value);
  }

  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }

 private:
  struct Entry {
    Key key;
    Value value;
  };
  // A slot: 0 when empty, else the hash's high 32 bits (compared before the
  // entry is read, so a probe past another key rarely touches its entry) and
  // the entry's index + 1.
  static constexpr std::size_t kMaxEntries = 0xffffffffu;
  static std::uint64_t SlotOf(std::uint64_t hash, std::size_t index) {
    return (hash & 0xffffffff00000000ull) | (static_cast<std::uint64_t>(index) + 1);
  }
  static std::size_t EntryIndex(std::uint64_t slot) { return static_cast<std::size_t>((slot & 0xffffffffu) - 1); }

  // The slot holding `key`, or the empty slot where it would go. The table is
  // never full (at most half), so the walk ends.
  std::size_t Probe(const Key& key, std::uint64_t hash) const {
    if (slots_.empty()) return 0;
    const std::size_t mask = slots_.size() - 1;
    const std::uint64_t tag = hash & 0xffffffff00000000ull;
    for (std::size_t slot = hash & mask;; slot = (slot + 1) & mask) {
      const std::uint64_t s = slots_[slot];
      if (s == 0) return slot;
      if ((s & 0xffffffff00000000ull) == tag && entries_[EntryIndex(s)].key == key) return slot;
    }
  }

  void Grow() {
    const std::size_t size = slots_.empty() ? 16 : slots_.size() * 2;
    slots_.assign(size, 0);
    const std::size_t mask = size - 1;
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      const std::uint64_t hash = Hash{}(entries_[i].key);
      std::size_t slot = hash & mask;
      while (slots_[slot] != 0) slot = (slot + 1) & mask;
      slots_[slot] = SlotOf(hash, i);
    }
  }

  std::vector<Entry> entries_;
  std::vector<std::uint64_t> slots_;  // a power of two in size, or empty
};

}  // namespace jobcard::ledger
