// Store format 9: the entry log's nodes and the employer index in tiles
// (ledger/log_tile.h, ledger/employer_tile.h), and the conversion of a
// format-8 store's rows.
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ledger/chain_store.h"
#include "ledger/employer_tile.h"
#include "ledger/log_tile.h"
#include "ledger/merkle_log.h"
#include "node/solo_producer.h"
#include "tests/ledger/store_rows_support.h"
#include "tests/support/chain_fixture.h"
#include "tests/support/fixtures.h"
#include "tests/support/temp_dir.h"

namespace jobcard::ledger {
namespace {

using testing::MakeTestChain;
using testing::SyntheticBlockTimeMs;
using testing::SyntheticBlockTxs;

const std::string kFormat8("\0\0\0\0\0\0\0\10", 8);
const std::string kFormat9("\0\0\0\0\0\0\0\11", 8);

class ChainStoreTilesTest : public ::testing::Test {
 protected:
  std::string Path() const { return (dir_.path() / "db").string(); }
  std::unique_ptr<ChainStore> Open() {
    auto s = ChainStore::Open(Path(), chain_.genesis, StoreOpenOptions{});
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
    return s.ok() ? std::move(*s) : nullptr;
  }
  // Synthetic blocks (SyntheticBlockTxs with 7 subjects: enrolments, then
  // entries) until the log holds at least `log_size` entries.
  void CommitUntil(ChainStore& store, std::uint64_t log_size) {
    while (store.Tip().log_size < log_size) {
      const std::uint64_t h = store.Tip().height + 1;
      auto b = node::ProduceSoloBlock(store, SyntheticBlockTxs(chain_, h, 7), SyntheticBlockTimeMs(chain_, h), chain_.validator);
      ASSERT_TRUE(b.ok()) << b.error().message;
      ASSERT_TRUE(b->rejected.empty());
      for (const EntryId& id : b->committed_ids) leaves_.push_back(LeafHash(id));
    }
  }
  // Every leaf's inclusion proof at the tip, and the root, checked against
  // the leaves the blocks appended.
  void ExpectLogProofs(const ChainStore& store) {
    const ChainTip tip = store.Tip();
    ASSERT_EQ(tip.log_size, leaves_.size());
    auto root = store.LogRoot(tip.log_size);
    ASSERT_TRUE(root.ok()) << root.error().message;
    EXPECT_EQ(*root, tip.log_root);
    for (std::uint64_t i = 0; i < tip.log_size; i += 13) {
      auto proof = store.LogInclusionProof(i, tip.log_size);
      ASSERT_TRUE(proof.ok()) << proof.error().message;
      EXPECT_TRUE(VerifyInclusion(leaves_[i], i, tip.log_size, *proof, tip.log_root).ok()) << i;
    }
  }
  // Replaces the tiles with one row per node, as format 8 stored the log.
  // `keep`: tiles left in place (an interrupted conversion's).
  void TilesToFormat8Nodes(const std::map<Bytes, Bytes>& tiles, const std::vector<Bytes>& keep = {}) {
    EditRawDb(Path(), [&](rocksdb::DB& db, std::map<std::string, rocksdb::ColumnFamilyHandle*>& cfs) {
      for (const auto& [key, value] : tiles) {
        auto id = DecodeLogTileKey(key);
        ASSERT_TRUE(id.ok());
        const std::size_t count = *LogTileCount(value);
        for (std::size_t i = 0; i < count; ++i) {
          const std::uint64_t index = id->tile * kLogTileWidth + i;
          const auto node_key = EncodeLogNodeKey(LogNodeId{id->level, index});
          const Hash32 hash = *HashInLogTile(value, index);
          ASSERT_TRUE(db.Put(rocksdb::WriteOptions(), cfs["log_nodes"], std::string(node_key.begin(), node_key.end()),
                             std::string(hash.begin(), hash.end()))
                          .ok());
        }
        if (std::find(keep.begin(), keep.end(), key) != keep.end()) continue;
        ASSERT_TRUE(db.Delete(rocksdb::WriteOptions(), cfs["log_nodes"], std::string(key.begin(), key.end())).ok());
      }
      ASSERT_TRUE(db.Put(rocksdb::WriteOptions(), cfs["default"], "format", kFormat8).ok());
    });
  }
  // Replaces the employer index's tiles with one row per entry, as format 8
  // stored it (13 digits, the log index, the id).
  void EmployerTilesToFormat8Rows(const std::map<Bytes, Bytes>& tiles) {
    EditRawDb(Path(), [&](rocksdb::DB& db, std::map<std::string, rocksdb::ColumnFamilyHandle*>& cfs) {
      for (const auto& [key, value] : tiles) {
        auto id = DecodeEmployerTileKey(key);
        ASSERT_TRUE(id.ok());
        auto entries = DecodeEmployerTile(value, id->tile);
        ASSERT_TRUE(entries.ok());
        for (const EmployerIndexEntry& e : *entries) {
          std::string row_key = id->employer;
          for (int i = 7; i >= 0; --i) row_key.push_back(static_cast<char>(e.log_index >> (8 * i)));
          ASSERT_TRUE(db.Put(rocksdb::WriteOptions(), cfs["by_employer"], row_key, std::string(e.id.begin(), e.id.end())).ok());
        }
        ASSERT_TRUE(db.Delete(rocksdb::WriteOptions(), cfs["by_employer"], std::string(key.begin(), key.end())).ok());
      }
    });
  }
  // The store holds exactly these tiles, and reads right through them.
  void ExpectRowsAndReads(const ChainStore& store, const std::map<Bytes, Bytes>& tiles,
                          const std::map<Bytes, Bytes>& employer_tiles) {
    EXPECT_EQ(pages::Rows(store, StoreFamily::kLogNodes), tiles);
    EXPECT_EQ(pages::Rows(store, StoreFamily::kByEmployer), employer_tiles);
    ExpectLogProofs(store);
    ExpectEmployerIndex(store);
  }
  // A store of at least `log_size` entries, made format 8: its tiles (returned) rewritten as rows.
  void MakeFormat8Store(std::uint64_t log_size, std::map<Bytes, Bytes>& tiles, std::map<Bytes, Bytes>& employer_tiles) {
    {
      auto store = Open();
      ASSERT_NE(store, nullptr);
      CommitUntil(*store, log_size);
      tiles = pages::Rows(*store, StoreFamily::kLogNodes);
      employer_tiles = pages::Rows(*store, StoreFamily::kByEmployer);
    }
    TilesToFormat8Nodes(tiles);
    EmployerTilesToFormat8Rows(employer_tiles);
  }
  // Each employer's entries (career entries it records or hosts, headcounts) by log index, from the transactions.
  std::map<std::string, std::vector<std::pair<std::uint64_t, EntryId>>> ExpectedEmployerIndex(const ChainStore& store) {
    std::map<std::string, std::vector<std::pair<std::uint64_t, EntryId>>> out;
    for (std::uint64_t h = 1; h <= store.Tip().height; ++h) {
      auto block = store.GetBlock(h);
      EXPECT_TRUE(block.ok());
      if (!block.ok()) return out;
      for (const Tx& tx : block->txs) {
        const EntryId id = TxId(chain_.genesis.chain_id, tx);
        const std::uint64_t log_index = store.GetTxLocation(id)->log_index;
        if (const auto* e = std::get_if<CareerEntry>(&tx.body)) {
          out[e->employer.str()].push_back({log_index, id});
          if (e->host_employer != CorporateNumber{}) out[e->host_employer.str()].push_back({log_index, id});
        } else if (const auto* hc = std::get_if<Headcount>(&tx.body)) {
          out[hc->employer.str()].push_back({log_index, id});
        }
      }
    }
    return out;
  }
  // EmployerTxIds from several starting log indexes and with several limits,
  // against the transactions.
  void ExpectEmployerIndex(const ChainStore& store) {
    const auto expected = ExpectedEmployerIndex(store);
    ASSERT_FALSE(expected.empty());
    for (const auto& [digits, entries] : expected) {
      auto employer = CorporateNumber::Parse(digits);
      ASSERT_TRUE(employer.ok());
      for (std::uint64_t from : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{100}, std::uint64_t{255},
                                 std::uint64_t{256}, std::uint64_t{257}, store.Tip().log_size}) {
        for (std::size_t limit : {std::size_t{1}, std::size_t{7}, std::size_t{100000}}) {
          std::vector<EntryId> want;
          for (const auto& [log_index, id] : entries) {
            if (log_index >= from && want.size() < limit) want.push_back(id);
          }
          EXPECT_EQ(store.EmployerTxIds(*employer, from, limit), want) << digits << " from " << from << " limit " << limit;
        }
      }
    }
  }
  std::string FormatOf() {
    std::string format;
    EditRawDb(Path(), [&](rocksdb::DB& db, std::map<std::string, rocksdb::ColumnFamilyHandle*>& cfs) {
      EXPECT_TRUE(db.Get(rocksdb::ReadOptions(), cfs["default"], "format", &format).ok());
    });
    return format;
  }
  void DeleteNodeRow(LogNodeId id) {
    EditRawDb(Path(), [&](rocksdb::DB& db, std::map<std::string, rocksdb::ColumnFamilyHandle*>& cfs) {
      const auto key = EncodeLogNodeKey(id);
      ASSERT_TRUE(db.Delete(rocksdb::WriteOptions(), cfs["log_nodes"], std::string(key.begin(), key.end())).ok());
    });
  }

