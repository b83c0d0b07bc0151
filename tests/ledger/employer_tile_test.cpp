#include "ledger/employer_tile.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <vector>

namespace jobcard::ledger {
namespace {

CorporateNumber Employer(const std::string& digits) {
  CorporateNumber n;
  std::copy(digits.begin(), digits.end(), n.digits.begin());
  return n;
}

EntryId IdOf(std::uint64_t n) {
  EntryId id{};
  for (int i = 0; i < 8; ++i) id[i] = static_cast<std::uint8_t>(n >> (8 * i));
  id[31] = 0x5a;
  return id;
}

StoredEmployerTile ReaderOf(const std::map<std::string, Bytes>& tiles) {
  return [&tiles](const std::string& key) -> Result<std::optional<Bytes>> {
    auto it = tiles.find(key);
    if (it == tiles.end()) return std::optional<Bytes>();
    return std::optional<Bytes>(it->second);
  };
}

const CorporateNumber kA = Employer("1000000000001");
const CorporateNumber kB = Employer("2000000000002");

TEST(EmployerTileKey, IsTagDigitsThenBigEndianTile) {
  const std::string key = EmployerTileKey(kA, 0x0001020304050607ull);
  EXPECT_EQ(ToHex(AsBytes(key)), ToHex(AsBytes("t1000000000001")) + "0001020304050607");
  auto id = DecodeEmployerTileKey(AsBytes(key));
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->employer, "1000000000001");
  EXPECT_EQ(id->tile, 0x0001020304050607ull);
  EXPECT_EQ(key.rfind(EmployerTilePrefix(kA), 0), 0u);
  // Every tile sorts after every format-8 row (13 digits, then a log index).
  EXPECT_LT(std::string("9999999999999") + std::string(8, '\xff'), EmployerTileKey(kA, 0));
  EXPECT_LT(EmployerTileKey(kA, 1), EmployerTileKey(kA, 2));
  EXPECT_LT(EmployerTileKey(kA, UINT64_MAX), EmployerTileKey(kB, 0));
}

TEST(EmployerTileKey, DecodeRejectsOtherKeys) {
  const std::string key = EmployerTileKey(kA, 3);
  EXPECT_EQ(DecodeEmployerTileKey(AsBytes(key.substr(0, 21))).error().code, "store.bad_employer_tile_key");
  EXPECT_EQ(DecodeEmployerTileKey(AsBytes(key + "x")).error().code, "store.bad_employer_tile_key");
  std::string untagged = key;
  untagged[0] = '1';
  EXPECT_EQ(DecodeEmployerTileKey(AsBytes(untagged)).error().code, "store.bad_employer_tile_key");
  // A tile past what a 64-bit log index can reach: its log indexes would wrap.
  EXPECT_TRUE(DecodeEmployerTileKey(AsBytes(EmployerTileKey(kA, UINT64_MAX >> 8))).ok());
  EXPECT_EQ(DecodeEmployerTileKey(AsBytes(EmployerTileKey(kA, (UINT64_MAX >> 8) + 1))).error().code, "store.bad_employer_tile_key");
}

TEST(EmployerTileValue, HoldsOneToAWidthOfEntriesInIncreasingPlaces) {
  for (std::size_t bytes : {std::size_t{0}, std::size_t{32}, std::size_t{34}, (kEmployerTileWidth + 1) * 33}) {
    EXPECT_EQ(DecodeEmployerTile(Bytes(bytes, 0), 0).error().code, "store.bad_employer_tile") << bytes;
  }
  Bytes two(66, 0);
  two[0] = 7;
  two[33] = 7;  // the same place twice
  EXPECT_EQ(DecodeEmployerTile(two, 0).error().code, "store.bad_employer_tile");
  two[33] = 9;
  two[34] = 0xee;
  auto entries = DecodeEmployerTile(two, 2);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].log_index, 2 * kEmployerTileWidth + 7);
  EXPECT_EQ((*entries)[1].log_index, 2 * kEmployerTileWidth + 9);
  EXPECT_EQ((*entries)[1].id[0], 0xee);
  // A full tile: places 0..255.
  Bytes full;
  for (std::size_t place = 0; place < kEmployerTileWidth; ++place) {
    full.push_back(static_cast<std::uint8_t>(place));
    full.insert(full.end(), 32, 1);
  }
  EXPECT_EQ(DecodeEmployerTile(full, 0)->size(), kEmployerTileWidth);
}

