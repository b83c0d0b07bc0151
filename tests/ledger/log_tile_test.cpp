#include "ledger/log_tile.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <vector>

#include "ledger/merkle_log.h"
#include "ledger/merkle_log_tree.h"

namespace jobcard::ledger {
namespace {

Hash32 HashOf(std::uint64_t n) {
  Hash32 h{};
  for (int i = 0; i < 8; ++i) h[i] = static_cast<std::uint8_t>(n >> (8 * i));
  h[31] = 0xa5;
  return h;
}

// Tiles in a map ordered as RocksDB orders their keys, read as a LogNodeStore.
class TileMap final : public LogNodeStore {
 public:
  std::optional<Hash32> Get(std::uint8_t level, std::uint64_t index) const override {
    auto it = tiles.find(Key(TileOf(level, index)));
    if (it == tiles.end()) return std::nullopt;
    EXPECT_TRUE(LogTileCount(it->second).ok());
    return HashInLogTile(it->second, index);
  }
  StoredLogTile Reader() const {
    return [this](LogTileId id) -> Result<std::optional<Bytes>> {
      auto it = tiles.find(Key(id));
      if (it == tiles.end()) return std::optional<Bytes>();
      return std::optional<Bytes>(it->second);
    };
  }
  void Apply(const std::vector<LogTileRow>& rows) {
    for (const LogTileRow& row : rows) tiles[Key(row.id)] = row.value;
  }
  // std::string keys: bytewise ordered, as RocksDB orders them.
  static std::string Key(LogTileId id) {
    auto k = EncodeLogTileKey(id);
    return std::string(k.begin(), k.end());
  }
  std::map<std::string, Bytes> tiles;
};

TEST(LogTileKey, IsTaggedLevelThenBigEndianTile) {
  const auto key = EncodeLogTileKey(LogTileId{3, 0x0001020304050607ull});
  EXPECT_EQ(ToHex(key), "830001020304050607");
  auto back = DecodeLogTileKey(key);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, (LogTileId{3, 0x0001020304050607ull}));
  // Every tile sorts after every format-8 node row, whatever its level.
  const auto node = EncodeLogNodeKey(LogNodeId{kMaxLogLevel, 0});
  const auto tile = EncodeLogTileKey(LogTileId{0, 0});
  EXPECT_TRUE(std::lexicographical_compare(node.begin(), node.end(), tile.begin(), tile.end()));
}

TEST(LogTileKey, DecodeRejectsMalformedKeys) {
  const auto good = EncodeLogTileKey(LogTileId{0, 5});
  EXPECT_EQ(DecodeLogTileKey(ByteView(good.data(), 8)).error().code, "merkle.bad_tile_key");
  EXPECT_EQ(DecodeLogTileKey(EncodeLogNodeKey(LogNodeId{0, 5})).error().code, "merkle.bad_tile_key");
  auto level64 = good;
  level64[0] = kLogTileKeyTag + 64;
  EXPECT_EQ(DecodeLogTileKey(level64).error().code, "merkle.bad_tile_key");
  // Tiles past what a 2^64 - 1 leaf log can have at their level: a node
  // index there would wrap.
  EXPECT_TRUE(DecodeLogTileKey(EncodeLogTileKey(LogTileId{kMaxLogLevel, 0})).ok());
  EXPECT_EQ(DecodeLogTileKey(EncodeLogTileKey(LogTileId{kMaxLogLevel, 1})).error().code, "merkle.bad_tile_key");
  EXPECT_TRUE(DecodeLogTileKey(EncodeLogTileKey(LogTileId{0, UINT64_MAX >> 8})).ok());
  EXPECT_EQ(DecodeLogTileKey(EncodeLogTileKey(LogTileId{0, (UINT64_MAX >> 8) + 1})).error().code, "merkle.bad_tile_key");
}

TEST(LogTileValue, HoldsOneToAWidthOfWholeHashes) {
  for (std::size_t bytes : {std::size_t{0}, std::size_t{31}, std::size_t{33}, (kLogTileWidth + 1) * 32}) {
    EXPECT_EQ(LogTileCount(Bytes(bytes, 7)).error().code, "merkle.bad_tile") << bytes;
  }
  EXPECT_EQ(*LogTileCount(Bytes(32, 7)), 1u);
  EXPECT_EQ(*LogTileCount(Bytes(kLogTileWidth * 32, 7)), kLogTileWidth);
  Bytes two;
  for (std::uint64_t n : {10u, 11u}) {
    const Hash32 h = HashOf(n);
    two.insert(two.end(), h.begin(), h.end());
  }
  // Slots by index within the tile, whichever tile of the level it is.
  EXPECT_EQ(HashInLogTile(two, kLogTileWidth * 5 + 1), HashOf(11));
  EXPECT_EQ(HashInLogTile(two, 0), HashOf(10));
  EXPECT_FALSE(HashInLogTile(two, 2).has_value());
}

// Appends in blocks of random sizes through tiles and through one row per
// node: the same roots and proofs, the same node at every position, and
// tiles equal to what the conversion from node rows builds, whatever the
// block sizes were.
TEST(LogTileRows, TiledLogMatchesTheNodeStoreForRandomBlockSizes) {
  for (std::uint32_t seed : {1u, 2u, 3u}) {
    std::mt19937_64 rng(seed);
    TileMap tiled;
    MemoryLogNodeStore nodes;
    std::uint64_t size = 0;
    std::uint64_t next_leaf = 0;
    while (size < 3000) {
      std::vector<Hash32> leaves(std::uniform_int_distribution<std::size_t>(1, seed == 1 ? 3 : 700)(rng));
      for (Hash32& leaf : leaves) leaf = LeafHash(HashOf(next_leaf++));
      auto by_tiles = MerkleLog::Append(tiled, size, leaves);
      auto by_nodes = MerkleLog::Append(nodes, size, leaves);
      ASSERT_TRUE(by_tiles.ok()) << by_tiles.error().message;
      ASSERT_TRUE(by_nodes.ok());
      ASSERT_EQ(by_tiles->root, by_nodes->root);
      auto rows = LogTileRows(by_tiles->writes, tiled.Reader());
      ASSERT_TRUE(rows.ok()) << rows.error().message;
      tiled.Apply(*rows);
      nodes.Apply(by_nodes->writes);
      size = by_tiles->new_size;
    }
    for (std::uint64_t index : {std::uint64_t{0}, std::uint64_t{255}, std::uint64_t{256}, size / 2, size - 1}) {
      auto a = MerkleLog::InclusionProof(tiled, size, index, size);
      auto b = MerkleLog::InclusionProof(nodes, size, index, size);
      ASSERT_TRUE(a.ok()) << a.error().message;
      EXPECT_EQ(*a, *b);
    }
    // The conversion from node rows, in key order.
    LogTileAssembler assembler;
    std::vector<LogTileRow> converted;
    LogTileCoverage coverage(size);
    for (std::uint8_t level = 0; level <= kMaxLogLevel; ++level) {
      for (std::uint64_t index = 0; index < (size >> level); ++index) {
        ASSERT_EQ(tiled.Get(level, index), nodes.Get(level, index)) << int(level) << " " << index;
        ASSERT_TRUE(assembler.Add(LogNodeId{level, index}, *nodes.Get(level, index), converted).ok());
      }
      EXPECT_FALSE(tiled.Get(level, size >> level).has_value());
    }
    assembler.Finish(converted);
    TileMap rebuilt;
    rebuilt.Apply(converted);
    EXPECT_EQ(rebuilt.tiles, tiled.tiles);
    for (const auto& [key, value] : tiled.tiles) {
      ASSERT_TRUE(coverage.Add(*DecodeLogTileKey(AsBytes(key)), *LogTileCount(value)).ok());
    }
    EXPECT_TRUE(coverage.Finish().ok());
  }
}

TEST(LogTileRows, RefusesAStoredTileThatEndsBeforeTheWritesBegin) {
  TileMap tiled;
  tiled.tiles[TileMap::Key({0, 0})] = Bytes(32 * 3, 1);  // nodes 0..2
  // The log says 5 leaves: node 5 is next, but the tile ends at 3.
  auto rows = LogTileRows({{{0, 5}, HashOf(5)}}, tiled.Reader());
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.error().code, "merkle.tile_gap");
  // No stored tile at all where one is needed.
  EXPECT_EQ(LogTileRows({{{1, 2}, HashOf(2)}}, tiled.Reader()).error().code, "merkle.tile_gap");
  // A damaged stored tile.
  tiled.tiles[TileMap::Key({0, 0})] = Bytes(33, 1);
  EXPECT_EQ(LogTileRows({{{0, 3}, HashOf(3)}}, tiled.Reader()).error().code, "merkle.bad_tile");
  // Writes that skip an index, within a tile or across two.
  EXPECT_EQ(LogTileRows({{{0, 0}, HashOf(0)}, {{0, 2}, HashOf(2)}}, TileMap().Reader()).error().code, "merkle.tile_gap");
  EXPECT_EQ(LogTileRows({{{0, 254}, HashOf(254)}, {{0, 255}, HashOf(255)}, {{0, 257}, HashOf(257)}}, TileMap().Reader())
                .error()
                .code,
            "merkle.tile_gap");
  // A stored tile longer than the log the writes extend (a block committed
  // since the caller read its tip): its prefix, up to the writes, is kept.
  {
    TileMap longer;
    Bytes six;
    for (std::uint64_t n = 0; n < 6; ++n) {
      const Hash32 h = HashOf(n);
      six.insert(six.end(), h.begin(), h.end());
    }
    longer.tiles[TileMap::Key({0, 0})] = six;
    auto cut = LogTileRows({{{0, 3}, HashOf(33)}}, longer.Reader());
    ASSERT_TRUE(cut.ok()) << cut.error().message;
    ASSERT_EQ((*cut)[0].value.size(), 4u * 32);
    EXPECT_EQ(HashInLogTile((*cut)[0].value, 2), HashOf(2));
    EXPECT_EQ(HashInLogTile((*cut)[0].value, 3), HashOf(33));
  }
  // In order and contiguous: one row per tile, the stored prefix kept.
  tiled.tiles[TileMap::Key({0, 0})] = Bytes(32 * 3, 1);
  auto good = LogTileRows({{{0, 3}, HashOf(3)}, {{1, 1}, HashOf(9)}, {{1, 0}, HashOf(8)}}, tiled.Reader());
  ASSERT_TRUE(good.ok()) << good.error().message;
  ASSERT_EQ(good->size(), 2u);
  EXPECT_EQ((*good)[0].value.size(), 4u * 32);
  EXPECT_EQ(HashInLogTile((*good)[0].value, 3), HashOf(3));
  EXPECT_EQ(HashInLogTile((*good)[1].value, 0), HashOf(8));
}

