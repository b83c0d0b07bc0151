// ByteBoundedCache: a thread-safe least-recently-used map whose entries are
// charged an estimate of their size in bytes; inserting past the budget
// evicts the least recently used entries. The store keeps hot state records
// (subjects, employers) in such caches across blocks, so that building a
// block does not read again from RocksDB what the previous blocks (and the
// mempool's admission checks) just read or wrote.
//
// Caching values that can change (state records) needs one more rule, which
// `generation` provides: a reader that missed reads the database and offers
// the value back with InsertIfUnchanged(key, value, generation-before-read);
// a writer that commits new values calls Update (or UpdateFrom) after its
// database write. Both bump the generation, so a value read before a commit
// can never be inserted after that commit's update and shadow the newer value.
//
// The index is a hash table, not an ordered map: the keys are hashes and
// fixed-width identifiers, and at a ledger of 100,000 entries an ordered
// map's ~20 cache-missing 32-byte comparisons per lookup cost more than the
// RocksDB reads the cache saves (BENCHMARKS.md, issue 3, third pass).
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "crypto/fixed_bytes_keys.h"

namespace jobcard::ledger {

// Hashes a key's bytes. Only for keys whose bytes are their value (no
// padding, no pointers): fixed-size byte arrays and structs of them. Hashes,
// ids and keys (FixedBytes of 16 bytes or more) go through the mempool's
// crypto::FixedBytesHash (seeded, 16 bytes mixed); other keys through std::hash.
template <typename Key>
struct KeyBytesHash {
  static_assert(std::has_unique_object_representations_v<Key>, "the key's bytes must be its value");
  std::size_t operator()(const Key& key) const noexcept {
    if constexpr (std::is_same_v<Key, FixedBytes<sizeof(Key)>> && sizeof(Key) >= 16) {
      return crypto::FixedBytesHash{}(key);
    } else {
      return std::hash<std::string_view>{}(std::string_view(reinterpret_cast<const char*>(&key), sizeof(Key)));
    }
  }
};

template <typename Key, typename Value>
class ByteBoundedCache {
 public:
  // `size_of(value)` estimates the bytes an entry holds (key included).
  using SizeOf = std::size_t (*)(const Value&);
  ByteBoundedCache(std::size_t max_bytes, SizeOf size_of) : max_bytes_(max_bytes), size_of_(size_of) {}
  ByteBoundedCache(const ByteBoundedCache&) = delete;
  ByteBoundedCache& operator=(const ByteBoundedCache&) = delete;

  // The value, marked most recently used; nullopt on a miss.
  std::optional<Value> Get(const Key& key) {
    std::lock_guard lock(mutex_);
    auto it = index_.find(key);
    if (it == index_.end()) {
      ++misses_;
      return std::nullopt;
    }
    ++hits_;
    order_.splice(order_.begin(), order_, it->second);
    return it->second->value;
  }

  // The cached value, else `read()` (a database read returning
  // std::optional<Value>), cached by the rule above unless it is nullopt.
  template <typename Read>
  std::optional<Value> GetOrRead(const Key& key, Read read) {
    if (auto cached = Get(key)) return cached;
    const std::uint64_t before = generation();
    std::optional<Value> value = read();
    if (value) InsertIfUnchanged(key, *value, before);
    return value;
  }

  std::uint64_t generation() const {
    std::lock_guard lock(mutex_);
    return generation_;
  }

  // Inserts (or replaces) unless an Update happened since `generation` was read.
  void InsertIfUnchanged(const Key& key, Value value, std::uint64_t generation) {
    std::lock_guard lock(mutex_);
    if (generation != generation_) return;
    PutLocked(key, std::move(value));
  }

  // Inserts (or replaces) values that are immutable or newly committed.
  void Insert(const Key& key, Value value) {
    std::lock_guard lock(mutex_);
    PutLocked(key, std::move(value));
  }

  // After a commit: the committed values, and a new generation. Values of
  // a container passed as an rvalue are moved in rather than copied.
  template <typename Map>
  void Update(Map&& committed) {
    std::lock_guard lock(mutex_);
    ++generation_;
    for (auto& [key, value] : committed) {
      if constexpr (std::is_lvalue_reference_v<Map>) {
        PutLocked(key, value);
      } else {
        PutLocked(key, std::move(value));
      }
    }
  }

  // As Update, for values the caller keeps: `for_each(put)` calls
  // put(key, value) once for each committed value, which is copied in. The
  // cache's lock is held throughout: `for_each` must not call the cache, nor
  // keep `put` past its return.
  template <typename ForEach>
  void UpdateFrom(ForEach for_each) {
    std::lock_guard lock(mutex_);
    ++generation_;
    for_each([this](const Key& key, const Value& value) { PutLocked(key, value); });
  }

  std::size_t bytes() const {
    std::lock_guard lock(mutex_);
    return bytes_;
  }
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return index_.size();
  }
  std::uint64_t hits() const {
    std::lock_guard lock(mutex_);
    return hits_;
  }
  std::uint64_t misses() const {
    std::lock_guard lock(mutex_);
    return misses_;
  }

 private:
  struct Slot {
    Key key;
    Value value;
    std::size_t bytes;
  };

  // A key already cached keeps its list and index nodes and takes the new
  // value in place: a block replaces thousands of cached rows and records,
  // and freeing and allocating both nodes for each cost more than the value
  // (BENCHMARKS.md, "Session 15"). The value is a fresh copy (or the moved
  // one), not copied into the old value's buffers: a row that shrank would
  // keep its old capacity, uncharged, and the budget would no longer bound
  // the memory. Made before anything changes, so a failed allocation leaves
  // the cache as it was.
  template <typename V>
  void PutLocked(const Key& key, V&& value) {
    const std::size_t bytes = size_of_(value);
    auto it = index_.find(key);
    if (it != index_.end() && bytes <= max_bytes_) {
      Value fresh(std::forward<V>(value));
      Slot& slot = *it->second;
      slot.value = std::move(fresh);
      bytes_ -= slot.bytes;
      slot.bytes = bytes;
      order_.splice(order_.begin(), order_, it->second);
    } else if (it != index_.end()) {  // would evict everything else for one value: the old one goes too
      bytes_ -= it->second->bytes;
      order_.erase(it->second);
      index_.erase(it);
      return;
    } else {
      if (bytes > max_bytes_) return;
      order_.push_front(Slot{key, Value(std::forward<V>(value)), bytes});
      index_.emplace(key, order_.begin());
    }
    bytes_ += bytes;
    while (bytes_ > max_bytes_) {
      const Slot& last = order_.back();
      bytes_ -= last.bytes;
      index_.erase(last.key);
      order_.pop_back();
    }
  }

  const std::size_t max_bytes_;
  const SizeOf size_of_;
  mutable std::mutex mutex_;
  std::list<Slot> order_;  // most recently used first
  std::unordered_map<Key, typename std::list<Slot>::iterator, KeyBytesHash<Key>> index_;
  std::size_t bytes_ = 0;
  std::uint64_t generation_ = 0;
  std::uint64_t hits_ = 0;
  std::uint64_t misses_ = 0;
};

}  // namespace jobcard::ledger
