// Store format 8: the state index's pages wait in memory for a few blocks
// (ledger/smt_page_backlog.h) and are written every N blocks; a store
// stopped with pages waiting rebuilds them from the blocks' changes rows
// when it opens.
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ledger/chain_store.h"
#include "ledger/smt_page.h"
#include "ledger/sparse_merkle.h"
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

const std::string kChangesPrefix = "smt.pending";

class ChainStoreBacklogTest : public ::testing::Test {
 protected:
  std::string Path(const std::string& name = "db") const { return (dir_.path() / name).string(); }
  std::unique_ptr<ChainStore> Open(std::uint32_t write_back_blocks, const std::string& name = "db") {
    StoreOpenOptions options;
    options.state_page_write_back_blocks = write_back_blocks;
    return Open(options, name);
  }
  std::unique_ptr<ChainStore> Open(const StoreOpenOptions& options, const std::string& name = "db") {
    auto s = ChainStore::Open(Path(name), chain_.genesis, options);
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
    return s.ok() ? std::move(*s) : nullptr;
  }
  // Block `h`'s transactions, made once, so that two stores can commit the
  // very same ones (an entry's payload is sealed afresh each time it is built).
  const std::vector<Tx>& Txs(std::uint64_t h) {
    auto [it, made] = txs_.try_emplace(h);
    if (made) it->second = SyntheticBlockTxs(chain_, h, 4);
    return it->second;
  }
  void CommitNext(ChainStore& store) {
    const std::uint64_t h = store.Tip().height + 1;
    auto b = node::ProduceSoloBlock(store, Txs(h), SyntheticBlockTimeMs(chain_, h), chain_.validator);
    ASSERT_TRUE(b.ok()) << b.error().message;
    ASSERT_TRUE(b->rejected.empty()) << b->rejected[0].status.error().message;
  }
  // The heights of the blocks whose changes rows the store holds.
  static std::vector<std::uint64_t> ChangesRows(const ChainStore& store) {
    std::vector<std::uint64_t> heights;
    for (const auto& [key, value] : pages::Rows(store, StoreFamily::kMeta)) {
      const std::string k(key.begin(), key.end());
      if (k.rfind(kChangesPrefix, 0) != 0) continue;
      std::uint64_t h = 0;
      for (std::size_t i = kChangesPrefix.size(); i < k.size(); ++i) h = h << 8 | static_cast<std::uint8_t>(k[i]);
      heights.push_back(h);
    }
    return heights;
  }

  testing::TempDir dir_;
  testing::TestChain chain_ = MakeTestChain();
  std::map<std::uint64_t, std::vector<Tx>> txs_;
};

// With N = 4: blocks 1-3 leave `smt_pages` as the genesis wrote it and each
// writes a changes row, while every proof and the next block's build read
// the tip's tree through the backlog; block 4 writes the pages of the tip's
// tree and deletes the three rows.
TEST_F(ChainStoreBacklogTest, PagesWaitInMemoryAndAreWrittenWithEveryFourthBlock) {
  auto store = Open(4);
  const auto genesis_pages = pages::Rows(*store, StoreFamily::kSmtPages);
  ASSERT_EQ(genesis_pages, pages::TipTreePages(*store));
  for (std::uint64_t h = 1; h <= 3; ++h) {
    CommitNext(*store);
    SCOPED_TRACE("block " + std::to_string(h));
    EXPECT_EQ(pages::Rows(*store, StoreFamily::kSmtPages), genesis_pages);
    EXPECT_EQ(ChangesRows(*store).size(), h);
    pages::ExpectSubjectProofs(*store, 4 * h);
  }
  EXPECT_EQ(ChangesRows(*store), (std::vector<std::uint64_t>{1, 2, 3}));
  CommitNext(*store);
  EXPECT_TRUE(ChangesRows(*store).empty());
  EXPECT_NE(pages::Rows(*store, StoreFamily::kSmtPages), genesis_pages);
  EXPECT_EQ(pages::Rows(*store, StoreFamily::kSmtPages), pages::TipTreePages(*store));
  pages::ExpectSubjectProofs(*store, 16);
}