TEST(LogTileAssembler, RefusesNodeRowsWithAGap) {
  std::vector<LogTileRow> out;
  LogTileAssembler skips;
  ASSERT_TRUE(skips.Add({0, 0}, HashOf(0), out).ok());
  EXPECT_EQ(skips.Add({0, 2}, HashOf(2), out).error().code, "merkle.tile_gap");
  LogTileAssembler late_start;
  ASSERT_TRUE(late_start.Add({0, 0}, HashOf(0), out).ok());
  EXPECT_EQ(late_start.Add({1, 1}, HashOf(1), out).error().code, "merkle.tile_gap");
}

TEST(LogTileCoverage, RefusesTilesThatDoNotHoldExactlyTheLogsNodes) {
  // A log of 300 leaves: level 0 has 300 nodes (tiles of 256 and 44), level 1 150, ... level 8 one.
  auto tiles_for = [](std::uint64_t size) {
    std::vector<std::pair<LogTileId, std::size_t>> tiles;
    for (std::uint8_t level = 0; level <= kMaxLogLevel; ++level) {
      for (std::uint64_t n = size >> level, tile = 0; n > 0; ++tile) {
        const std::size_t count = std::min<std::uint64_t>(n, kLogTileWidth);
        tiles.push_back({LogTileId{level, tile}, count});
        n -= count;
      }
    }
    return tiles;
  };
  auto check = [](std::uint64_t size, const std::vector<std::pair<LogTileId, std::size_t>>& tiles) -> Status {
    LogTileCoverage coverage(size);
    for (const auto& [id, count] : tiles) JOBCARD_TRY_STATUS(coverage.Add(id, count));
    return coverage.Finish();
  };
  const auto good = tiles_for(300);
  EXPECT_TRUE(check(300, good).ok());
  EXPECT_TRUE(check(0, {}).ok());
  EXPECT_EQ(check(301, good).error().code, "merkle.tile_coverage");  // level 0 lacks a node
  EXPECT_EQ(check(299, good).error().code, "merkle.tile_coverage");  // one node too many
  auto missing_level = good;
  missing_level.pop_back();  // level 8's only node
  EXPECT_EQ(check(300, missing_level).error().code, "merkle.tile_coverage");
  auto short_first = good;
  short_first[0].second = 255;  // a tile that is not the last of its level must be full
  short_first[1].second = 45;
  EXPECT_EQ(check(300, short_first).error().code, "merkle.tile_coverage");
}

}  // namespace
}  // namespace jobcard::ledger
