// The entry log's nodes stored as tiles (store format 9, spec/storage.md
// and spec/merkle-log.md, "Storage"): one row holds up to kLogTileWidth
// consecutive nodes of one level, instead of one row per node.
//
// Why: an append of k leaves completes about 2k nodes, and until format 8
// each was a row of its own, ~2 million small rows for a 1 M-entry ingest,
// each paying for a memtable insert, the WAL, a flush and compactions
// (BENCHMARKS.md, "Session 28"). As tiles a block of 2,000 entries writes
// a few dozen rows. Nodes never change, so a tile only grows: the tile at
// the end of a level is rewritten, longer, until it holds kLogTileWidth.
//
// A tile's content is a function of the log alone (the level's nodes in
// [tile * 256, tile * 256 + 256) that exist), not of how the leaves were
// split into blocks, so a replay and a converted store write the same rows.
//
// Pure: no database here. chain_store.cpp reads and writes the rows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/result.h"
#include "ledger/log_node_store.h"

namespace jobcard::ledger {

inline constexpr std::size_t kLogTileWidth = 256;
// A tile's key: 0x80 + level, then the tile's number (node index / 256) as 8
// bytes big-endian. The high bit keeps tiles apart from format 8's node rows
// (level 0..63 first), so a store part-way through its conversion holds both
// without confusion.
inline constexpr std::uint8_t kLogTileKeyTag = 0x80;
inline constexpr std::size_t kLogTileKeySize = 9;

struct LogTileId {
  std::uint8_t level = 0;
  std::uint64_t tile = 0;
  friend bool operator==(const LogTileId&, const LogTileId&) = default;
};

FixedBytes<kLogTileKeySize> EncodeLogTileKey(LogTileId id);
// "merkle.bad_tile_key": not 9 bytes, not tagged, or a level above kMaxLogLevel.
Result<LogTileId> DecodeLogTileKey(ByteView key);
inline LogTileId TileOf(std::uint8_t level, std::uint64_t index) { return LogTileId{level, index / kLogTileWidth}; }

// How many node hashes a stored tile holds (1..kLogTileWidth); anything but a
// whole number of 32-byte hashes in that range is "merkle.bad_tile". This is
// the tile decoder's size limit.
Result<std::size_t> LogTileCount(ByteView value);
// The hash of node `index` (of the tile's level) if `value` is that node's
// tile and holds it. Precondition: LogTileCount(value) succeeded.
std::optional<Hash32> HashInLogTile(ByteView value, std::uint64_t index);

struct LogTileRow {
  LogTileId id;
  Bytes value;  // the tile's hashes, in index order
};

// The stored tile with that id, if any (its value, not yet checked).
using StoredLogTile = std::function<Result<std::optional<Bytes>>(LogTileId)>;

// The tile rows that a block's node writes (MerkleLog::Append's) change:
// each tile they touch, whole, its stored prefix followed by the new nodes.
// A tile the writes begin is not read. Of a stored tile that holds more
// than the nodes before the writes (a block committed since the caller read
// the tip: nodes never change, so its prefix is still right), the prefix
// is kept. Errors: "merkle.tile_gap" when the writes of a level skip an
// index or a stored tile ends before they begin (a store that does not
// match the log's size), and the stored tile's own decoding errors.
Result<std::vector<LogTileRow>> LogTileRows(const std::vector<LogNodeWrite>& writes, const StoredLogTile& stored);

// Builds tiles from nodes given one at a time in (level, index) order, as
// format 8 stores them: the conversion to format 9. Add fails with
// "merkle.tile_gap" when a level does not start at index 0 or skips one.
class LogTileAssembler {
 public:
  // Appends to `out` each tile that `id` closes (that of the previous node
  // when `id` starts another tile).
  Status Add(LogNodeId id, const Hash32& hash, std::vector<LogTileRow>& out);
  // Appends the last, possibly partial, tile.
  void Finish(std::vector<LogTileRow>& out);

 private:
  std::optional<LogNodeId> last_;
  LogTileRow current_;
};

// Checks that tiles given in key order hold exactly the nodes of a log of
// `log_size` leaves: at each level L, floor(log_size / 2^L) nodes in tiles
// 0, 1, ..., every tile full but the last. "merkle.tile_coverage" otherwise.
class LogTileCoverage {
 public:
  explicit LogTileCoverage(std::uint64_t log_size) : log_size_(log_size) {}
  Status Add(LogTileId id, std::size_t count);
  Status Finish() const;

 private:
  Status LevelComplete(unsigned level, std::uint64_t nodes) const;
  std::uint64_t log_size_;
  std::optional<LogTileId> last_;
  std::uint64_t nodes_in_level_ = 0;
};

}  // namespace jobcard::ledger
