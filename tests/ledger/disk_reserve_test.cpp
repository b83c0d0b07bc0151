// The free-space reserve (ledger/disk_reserve.h): a store whose disk has less
// free than its reserve refuses the block with store.no_space and writes
// nothing, and commits again once the reserve is one the disk can meet.
#include "ledger/disk_reserve.h"

#include <gtest/gtest.h>

#include <limits>

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

}  // namespace
}  // namespace jobcard::ledger
