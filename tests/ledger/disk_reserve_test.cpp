// The free-space reserve (ledger/disk_reserve.h): a store whose disk has less
// free than its reserve refuses the block with store.no_space and writes
// nothing, and commits again once the reserve is one the disk can meet.
#include "ledger/disk_reserve.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <limits>
#include <memory>
#include <optional>

#include "ledger/chain_store.h"
#include "tests/support/chain_fixture.h"
#include "tests/support/fixtures.h"
#include "tests/support/temp_dir.h"

namespace jobcard::ledger {
namespace {

// More than any disk this test runs on has free.
constexpr std::uint64_t kUnmeetable = std::uint64_t{1} << 60;

TEST(DiskReserve, NoReserveAndASmallOneAreMet) {
  testing::TempDir dir;
  EXPECT_TRUE(CheckDiskReserve(dir.path().string(), 0).ok());
  EXPECT_TRUE(CheckDiskReserve(dir.path().string(), 1).ok());
}

TEST(DiskReserve, TheWriteItselfCountsOnTopOfTheReserve) {
  testing::TempDir dir;
  EXPECT_TRUE(CheckDiskReserve(dir.path().string(), 1, 1).ok());
  Status status = CheckDiskReserve(dir.path().string(), 1, kUnmeetable);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, "store.no_space");
  // No reserve configured: no check at all, whatever the write.
  EXPECT_TRUE(CheckDiskReserve(dir.path().string(), 0, kUnmeetable).ok());
}

TEST(DiskReserve, AReserveOverWhatIsFreeIsStoreNoSpace) {
  testing::TempDir dir;
  Status status = CheckDiskReserve(dir.path().string(), kUnmeetable);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, "store.no_space");
  EXPECT_NE(status.error().message.find("store_min_free_bytes"), std::string::npos) << status.error().message;
}

std::unique_ptr<ChainStore> OpenWithReserve(const testing::TempDir& dir, const testing::TestChain& chain,
                                            std::uint64_t reserve) {
  StoreOpenOptions options;
  options.min_free_bytes = reserve;
  auto store = ChainStore::Open((dir.path() / "db").string(), chain.genesis, options);
  EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message);
  return store.ok() ? std::move(*store) : nullptr;
}

TEST(DiskReserve, AStoreUnderItsReserveWritesNoBlockAndCommitsOnceItIsMet) {
  testing::TempDir dir;
  const testing::TestChain chain = testing::MakeTestChain();
  auto txs = testing::SyntheticBlockTxs(chain, 1, 2);
  {
    auto store = OpenWithReserve(dir, chain, kUnmeetable);
    ASSERT_NE(store, nullptr);
    auto prepared = store->PrepareBlock(txs, testing::SyntheticBlockTimeMs(chain, 1), chain.validator.public_key());
    ASSERT_TRUE(prepared.ok()) << prepared.error().message;
    CommitCertificate cert{1, 0, prepared->block_hash,
                           {SignPrecommit(chain.genesis.chain_id, 1, 0, prepared->block_hash, chain.validator)}};
    Status refused = store->Commit(*prepared, cert);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, "store.no_space");
    EXPECT_EQ(store->Tip().height, 0u);
    EXPECT_FALSE(store->GetBlock(1).ok());
  }
  // Reopened (space "freed"): nothing of the refused block was written, and
  // the same block commits.
  auto store = OpenWithReserve(dir, chain, 1);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Tip().height, 0u);
  auto prepared = store->PrepareBlock(txs, testing::SyntheticBlockTimeMs(chain, 1), chain.validator.public_key());
  ASSERT_TRUE(prepared.ok()) << prepared.error().message;
  CommitCertificate cert{1, 0, prepared->block_hash,
                         {SignPrecommit(chain.genesis.chain_id, 1, 0, prepared->block_hash, chain.validator)}};
  ASSERT_TRUE(store->Commit(*prepared, cert).ok());
  EXPECT_EQ(store->Tip().height, 1u);
}

TEST(DiskReserve, UnknownFreeSpaceAndTheExactBoundaryPass) {
  EXPECT_TRUE(JudgeDiskReserve(std::nullopt, 100, 100, "d").ok());
  EXPECT_TRUE(JudgeDiskReserve(200, 100, 100, "d").ok());
  EXPECT_EQ(JudgeDiskReserve(199, 100, 100, "d").error().code, "store.no_space");
  EXPECT_EQ(JudgeDiskReserve(50, 1, 100, "d").error().code, "store.no_space");
}