// The backlog changes what is stored only in when: a store writing every
// block and one writing every fourth reach the same tips block after block,
// and the same page rows once both have written theirs.
TEST_F(ChainStoreBacklogTest, WritingEveryBlockOrEveryFourthGivesTheSameTipsAndPages) {
  auto every = Open(1, "every");
  auto fourth = Open(4, "fourth");
  for (std::uint64_t h = 1; h <= 10; ++h) {
    CommitNext(*every);
    CommitNext(*fourth);
    ASSERT_EQ(fourth->Tip(), every->Tip()) << "block " << h;
    EXPECT_TRUE(ChangesRows(*every).empty());
  }
  ASSERT_EQ(ChangesRows(*fourth), (std::vector<std::uint64_t>{9, 10}));
  ASSERT_TRUE(fourth->WriteBackStatePages().ok());
  EXPECT_TRUE(ChangesRows(*fourth).empty());
  EXPECT_EQ(pages::Rows(*fourth, StoreFamily::kSmtPages), pages::Rows(*every, StoreFamily::kSmtPages));
  EXPECT_EQ(pages::Rows(*fourth, StoreFamily::kSmtPages), pages::TipTreePages(*fourth));
}

// The backlog's memory is bounded in bytes too: once the pages waiting
// hold the bound, the next block writes them, however few blocks wait.
TEST_F(ChainStoreBacklogTest, ABacklogThatReachesItsByteBoundIsWrittenWithTheNextBlock) {
  StoreOpenOptions options;
  options.state_page_write_back_blocks = 1000;
  options.state_page_backlog_bytes = 1;  // any page waiting reaches it
  auto store = Open(options);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->PageBacklogBytes(), 0u);
  CommitNext(*store);
  EXPECT_EQ(ChangesRows(*store), (std::vector<std::uint64_t>{1})) << "an empty backlog is under any bound";
  EXPECT_GT(store->PageBacklogBytes(), 0u) << "block 1's pages wait";
  CommitNext(*store);
  EXPECT_TRUE(ChangesRows(*store).empty()) << "block 1's pages reached the bound: block 2 wrote them";
  EXPECT_EQ(store->PageBacklogBytes(), 0u) << "written, the backlog lets go of its pages";
  EXPECT_EQ(pages::Rows(*store, StoreFamily::kSmtPages), pages::TipTreePages(*store));
  CommitNext(*store);
  EXPECT_EQ(ChangesRows(*store), (std::vector<std::uint64_t>{3}));
}

// What a rebuild after a kill must read is bounded too: once the changes
// rows of the blocks whose pages wait hold the bound, the next block writes
// the pages and deletes those rows, however few pages wait.
TEST_F(ChainStoreBacklogTest, ChangesRowsThatReachTheirByteBoundAreWrittenBackWithTheNextBlock) {
  StoreOpenOptions options;
  options.state_page_write_back_blocks = 1000;
  options.state_changes_backlog_bytes = 1;  // any changes row reaches it
  auto store = Open(options);
  ASSERT_NE(store, nullptr);
  CommitNext(*store);
  EXPECT_EQ(ChangesRows(*store), (std::vector<std::uint64_t>{1})) << "before block 1 no changes row waited: under any bound";
  CommitNext(*store);
  EXPECT_TRUE(ChangesRows(*store).empty()) << "block 1's changes row reached the bound: block 2 wrote the pages";
  EXPECT_EQ(pages::Rows(*store, StoreFamily::kSmtPages), pages::TipTreePages(*store));
  CommitNext(*store);
  EXPECT_EQ(ChangesRows(*store), (std::vector<std::uint64_t>{3})) << "the count starts again after a write-back";
  ASSERT_TRUE(store->WriteBackStatePages().ok());
  CommitNext(*store);
  EXPECT_EQ(ChangesRows(*store), (std::vector<std::uint64_t>{4})) << "... and after one outside a block";
}

// A store closed (or killed) with pages waiting has their blocks' changes
// rows and the tree from before them. Opening it rebuilds the tip's tree
// from them, checks it against the tip's state root, writes it and deletes
// the rows: the store then holds what a store that wrote every block holds,
// and goes on from there.
TEST_F(ChainStoreBacklogTest, AStoreStoppedWithPagesWaitingRebuildsThemWhenOpened) {
  auto every = Open(1, "every");
  {
    auto fourth = Open(4);
    for (int i = 0; i < 6; ++i) {
      CommitNext(*every);
      CommitNext(*fourth);
    }
    ASSERT_EQ(ChangesRows(*fourth), (std::vector<std::uint64_t>{5, 6}));
  }  // no Flush: as after a kill, the rows are all that is left of the backlog
  StoreOpenOptions options;
  options.state_page_write_back_blocks = 4;
  std::vector<std::array<std::uint64_t, 3>> announced;  // first, last, keys
  options.before_page_rebuild = [&](std::uint64_t first, std::uint64_t last, std::uint64_t keys) {
    announced.push_back({first, last, keys});
  };
  auto reopened = Open(options);
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(reopened->RebuiltPageBlocks(), 2u);
  // Said once, before the work, with the blocks and the distinct keys:
  // block 5 enrols subjects 16-19, hires 12-15 and moves 8-11, block 6
  // enrols 20-23, hires 16-19 and moves 12-15, so 24 changes to 16 keys.
  ASSERT_EQ(announced.size(), 1u);
  EXPECT_EQ(announced[0][0], 5u);
  EXPECT_EQ(announced[0][1], 6u);
  EXPECT_EQ(announced[0][2], 16u);
  EXPECT_EQ(reopened->Tip(), every->Tip());
  EXPECT_TRUE(ChangesRows(*reopened).empty());
  EXPECT_EQ(pages::Rows(*reopened, StoreFamily::kSmtPages), pages::Rows(*every, StoreFamily::kSmtPages));
  pages::ExpectSubjectProofs(*reopened, 24);
  for (int i = 0; i < 3; ++i) {
    CommitNext(*every);
    CommitNext(*reopened);
    ASSERT_EQ(reopened->Tip(), every->Tip());
  }
}

