// SmtNodeCache: the store's cache of state-index nodes by hash, a flat
// set-associative table instead of a least-recently-used list and hash map.
//
// Why a table of its own: every block writes ~5.7 nodes per changed key (a
// path's worth), and the store refreshes the cache with each of them. In the
// general cache (byte_bounded_cache.h) each of those inserts allocated a list
// node and a map node and, once full, freed another pair; its hash map was
// 91 % of the cache's samples, and the cache a quarter of the block phase
// (BENCHMARKS.md, issue 3). Here an insert writes one fixed-size slot in
// place: no allocation, and a lookup touches the few slots of one set.
//
// Content-addressed, so a cached node is right wherever it sits in the tree
// and never needs invalidating; the only policy is which node a full set
// forgets (a clock over its ways: a node read since the hand last passed
// stays one more round). Nodes are put here only after they have been
// checked against the hash their parent names, or computed by the writer.
//
// The set of a hash mixes its bytes with a per-process seed
// (crypto::FixedBytesHash), so nobody can aim many nodes at one set.
// Thread-safe: one lock per group of sets, so readers on API threads and
// the block loop rarely meet.
#pragma once

#include <array>
#include <type_traits>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>

#include "ledger/smt_node.h"

namespace jobcard::ledger {

class SmtNodeCache {
 public:
  // Four ways keep a set that draws more than its share from evicting early.
  static constexpr std::size_t kWays = 4;

  // At most `max_bytes` of slots (98 bytes each, 4 to a set), at least one
  // set: the number of sets is a power of two, so 50-100 % of the budget is
  // used (64 MiB: 131,072 sets, 524,288 nodes, 77 %; the store's 128 MiB: 1,048,576 nodes).
  explicit SmtNodeCache(std::size_t max_bytes);
  SmtNodeCache(const SmtNodeCache&) = delete;
  SmtNodeCache& operator=(const SmtNodeCache&) = delete;

  std::optional<SmtNode> Get(const Hash32& hash) const;
  void Insert(const Hash32& hash, const SmtNode& node);

  std::size_t capacity() const { return sets_ * kWays; }  // nodes
  std::size_t size() const;                               // nodes held
  std::uint64_t hits() const { return hits_.load(std::memory_order_relaxed); }
  std::uint64_t misses() const { return misses_.load(std::memory_order_relaxed); }

  // The bytes one slot takes, for sizing.
  static std::size_t SlotBytes();

 private:
  // Plain bytes, all-zero when empty, so that the table can come from
  // calloc: the operating system then maps its pages as they are first
  // written, and a store opened for a few blocks (tests, tools) does not
  // touch 64 MiB.
  enum Kind : std::uint8_t { kEmpty = 0, kLeaf = 1, kInternal = 2 };
  struct Slot {
    Hash32 hash;
    Hash32 first;   // leaf key, or left child
    Hash32 second;  // leaf value hash, or right child
    std::uint8_t kind;
    std::uint8_t referenced;  // read since the clock hand passed
  };
  struct Set {
    std::array<Slot, kWays> ways;
    std::uint8_t hand;
  };
  struct FreeTable {
    void operator()(Set* table) const;
  };

  std::size_t SetOf(const Hash32& hash) const;
  std::mutex& LockOf(std::size_t set) const { return locks_[set % kLocks]; }
  void PutLocked(Set& set, const Hash32& hash, const SmtNode& node);

  static constexpr std::size_t kLocks = 256;
  std::size_t sets_;  // a power of two
  std::unique_ptr<Set[], FreeTable> table_;
  mutable std::unique_ptr<std::mutex[]> locks_;
  mutable std::atomic<std::uint64_t> hits_{0};
  mutable std::atomic<std::uint64_t> misses_{0};
};

}  // namespace jobcard::ledger