// The flush after a block writes the memtables and the block's batch to
// table files while the WAL still holds that batch: the batch counts twice.
TEST(DiskReserve, ABlocksBatchCountsTwiceAndTheMemtablesOnce) {
  EXPECT_EQ(BytesABlockWriteNeeds(3'400'000, 0), 6'800'000u);
  EXPECT_EQ(BytesABlockWriteNeeds(3'400'000, 10'000'000), 16'800'000u);
  EXPECT_EQ(BytesABlockWriteNeeds(0, 10'000'000), 10'000'000u);
  // The case CompactionFullDisk met: room for the reserve, the batch and the
  // memtables once, but not for the batch's second copy.
  const std::uint64_t reserve = 256 << 10, batch = 3'400'000, memtables = 5'000'000;
  EXPECT_EQ(JudgeDiskReserve(reserve + batch + memtables, reserve, BytesABlockWriteNeeds(batch, memtables), "d").error().code,
            "store.no_space");
  EXPECT_TRUE(JudgeDiskReserve(reserve + 2 * batch + memtables, reserve, BytesABlockWriteNeeds(batch, memtables), "d").ok());
}

// A store whose disk's free space is a figure the test sets, with a reserve
// of 1 MiB, committing synthetic blocks of `subjects` enrolments and entries.
class StoreWithSetFreeSpace {
 public:
  static constexpr std::uint64_t kReserve = 1 << 20;

  explicit StoreWithSetFreeSpace(std::size_t subjects) : subjects_(subjects) {
    StoreOpenOptions options;
    options.min_free_bytes = kReserve;
    options.available_disk_bytes = [free = free_bytes_](const std::string&) { return std::optional<std::uint64_t>(*free); };
    auto opened = ChainStore::Open(path(), chain_.genesis, options);
    EXPECT_TRUE(opened.ok()) << opened.error().message;
    if (opened.ok()) store_ = std::move(*opened);
  }

  std::string path() const { return (dir_.path() / "db").string(); }
  ChainStore& store() { return *store_; }
  bool opened() const { return store_ != nullptr; }
  void SetFree(std::uint64_t bytes) { *free_bytes_ = bytes; }

  Status CommitNext() {
    const std::uint64_t h = store_->Tip().height + 1;
    auto prepared = store_->PrepareBlock(testing::SyntheticBlockTxs(chain_, h, subjects_), testing::SyntheticBlockTimeMs(chain_, h),
                                         chain_.validator.public_key());
    if (!prepared.ok()) return prepared.error();
    CommitCertificate cert{h, 0, prepared->block_hash,
                           {SignPrecommit(chain_.genesis.chain_id, h, 0, prepared->block_hash, chain_.validator)}};
    return store_->Commit(*prepared, cert);
  }

 private:
  testing::TempDir dir_;
  const testing::TestChain chain_ = testing::MakeTestChain();
  const std::size_t subjects_;
  std::shared_ptr<std::uint64_t> free_bytes_ = std::make_shared<std::uint64_t>(std::uint64_t{1} << 40);
  std::unique_ptr<ChainStore> store_;
};

// RocksDB writes memtables out in the background, where a full disk aborts
// it; a block is therefore refused unless the disk also holds what is in the
// memtables. The disk's free space is a figure the test sets.
TEST(DiskReserve, WhatTheMemtablesHoldCountsOnTopOfTheReserve) {
  StoreWithSetFreeSpace s(20);
  ASSERT_TRUE(s.opened());
  constexpr std::uint64_t kReserve = StoreWithSetFreeSpace::kReserve;
  ChainStore& store = s.store();
  auto commit_next = [&] { return s.CommitNext(); };
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(commit_next().ok());
  const std::uint64_t unflushed = store.UnflushedBytes();
  // A block of 20 subjects is a few tens of KB; the memtables hold much more.
  ASSERT_GT(unflushed, std::uint64_t{256} << 10);

  // Room for the reserve and the block, not for the memtables: refused.
  s.SetFree(kReserve + unflushed / 2);
  Status refused = commit_next();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "store.no_space");
  EXPECT_EQ(store.Tip().height, 5u);

  // Room for all three: the same height commits.
  s.SetFree(kReserve + store.UnflushedBytes() + (std::uint64_t{1} << 20));
  ASSERT_TRUE(commit_next().ok());
  EXPECT_EQ(store.Tip().height, 6u);
}