// Flush (a clean shutdown) writes the waiting pages, so the next Open has
// nothing to rebuild.
TEST_F(ChainStoreBacklogTest, FlushWritesTheWaitingPages) {
  auto store = Open(4);
  CommitNext(*store);
  CommitNext(*store);
  ASSERT_EQ(ChangesRows(*store).size(), 2u);
  ASSERT_TRUE(store->Flush().ok());
  EXPECT_TRUE(ChangesRows(*store).empty());
  EXPECT_EQ(pages::Rows(*store, StoreFamily::kSmtPages), pages::TipTreePages(*store));
  store.reset();
  StoreOpenOptions options;
  options.state_page_write_back_blocks = 4;
  bool announced = false;
  options.before_page_rebuild = [&](std::uint64_t, std::uint64_t, std::uint64_t) { announced = true; };
  auto reopened = Open(options);
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(reopened->RebuiltPageBlocks(), 0u) << "a clean stop leaves nothing to rebuild";
  EXPECT_FALSE(announced) << "nothing to rebuild, nothing to announce";
}

// A write-back outside a block (Flush at a stop) is held to the disk reserve
// as a block is: refused with store.no_space, the waiting pages and their
// rows left as they were, and done once there is room.
TEST_F(ChainStoreBacklogTest, AWriteBackThatWouldEatTheDiskReserveIsRefused) {
  auto available = std::make_shared<std::uint64_t>(1ull << 40);
  StoreOpenOptions options;
  options.state_page_write_back_blocks = 4;
  options.min_free_bytes = 1 << 20;
  options.available_disk_bytes = [available](const std::string&) { return std::optional<std::uint64_t>(*available); };
  auto store = ChainStore::Open(Path(), chain_.genesis, options);
  ASSERT_TRUE(store.ok()) << store.error().message;
  CommitNext(**store);
  CommitNext(**store);
  *available = (1 << 20) + 100;  // the reserve and a hundred bytes
  const Status refused = (*store)->WriteBackStatePages();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "store.no_space");
  EXPECT_EQ(ChangesRows(**store), (std::vector<std::uint64_t>{1, 2}));
  pages::ExpectSubjectProofs(**store, 8);
  *available = 1ull << 40;
  ASSERT_TRUE((*store)->WriteBackStatePages().ok());
  EXPECT_TRUE(ChangesRows(**store).empty());
  EXPECT_EQ(pages::Rows(**store, StoreFamily::kSmtPages), pages::TipTreePages(**store));
}

