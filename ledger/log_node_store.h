// Where the Merkle log keeps its nodes (spec/merkle-log.md, "Storage").
//
// The log stores the hash of every complete (perfect) subtree: node
// (level, index) covers leaves [index * 2^level, (index + 1) * 2^level) and is
// stored once all of them exist. Level 0 nodes are the leaf hashes. Such a
// node never changes once written, which is what makes the log append-only
// on disk too: an append only adds nodes.
//
// This header knows no database. From store format 9 the RocksDB column
// family keeps the nodes in tiles (log_tile.h); EncodeLogNodeKey is the key
// of format 8 and older, one row per node, which the conversion reads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/result.h"

namespace jobcard::ledger {

// A log holds at most 2^64 - 1 leaves, so the highest complete subtree has
// 2^63 leaves.
inline constexpr std::uint8_t kMaxLogLevel = 63;

struct LogNodeId {
  std::uint8_t level = 0;
  std::uint64_t index = 0;
  friend bool operator==(const LogNodeId&, const LogNodeId&) = default;
};

struct LogNodeWrite {
  LogNodeId id;
  Hash32 hash{};
  friend bool operator==(const LogNodeWrite&, const LogNodeWrite&) = default;
};

// Key layout: 1 byte level, then the index as 8 bytes big-endian. Keys of one
// level are contiguous and in leaf order, so an append writes at the end of
// each level's range (cheap for an LSM tree) and a level can be scanned.
inline constexpr std::size_t kLogNodeKeySize = 9;
FixedBytes<kLogNodeKeySize> EncodeLogNodeKey(LogNodeId id);
// Rejects ("merkle.bad_node_key") a wrong length, a level above kMaxLogLevel,
// and an index whose subtree would end beyond 2^64 - 1 leaves.
Result<LogNodeId> DecodeLogNodeKey(ByteView key);

// Read access to stored nodes. Get returns nullopt for a node that is not
// stored; the log reports that as "merkle.missing_node", since it only asks
// for nodes its size says exist. Implementations must allow concurrent Get
// calls if the log is read from several threads.
class LogNodeStore {
 public:
  virtual ~LogNodeStore() = default;
  virtual std::optional<Hash32> Get(std::uint8_t level, std::uint64_t index) const = 0;
};

// An in-memory store for tests and small tools. Not thread-safe for Apply.
class MemoryLogNodeStore final : public LogNodeStore {
 public:
  std::optional<Hash32> Get(std::uint8_t level, std::uint64_t index) const override;

  // Commits the writes of one MerkleLog::Append. Nodes are immutable: a write
  // to an existing node with a different hash is a bug and asserts.
  void Apply(const std::vector<LogNodeWrite>& writes);

  std::size_t node_count() const { return nodes_.size(); }

 private:
  struct IdHash {
    std::size_t operator()(const LogNodeId& id) const;
  };
  std::unordered_map<LogNodeId, Hash32, IdHash> nodes_;
};

}  // namespace jobcard::ledger
