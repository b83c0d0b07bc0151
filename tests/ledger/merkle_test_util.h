// Shared fixtures for the Merkle log tests: leaf data, logs built one leaf at
// a time, and stores that count or synthesise reads.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "crypto/bytes.h"
#include "ledger/log_node_store.h"
#include "ledger/merkle_log.h"
#include "ledger/merkle_log_tree.h"

namespace jobcard::ledger::testing {

// Entries of varied length, the first one empty.
inline Bytes LeafData(std::uint64_t i) {
  Bytes out;
  for (std::uint64_t j = 0; j < i % 7; ++j) out.push_back(static_cast<std::uint8_t>(i + j));
  std::string tag = "entry-" + std::to_string(i);
  if (i > 0) out.insert(out.end(), tag.begin(), tag.end());
  return out;
}

inline std::vector<Bytes> LeafDataRange(std::uint64_t count) {
  std::vector<Bytes> out;
  for (std::uint64_t i = 0; i < count; ++i) out.push_back(LeafData(i));
  return out;
}

inline std::string Code(const Status& status) { return status.ok() ? "ok" : status.error().code; }
template <typename T>
std::string Code(const Result<T>& result) {
  return result.ok() ? "ok" : result.error().code;
}

// A log of LeafDataRange(count) appended one leaf at a time, with the root
// each Append returned (roots[n] for size n, roots[0] the empty root).
struct BuiltLog {
  MemoryLogNodeStore store;
  std::uint64_t size = 0;
  std::vector<Hash32> roots;
  std::vector<LogNodeWrite> all_writes;
};

inline BuiltLog BuildLogOneByOne(const std::vector<Bytes>& data) {
  BuiltLog log;
  log.roots.push_back(EmptyRoot());
  for (const Bytes& entry : data) {
    auto appended = MerkleLog::Append(log.store, log.size, {LeafHash(entry)});
    EXPECT_TRUE(appended.ok()) << appended.error().message;
    log.store.Apply(appended->writes);
    log.all_writes.insert(log.all_writes.end(), appended->writes.begin(), appended->writes.end());
    log.size = appended->new_size;
    log.roots.push_back(appended->root);
  }
  return log;
}

// Counts reads, to hold the log to its logarithmic read bounds.
class CountingStore final : public LogNodeStore {
 public:
  explicit CountingStore(const LogNodeStore& inner) : inner_(inner) {}
  std::optional<Hash32> Get(std::uint8_t level, std::uint64_t index) const override {
    ++reads;
    return inner_.Get(level, index);
  }
  mutable std::size_t reads = 0;

 private:
  const LogNodeStore& inner_;
};

// A log whose leaves all have the same hash: a complete subtree's hash then
// depends only on its level, so this store is consistent for any size, even
// 2^64 - 1 leaves, without holding them.
class UniformStore final : public LogNodeStore {
 public:
  UniformStore(const Hash32& leaf, std::uint64_t size) : size_(size) {
    levels_[0] = leaf;
    for (std::size_t level = 1; level < levels_.size(); ++level) {
      levels_[level] = NodeHash(levels_[level - 1], levels_[level - 1]);
    }
  }
  std::optional<Hash32> Get(std::uint8_t level, std::uint64_t index) const override {
    if (level > kMaxLogLevel || index >= (size_ >> level)) return std::nullopt;
    return levels_[level];
  }
  const Hash32& level_hash(unsigned level) const { return levels_[level]; }

 private:
  std::uint64_t size_;
  std::array<Hash32, kMaxLogLevel + 1> levels_;
};

}  // namespace jobcard::ledger::testing