// The store asks for the batch twice, not once: measured on a real store,
// whose WAL grows by a block's batch (sync writes, no flush at these sizes).
TEST(DiskReserve, AStoreRefusesABlockWhoseBatchFitsOnlyOnce) {
  StoreWithSetFreeSpace s(200);
  ASSERT_TRUE(s.opened());
  constexpr std::uint64_t kReserve = StoreWithSetFreeSpace::kReserve;
  ChainStore& store = s.store();
  auto commit_next = [&] { return s.CommitNext(); };
  auto wal_bytes = [&] {
    std::uint64_t total = 0;
    for (const auto& file : std::filesystem::directory_iterator(s.path())) {
      if (file.path().extension() == ".log") total += file.file_size();
    }
    return total;
  };
  ASSERT_TRUE(commit_next().ok());
  const std::uint64_t before = wal_bytes();
  ASSERT_TRUE(commit_next().ok());
  const std::uint64_t batch = wal_bytes() - before;  // block 2's batch
  ASSERT_GT(batch, std::uint64_t{50} << 10);

  // Block 3's batch is about 1.25 times block 2's (the same synthetic
  // shape, deterministic; its records are larger). Room for the reserve, the
  // memtables and 1.8 of block 2's batches: enough had the batch counted
  // once, not for the WAL's copy and the flush's.
  s.SetFree(kReserve + store.UnflushedBytes() + batch * 9 / 5);
  Status refused = commit_next();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "store.no_space");
  EXPECT_EQ(store.Tip().height, 2u);
  s.SetFree(kReserve + store.UnflushedBytes() + batch * 7 / 2);
  Status second = commit_next();
  ASSERT_TRUE(second.ok()) << "3.5 batches (" << batch << " bytes each) of room must do: " << second.error().message;
}

// A compaction may take what is available beyond the reserve and the block's
// own need: RocksDB starts one only while table files + running compactions
// + its inputs + the buffer stay under the allowed total.
TEST(CompactionRoom, LeavesTheReserveAndTheBlocksNeedToTheBlock) {
  const std::uint64_t tables = 6'000'000, available = 1'100'000, reserve = 260'000, need = 200'000;
  const CompactionRoom room = CompactionRoomFor(tables, available, reserve, need);
  EXPECT_EQ(room.max_table_bytes, tables + available - reserve);
  EXPECT_EQ(room.compaction_buffer_bytes, need);
  // What a compaction's inputs may come to: exactly the free space minus the reserve and the need.
  const std::uint64_t largest_compaction = room.max_table_bytes - tables - room.compaction_buffer_bytes;
  EXPECT_EQ(largest_compaction, available - reserve - need);
}

// A running compaction's output is written but not yet counted: the free
// space fell by it, and the total recomputed from it would be too low for the
// output to be added. While one runs the allowed total is held, never lowered;
// raised, it may be; with none running it follows the disk again.
TEST(CompactionRoom, WhileACompactionRunsTheAllowedTotalIsNotLowered) {
  const std::uint64_t tables = 6'000'000, reserve = 260'000, need = 200'000;
  const std::uint64_t before = CompactionRoomFor(tables, 3'000'000, reserve, need).max_table_bytes;
  // 2 MB of a compaction's output written since: 1 MB available.
  EXPECT_EQ(CompactionRoomFor(tables, 1'000'000, reserve, need, /*compactions_running=*/true, before).max_table_bytes, before);
  EXPECT_EQ(CompactionRoomFor(tables, 1'000'000, reserve, need, /*compactions_running=*/false, before).max_table_bytes,
            tables + 1'000'000 - reserve);
  EXPECT_EQ(CompactionRoomFor(tables, 9'000'000, reserve, need, /*compactions_running=*/true, before).max_table_bytes,
            tables + 9'000'000 - reserve);
}

TEST(CompactionRoom, ADiskAlreadyUnderItsReserveAllowsNoGrowthButIsNeverUnlimited) {
  // 0 would mean "no limit" to RocksDB.
  EXPECT_EQ(CompactionRoomFor(0, 100, 1'000, 10).max_table_bytes, 1u);
  EXPECT_EQ(CompactionRoomFor(5'000, 100, 1'000, 10).max_table_bytes, 5'000u);
}

}  // namespace
}  // namespace jobcard::ledger
