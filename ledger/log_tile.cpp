#include "ledger/log_tile.h"

#include <algorithm>
#include <string>

namespace jobcard::ledger {

namespace {

Error TileGap(const std::string& what) { return MakeError("merkle.tile_gap", what); }

std::string NodeName(std::uint8_t level, std::uint64_t index) {
  return "log node (level " + std::to_string(level) + ", index " + std::to_string(index) + ")";
}

void AppendHash(Bytes& value, const Hash32& hash) { value.insert(value.end(), hash.begin(), hash.end()); }

}  // namespace

FixedBytes<kLogTileKeySize> EncodeLogTileKey(LogTileId id) {
  FixedBytes<kLogTileKeySize> key{};
  key[0] = static_cast<std::uint8_t>(kLogTileKeyTag + id.level);
  for (int i = 0; i < 8; ++i) key[1 + i] = static_cast<std::uint8_t>(id.tile >> (8 * (7 - i)));
  return key;
}

Result<LogTileId> DecodeLogTileKey(ByteView key) {
  if (key.size() != kLogTileKeySize) {
    return MakeError("merkle.bad_tile_key", "log tile key has " + std::to_string(key.size()) + " bytes, want 9");
  }
  if (key[0] < kLogTileKeyTag || key[0] - kLogTileKeyTag > kMaxLogLevel) {
    return MakeError("merkle.bad_tile_key", "log tile key begins with byte " + std::to_string(key[0]));
  }
  LogTileId id;
  id.level = static_cast<std::uint8_t>(key[0] - kLogTileKeyTag);
  for (int i = 0; i < 8; ++i) id.tile = (id.tile << 8) | key[1 + i];
  // Its first node's index within what a 2^64 - 1 leaf log can have at the
  // level (DecodeLogNodeKey's bound), so tile * 256 + slot never wraps.
  if (id.tile > ((UINT64_MAX >> id.level) >> 8)) {
    return MakeError("merkle.bad_tile_key", "log tile " + std::to_string(id.tile) + " of level " + std::to_string(id.level) +
                                                " lies beyond any 64-bit log");
  }
  return id;
}

Result<std::size_t> LogTileCount(ByteView value) {
  if (value.empty() || value.size() % 32 != 0 || value.size() > kLogTileWidth * 32) {
    return MakeError("merkle.bad_tile", "a log tile of " + std::to_string(value.size()) +
                                            " bytes (want 1 to " + std::to_string(kLogTileWidth) + " hashes of 32 bytes)");
  }
  return value.size() / 32;
}

std::optional<Hash32> HashInLogTile(ByteView value, std::uint64_t index) {
  const std::size_t slot = index % kLogTileWidth;
  if ((slot + 1) * 32 > value.size()) return std::nullopt;
  Hash32 hash{};
  std::copy_n(value.begin() + static_cast<std::ptrdiff_t>(slot * 32), 32, hash.begin());
  return hash;
}

Result<std::vector<LogTileRow>> LogTileRows(const std::vector<LogNodeWrite>& writes, const StoredLogTile& stored) {
  std::vector<const LogNodeWrite*> sorted;
  sorted.reserve(writes.size());
  for (const LogNodeWrite& w : writes) sorted.push_back(&w);
  std::sort(sorted.begin(), sorted.end(), [](const LogNodeWrite* a, const LogNodeWrite* b) {
    return a->id.level != b->id.level ? a->id.level < b->id.level : a->id.index < b->id.index;
  });
  std::vector<LogTileRow> rows;
  std::optional<LogNodeId> previous;  // the last write of the tile before
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    const LogNodeId first = sorted[i]->id;
    if (previous && previous->level == first.level && first.index != previous->index + 1) {
      return TileGap("the log's writes skip " + NodeName(first.level, previous->index + 1));
    }
    const LogTileId tile = TileOf(first.level, first.index);
    LogTileRow row{tile, {}};
    const std::size_t offset = first.index % kLogTileWidth;
    if (offset > 0) {
      auto prefix = stored(tile);
      if (!prefix.ok()) return prefix.error();
      std::size_t held = 0;
      if (*prefix) {
        auto count = LogTileCount(**prefix);
        if (!count.ok()) return count.error();
        held = *count;
        row.value = std::move(**prefix);
      }
      // More nodes than the tip's log has: a block committed since the tip
      // was read; its nodes are not this block's to keep (Commit refuses
      // this block as stale then, as it would have before tiles).
      if (held > offset) {
        held = offset;
        row.value.resize(offset * 32);
      }
      if (held != offset) {
        return TileGap("the stored log tile (level " + std::to_string(first.level) + ", tile " + std::to_string(tile.tile) +
                       ") holds " + std::to_string(held) + " nodes, but the log appends " + NodeName(first.level, first.index));
      }
    }
    row.value.reserve(kLogTileWidth * 32);
    // This tile's writes: consecutive indices of one level.
    std::uint64_t expected = first.index;
    for (; i < sorted.size() && sorted[i]->id.level == first.level && TileOf(first.level, sorted[i]->id.index) == tile; ++i) {
      if (sorted[i]->id.index != expected) return TileGap("the log's writes skip " + NodeName(first.level, expected));
      AppendHash(row.value, sorted[i]->hash);
      ++expected;
    }
    --i;  // the loop's ++i moves to the next tile's first write
    previous = sorted[i]->id;
    rows.push_back(std::move(row));
  }
  return rows;
}