  testing::TempDir dir_;
  testing::TestChain chain_ = MakeTestChain();
  std::vector<Hash32> leaves_;
};

// Every row of `log_nodes` is a tile, the tiles hold exactly the log's
// nodes, and the proofs and root read through them are right.
TEST_F(ChainStoreTilesTest, TheLogIsStoredAsTiles) {
  auto store = Open();
  CommitUntil(*store, 260);
  const auto rows = pages::Rows(*store, StoreFamily::kLogNodes);
  LogTileCoverage coverage(store->Tip().log_size);
  for (const auto& [key, value] : rows) {
    auto id = DecodeLogTileKey(key);
    ASSERT_TRUE(id.ok()) << ToHex(key);
    auto count = LogTileCount(value);
    ASSERT_TRUE(count.ok());
    ASSERT_TRUE(coverage.Add(*id, *count).ok());
  }
  EXPECT_TRUE(coverage.Finish().ok());
  // Far fewer rows than nodes (~2 per leaf): a tile per 256 nodes of a level, at least one per level.
  EXPECT_LT(rows.size(), 20u);
  ExpectLogProofs(*store);
}

// Every row of `by_employer` is a tile, and the index reads as the
// transactions say, from any log index and with any limit.
TEST_F(ChainStoreTilesTest, TheEmployerIndexIsStoredAsTiles) {
  auto store = Open();
  CommitUntil(*store, 600);
  const auto rows = pages::Rows(*store, StoreFamily::kByEmployer);
  std::size_t listed = 0;
  for (const auto& [key, value] : rows) {
    auto id = DecodeEmployerTileKey(key);
    ASSERT_TRUE(id.ok()) << ToHex(key);
    auto entries = DecodeEmployerTile(value, id->tile);
    ASSERT_TRUE(entries.ok());
    listed += entries->size();
  }
  std::size_t expected = 0;
  for (const auto& [digits, entries] : ExpectedEmployerIndex(*store)) expected += entries.size();
  EXPECT_EQ(listed, expected);
  EXPECT_LT(rows.size(), expected / 4);
  ExpectEmployerIndex(*store);
}

// A format-8 store (one row per node, one `by_employer` row per entry) is
// converted when opened: the same tiles as a store that was always format
// 9, no old row left, format 9 recorded, and the chain goes on.
TEST_F(ChainStoreTilesTest, AFormat8StoreIsConvertedToTilesWhenOpened) {
  std::map<Bytes, Bytes> tiles, employer_tiles;
  MakeFormat8Store(260, tiles, employer_tiles);
  EXPECT_EQ(FormatOf(), kFormat8);
  {
    auto store = Open();
    ASSERT_NE(store, nullptr);
    ExpectRowsAndReads(*store, tiles, employer_tiles);
    CommitUntil(*store, store->Tip().log_size + 1);
    ExpectLogProofs(*store);
    ExpectEmployerIndex(*store);
  }
  EXPECT_EQ(FormatOf(), kFormat9);
}

// A conversion interrupted after some of its batches left tiles beside the
// node rows (here a short copy of the last level-0 tile, as an older
// conversion wrote before more blocks came): the next open writes every
// tile again from the node rows.
TEST_F(ChainStoreTilesTest, AnInterruptedConversionIsDoneAgainOnTheNextOpen) {
  std::map<Bytes, Bytes> tiles;
  {
    auto store = Open();
    CommitUntil(*store, 260);
    tiles = pages::Rows(*store, StoreFamily::kLogNodes);
  }
  const auto last_level0 = EncodeLogTileKey(LogTileId{0, 1});
  const Bytes last_key(last_level0.begin(), last_level0.end());
  ASSERT_TRUE(tiles.count(last_key));
  TilesToFormat8Nodes(tiles, {last_key});
  EditRawDb(Path(), [&](rocksdb::DB& db, std::map<std::string, rocksdb::ColumnFamilyHandle*>& cfs) {
    const Bytes& whole = tiles.at(last_key);
    ASSERT_TRUE(db.Put(rocksdb::WriteOptions(), cfs["log_nodes"], std::string(last_key.begin(), last_key.end()),
                       std::string(whole.begin(), whole.begin() + 32))
                    .ok());
  });
  auto store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(pages::Rows(*store, StoreFamily::kLogNodes), tiles);
  ExpectLogProofs(*store);
}

// Tiles that a refused conversion left and that this one would not write
// (here: a tile of a level the log does not reach, and an employer's tile
// past its entries, as rows an operator has since removed would leave) are
// cleared before the conversion writes its own, when old rows remain.
TEST_F(ChainStoreTilesTest, TilesALeftOverConversionWroteAreClearedFirst) {
  std::map<Bytes, Bytes> tiles, employer_tiles;
  MakeFormat8Store(260, tiles, employer_tiles);
  EditRawDb(Path(), [&](rocksdb::DB& db, std::map<std::string, rocksdb::ColumnFamilyHandle*>& cfs) {
    const auto stray = EncodeLogTileKey(LogTileId{20, 0});
    ASSERT_TRUE(db.Put(rocksdb::WriteOptions(), cfs["log_nodes"], std::string(stray.begin(), stray.end()), std::string(32, 'x')).ok());
    ASSERT_TRUE(db.Put(rocksdb::WriteOptions(), cfs["by_employer"], EmployerTileKey(chain_.a, 1000),
                       std::string(1, '\0') + std::string(32, 'y'))
                    .ok());
  });
  auto store = Open();
  ASSERT_NE(store, nullptr);
  ExpectRowsAndReads(*store, tiles, employer_tiles);
}

// Node rows with a gap, or that stop short of the log's size, are refused
// (store.corrupt) and left as they were: the store stays format 8.
TEST_F(ChainStoreTilesTest, AFormat8StoreMissingANodeIsRefusedAndLeftAsItWas) {
  std::map<Bytes, Bytes> tiles;
  std::uint64_t log_size = 0;
  {
    auto store = Open();
    CommitUntil(*store, 260);
    tiles = pages::Rows(*store, StoreFamily::kLogNodes);
    log_size = store->Tip().log_size;
  }
  TilesToFormat8Nodes(tiles);
  for (const LogNodeId missing : {LogNodeId{0, 100}, LogNodeId{1, log_size / 2 - 1}}) {
    SCOPED_TRACE("level " + std::to_string(missing.level) + " index " + std::to_string(missing.index));
    std::map<Bytes, Bytes> before;
    EditRawDb(Path(), [&](rocksdb::DB& db, std::map<std::string, rocksdb::ColumnFamilyHandle*>& cfs) {
      std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(rocksdb::ReadOptions(), cfs["log_nodes"]));
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        before.emplace(Bytes(it->key().data(), it->key().data() + it->key().size()),
                       Bytes(it->value().data(), it->value().data() + it->value().size()));
      }
    });
    DeleteNodeRow(missing);
    auto reopened = ChainStore::Open(Path(), chain_.genesis, StoreOpenOptions{});
    ASSERT_FALSE(reopened.ok());
    EXPECT_EQ(reopened.error().code, "store.corrupt");
    EXPECT_NE(reopened.error().message.find("entry log"), std::string::npos) << reopened.error().message;
    EXPECT_EQ(FormatOf(), kFormat8);
    // Put the row back for the next case.
    const auto key = EncodeLogNodeKey(missing);
    const Bytes node_key(key.begin(), key.end());
    ASSERT_TRUE(before.count(node_key));
    EditRawDb(Path(), [&](rocksdb::DB& db, std::map<std::string, rocksdb::ColumnFamilyHandle*>& cfs) {
      const Bytes& hash = before.at(node_key);
      ASSERT_TRUE(db.Put(rocksdb::WriteOptions(), cfs["log_nodes"], std::string(node_key.begin(), node_key.end()),
                         std::string(hash.begin(), hash.end()))
                      .ok());
    });
  }
  auto store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(pages::Rows(*store, StoreFamily::kLogNodes), tiles);
}

// A format-8 `by_employer` row that is not one (a wrong key length) is
// refused, and the store stays format 8.
TEST_F(ChainStoreTilesTest, AFormat8StoreWithADamagedEmployerRowIsRefused) {
  std::map<Bytes, Bytes> tiles, employer_tiles;
  MakeFormat8Store(40, tiles, employer_tiles);
  EditRawDb(Path(), [&](rocksdb::DB& db, std::map<std::string, rocksdb::ColumnFamilyHandle*>& cfs) {
    ASSERT_TRUE(db.Put(rocksdb::WriteOptions(), cfs["by_employer"], "1000", std::string(32, 'x')).ok());
  });
  auto reopened = ChainStore::Open(Path(), chain_.genesis, StoreOpenOptions{});
  ASSERT_FALSE(reopened.ok());
  EXPECT_EQ(reopened.error().code, "store.corrupt");
  EXPECT_NE(reopened.error().message.find("employer index"), std::string::npos) << reopened.error().message;
  EXPECT_EQ(FormatOf(), kFormat8);
}

}  // namespace
}  // namespace jobcard::ledger