// Damage to the changes rows cannot give a wrong tree: the rebuilt root must
// be the tip's, and rows must run without a gap up to the tip.
TEST_F(ChainStoreBacklogTest, DamagedChangesRowsAreRefusedWhenOpened) {
  struct Damage {
    const char* name;
    std::function<void(rocksdb::DB&, rocksdb::ColumnFamilyHandle*, const std::string& row1, const std::string& row2)> apply;
    const char* message;
  };
  const std::vector<Damage> damages = {
      {"the first row lost",
       [](rocksdb::DB& db, rocksdb::ColumnFamilyHandle* meta, const std::string& row1, const std::string&) {
         ASSERT_TRUE(db.Delete(rocksdb::WriteOptions(), meta, row1).ok());
       },
       "rebuilding the state index"},
      {"the last row lost",
       [](rocksdb::DB& db, rocksdb::ColumnFamilyHandle* meta, const std::string&, const std::string& row2) {
         ASSERT_TRUE(db.Delete(rocksdb::WriteOptions(), meta, row2).ok());
       },
       "not at the tip"},
      {"a value changed",
       [](rocksdb::DB& db, rocksdb::ColumnFamilyHandle* meta, const std::string&, const std::string& row2) {
         std::string value;
         ASSERT_TRUE(db.Get(rocksdb::ReadOptions(), meta, row2, &value).ok());
         value[32 + 4 + 32 + 1] = static_cast<char>(value[32 + 4 + 32 + 1] ^ 1);  // the first change's value
         ASSERT_TRUE(db.Put(rocksdb::WriteOptions(), meta, row2, value).ok());
       },
       "do not give the tip's state root"},
      {"a row cut short",
       [](rocksdb::DB& db, rocksdb::ColumnFamilyHandle* meta, const std::string& row1, const std::string&) {
         ASSERT_TRUE(db.Put(rocksdb::WriteOptions(), meta, row1, std::string(10, '\0')).ok());
       },
       "unreadable"},
  };
  for (const Damage& damage : damages) {
    SCOPED_TRACE(damage.name);
    const std::string name = std::string("db-") + std::to_string(&damage - damages.data());
    {
      auto store = Open(4, name);
      CommitNext(*store);
      CommitNext(*store);
    }
    const auto key = [](std::uint64_t h) {
      std::string k = kChangesPrefix;
      for (int shift = 56; shift >= 0; shift -= 8) k.push_back(static_cast<char>(h >> shift));
      return k;
    };
    EditRawDb(Path(name), [&](rocksdb::DB& db, std::map<std::string, rocksdb::ColumnFamilyHandle*>& cfs) {
      damage.apply(db, cfs["default"], key(1), key(2));
    });
    StoreOpenOptions options;
    options.state_page_write_back_blocks = 4;
    auto reopened = ChainStore::Open(Path(name), chain_.genesis, options);
    ASSERT_FALSE(reopened.ok());
    EXPECT_EQ(reopened.error().code, "store.corrupt");
    EXPECT_NE(reopened.error().message.find(damage.message), std::string::npos) << reopened.error().message;
  }
}

// A stored page that no longer decodes is damage too when the rebuild at
// open reads it: store.corrupt, naming the page, not the decoder's own code.
TEST_F(ChainStoreBacklogTest, ADamagedPageIsRefusedWhenTheBacklogIsRebuilt) {
  {
    auto store = Open(4, "db-page");
    CommitNext(*store);
    CommitNext(*store);
  }
  EditRawDb(Path("db-page"), [&](rocksdb::DB& db, std::map<std::string, rocksdb::ColumnFamilyHandle*>& cfs) {
    const std::string root_page(1, '\0');  // the root's page: level 0, no path byte
    std::string value;
    ASSERT_TRUE(db.Get(rocksdb::ReadOptions(), cfs["smt_pages"], root_page, &value).ok());
    value.pop_back();
    ASSERT_TRUE(db.Put(rocksdb::WriteOptions(), cfs["smt_pages"], root_page, value).ok());
  });
  StoreOpenOptions options;
  options.state_page_write_back_blocks = 4;
  auto reopened = ChainStore::Open(Path("db-page"), chain_.genesis, options);
  ASSERT_FALSE(reopened.ok());
  EXPECT_EQ(reopened.error().code, "store.corrupt");
  EXPECT_NE(reopened.error().message.find("state index page 00 does not decode"), std::string::npos) << reopened.error().message;
}

// A format-7 store (pages written with every block, no changes rows) opens
// as format 8 with nothing else changed (then 9, its log already in tiles
// here: chain_store_tiles_test.cpp converts format 8's rows).
TEST_F(ChainStoreBacklogTest, AFormat7StoreIsRecordedAsFormat8WhenOpened) {
  std::map<Bytes, Bytes> stored_pages;
  {
    auto store = Open(1);
    for (int i = 0; i < 3; ++i) CommitNext(*store);
    stored_pages = pages::Rows(*store, StoreFamily::kSmtPages);
  }
  EditRawDb(Path(), [](rocksdb::DB& db, std::map<std::string, rocksdb::ColumnFamilyHandle*>& cfs) {
    ASSERT_TRUE(db.Put(rocksdb::WriteOptions(), cfs["default"], "format", std::string("\0\0\0\0\0\0\0\7", 8)).ok());
  });
  auto store = Open(4);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(pages::Rows(*store, StoreFamily::kSmtPages), stored_pages);
  const auto meta = pages::Rows(*store, StoreFamily::kMeta);
  const auto it = meta.find(Bytes{'f', 'o', 'r', 'm', 'a', 't'});
  ASSERT_NE(it, meta.end());
  EXPECT_EQ(it->second, (Bytes{0, 0, 0, 0, 0, 0, 0, 9}));
  CommitNext(*store);
  EXPECT_EQ(ChangesRows(*store), (std::vector<std::uint64_t>{4}));
}

}  // namespace
}  // namespace jobcard::ledger