Status LogTileAssembler::Add(LogNodeId id, const Hash32& hash, std::vector<LogTileRow>& out) {
  const bool same_level = last_ && last_->level == id.level;
  const std::uint64_t expected = same_level ? last_->index + 1 : 0;
  if (id.index != expected) return TileGap("the stored log lacks " + NodeName(id.level, expected));
  const LogTileId tile = TileOf(id.level, id.index);
  if (!last_ || !(TileOf(last_->level, last_->index) == tile)) {
    if (last_) out.push_back(std::move(current_));
    current_ = LogTileRow{tile, {}};
    current_.value.reserve(kLogTileWidth * 32);
  }
  AppendHash(current_.value, hash);
  last_ = id;
  return Status::Ok();
}

void LogTileAssembler::Finish(std::vector<LogTileRow>& out) {
  if (last_) out.push_back(std::move(current_));
  last_.reset();
}

Status LogTileCoverage::LevelComplete(unsigned level, std::uint64_t nodes) const {
  const std::uint64_t expected = level < 64 ? log_size_ >> level : 0;
  if (nodes == expected) return Status::Ok();
  return MakeError("merkle.tile_coverage", "the log's tiles hold " + std::to_string(nodes) + " nodes of level " +
                                               std::to_string(level) + ", a log of " + std::to_string(log_size_) +
                                               " entries has " + std::to_string(expected));
}

Status LogTileCoverage::Add(LogTileId id, std::size_t count) {
  if (!last_ || last_->level != id.level) {
    // Every level from the previous one's end up to this one is complete.
    for (unsigned level = last_ ? last_->level : 0; level < id.level; ++level) {
      JOBCARD_TRY_STATUS(LevelComplete(level, last_ && level == last_->level ? nodes_in_level_ : 0));
    }
    nodes_in_level_ = 0;
  }
  if (id.tile * kLogTileWidth != nodes_in_level_) {
    return MakeError("merkle.tile_coverage", "log tile (level " + std::to_string(id.level) + ", tile " + std::to_string(id.tile) +
                                                 ") follows " + std::to_string(nodes_in_level_) + " nodes of its level");
  }
  nodes_in_level_ += count;
  last_ = id;
  return Status::Ok();
}

Status LogTileCoverage::Finish() const {
  for (unsigned level = last_ ? last_->level : 0; level <= kMaxLogLevel; ++level) {
    JOBCARD_TRY_STATUS(LevelComplete(level, last_ && level == last_->level ? nodes_in_level_ : 0));
  }
  return Status::Ok();
}

}  // namespace jobcard::ledger