// Blocks of random sizes whose entries fall to three employers (a
// secondment to two): the tiles list each employer's entries in log order,
// and equal what the conversion builds from one row per entry, whatever
// the block sizes were.
TEST(EmployerTileRows, TilesMatchTheRowPerEntryIndexForRandomBlocks) {
  const CorporateNumber kC = Employer("3000000000003");
  for (std::uint32_t seed : {1u, 2u, 3u}) {
    std::mt19937_64 rng(seed);
    std::map<std::string, Bytes> tiles;
    std::map<std::pair<std::string, std::uint64_t>, EntryId> rows;  // format 8: (employer, log index) -> id
    std::uint64_t log_index = 0;
    while (log_index < 3000) {
      std::vector<EmployerIndexAddition> block;
      const std::size_t txs = std::uniform_int_distribution<std::size_t>(1, seed == 1 ? 3 : 600)(rng);
      for (std::size_t t = 0; t < txs; ++t, ++log_index) {
        const int pick = std::uniform_int_distribution<int>(0, 9)(rng);
        if (pick == 0) continue;  // an entry no employer lists (an enrolment)
        const CorporateNumber& employer = pick < 6 ? kA : pick < 9 ? kB : kC;
        block.push_back({employer, {log_index, IdOf(log_index)}});
        rows[{employer.str(), log_index}] = IdOf(log_index);
        if (pick == 9) {  // a secondment hosted by A
          block.push_back({kA, {log_index, IdOf(log_index)}});
          rows[{kA.str(), log_index}] = IdOf(log_index);
        }
      }
      auto changed = EmployerTileRows(block, ReaderOf(tiles));
      ASSERT_TRUE(changed.ok()) << changed.error().message;
      for (EmployerTileRow& row : *changed) tiles[row.key] = std::move(row.value);
    }
    // Read back in key order: the row-per-entry index, entry for entry.
    std::vector<std::pair<std::string, EmployerIndexEntry>> read;
    for (const auto& [key, value] : tiles) {
      auto id = DecodeEmployerTileKey(AsBytes(key));
      ASSERT_TRUE(id.ok());
      auto entries = DecodeEmployerTile(value, id->tile);
      ASSERT_TRUE(entries.ok()) << entries.error().message;
      for (const auto& e : *entries) read.push_back({id->employer, e});
    }
    ASSERT_EQ(read.size(), rows.size());
    std::size_t i = 0;
    EmployerTileAssembler assembler;
    std::vector<EmployerTileRow> converted;
    for (const auto& [where, id] : rows) {
      EXPECT_EQ(read[i].first, where.first);
      EXPECT_EQ(read[i].second, (EmployerIndexEntry{where.second, id}));
      ++i;
      ASSERT_TRUE(assembler.Add(Employer(where.first), {where.second, id}, converted).ok());
    }
    assembler.Finish(converted);
    std::map<std::string, Bytes> rebuilt;
    for (EmployerTileRow& row : converted) rebuilt[row.key] = std::move(row.value);
    EXPECT_EQ(rebuilt, tiles);
  }
}

TEST(EmployerTileRows, KeepsTheStoredEntriesBeforeTheAddedOnes) {
  std::map<std::string, Bytes> tiles;
  auto first = EmployerTileRows({{kA, {5, IdOf(5)}}, {kA, {9, IdOf(9)}}}, ReaderOf(tiles));
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 1u);
  tiles[(*first)[0].key] = (*first)[0].value;
  // Appending after it: the stored entries first, then a new tile.
  auto next = EmployerTileRows({{kA, {10, IdOf(10)}}, {kA, {kEmployerTileWidth, IdOf(256)}}}, ReaderOf(tiles));
  ASSERT_TRUE(next.ok());
  ASSERT_EQ(next->size(), 2u);
  auto kept = DecodeEmployerTile((*next)[0].value, 0);
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(*kept, (std::vector<EmployerIndexEntry>{{5, IdOf(5)}, {9, IdOf(9)}, {10, IdOf(10)}}));
  EXPECT_EQ(DecodeEmployerTile((*next)[1].value, 1)->front().log_index, kEmployerTileWidth);
  // The stored tile already lists log index 9 (a block committed since the
  // caller read its tip): a block prepared on the older tip keeps only what
  // came before its own entries.
  auto stale = EmployerTileRows({{kA, {7, IdOf(70)}}}, ReaderOf(tiles));
  ASSERT_TRUE(stale.ok());
  EXPECT_EQ(*DecodeEmployerTile((*stale)[0].value, 0), (std::vector<EmployerIndexEntry>{{5, IdOf(5)}, {7, IdOf(70)}}));
  auto all_later = EmployerTileRows({{kA, {3, IdOf(3)}}}, ReaderOf(tiles));
  ASSERT_TRUE(all_later.ok());
  EXPECT_EQ(*DecodeEmployerTile((*all_later)[0].value, 0), (std::vector<EmployerIndexEntry>{{3, IdOf(3)}}));
  // A damaged stored tile.
  tiles[(*first)[0].key].pop_back();
  EXPECT_EQ(EmployerTileRows({{kA, {10, IdOf(10)}}}, ReaderOf(tiles)).error().code, "store.bad_employer_tile");
  // Additions of one employer out of log order, within a tile or across two.
  const std::map<std::string, Bytes> none;
  EXPECT_EQ(EmployerTileRows({{kA, {20, IdOf(20)}}, {kA, {12, IdOf(12)}}}, ReaderOf(none)).error().code,
            "store.employer_tile_order");
  EXPECT_EQ(EmployerTileRows({{kA, {300, IdOf(300)}}, {kB, {5, IdOf(5)}}, {kA, {12, IdOf(12)}}}, ReaderOf(none)).error().code,
            "store.employer_tile_order");
}

TEST(EmployerTileAssembler, RefusesLogIndexesThatDoNotIncrease) {
  std::vector<EmployerTileRow> out;
  EmployerTileAssembler assembler;
  ASSERT_TRUE(assembler.Add(kA, {4, IdOf(4)}, out).ok());
  EXPECT_EQ(assembler.Add(kA, {4, IdOf(4)}, out).error().code, "store.employer_tile_order");
  EXPECT_EQ(assembler.Add(kA, {3, IdOf(3)}, out).error().code, "store.employer_tile_order");
  EXPECT_TRUE(assembler.Add(kB, {1, IdOf(1)}, out).ok());  // another employer starts again
}

}  // namespace
}  // namespace jobcard::ledger
