// A damaged database file (bad disk, bad copy): the store refuses to open or
// to read, with store.corrupt naming the file, and never aborts or serves
// the damaged bytes. The damage is done to the files on disk after a flush
// and a clean close, as a disk would do it.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "ledger/chain_check.h"
#include "ledger/chain_store.h"
#include "ledger/encoding.h"
#include "node/solo_producer.h"
#include "tests/support/chain_fixture.h"
#include "tests/support/table_file_damage.h"
#include "tests/support/temp_dir.h"

namespace jobcard {
namespace {

using namespace ledger;
namespace fs = std::filesystem;

constexpr std::uint64_t kBlocks = 4;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
void WriteFile(const fs::path& p, const std::string& bytes) { std::ofstream(p, std::ios::binary | std::ios::trunc) << bytes; }

Bytes HeightKey(std::uint64_t h) {
  Writer w;
  w.U64(h);
  return std::move(w).take();
}

class StoreCorruption : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = ChainStore::Open(dir(), chain_.genesis);
    ASSERT_TRUE(store.ok()) << store.error().message;
    for (std::uint64_t h = 1; h <= kBlocks; ++h) {
      auto block = node::ProduceSoloBlock(**store, testing::SyntheticBlockTxs(chain_, h, 4), testing::SyntheticBlockTimeMs(chain_, h),
                                          chain_.validator);
      ASSERT_TRUE(block.ok()) << block.error().message;
    }
    auto header = (*store)->GetBlockHeader(2);
    ASSERT_TRUE(header.ok());
    block2_ = *header;
    auto row = (*store)->ReadRow(StoreFamily::kBlocks, HeightKey(2));
    ASSERT_TRUE(row.ok() && row->has_value());
    block2_row_ = **row;
    ASSERT_TRUE((*store)->Flush().ok());
  }

  std::string dir() const { return (dir_.path() / "data").string(); }

  // Flips one bit of block 2's tx root (a hash stored nowhere else) in the
  // table file that holds it, as a bad disk would; returns the file.
  fs::path FlipAByteOfBlock2() const {
    const std::string root(reinterpret_cast<const char*>(block2_.tx_root.data()), block2_.tx_root.size());
    auto [file, offset] = testing::FindInTableFiles(dir(), root);
    if (file.empty()) {
      ADD_FAILURE() << "no table file holds 8 bytes of block 2's tx root";
      return file;
    }
    const std::string flipped = testing::FlipBit(file, offset);
    EXPECT_EQ(flipped, "");
    return file;
  }

  testing::TempDir dir_;
  testing::TestChain chain_ = testing::MakeTestChain();
  BlockHeader block2_;
  Bytes block2_row_;
};

TEST_F(StoreCorruption, AFlippedByteInABlockIsFoundAtOpenWhenVerifying) {
  const fs::path file = FlipAByteOfBlock2();
  ASSERT_FALSE(file.empty());

  StoreOpenOptions verify;
  verify.verify_file_checksums = true;
  auto store = ChainStore::Open(dir(), chain_.genesis, verify);
  ASSERT_FALSE(store.ok()) << "a damaged table file was opened";
  EXPECT_EQ(store.error().code, "store.corrupt");
  EXPECT_NE(store.error().message.find(file.filename().string()), std::string::npos) << store.error().message;
}

// Without the open-time verification the damage is found at the first read
// of that block: an error (never an abort) or, for the node's own queries,
// a fatal message; never the damaged bytes. node check finds it first thing.
TEST_F(StoreCorruption, AFlippedByteInABlockIsNeverServed) {
  const fs::path file = FlipAByteOfBlock2();
  ASSERT_FALSE(file.empty());

  auto store = ChainStore::Open(dir(), chain_.genesis);
  if (!store.ok()) {
    // The open itself read the damaged block (the tip block shares it).
    EXPECT_EQ(store.error().code, "store.corrupt") << store.error().message;
    EXPECT_NE(store.error().message.find(file.filename().string()), std::string::npos) << store.error().message;
    return;
  }
  auto row = (*store)->ReadRow(StoreFamily::kBlocks, HeightKey(2));
  ASSERT_FALSE(row.ok()) << "the damaged block was served";
  EXPECT_EQ(row.error().code, "store.corrupt");
  EXPECT_NE(row.error().message.find(file.filename().string()), std::string::npos) << row.error().message;

  testing::TempDir replay_dir;
  auto replay = ChainStore::Open((replay_dir.path() / "replay").string(), chain_.genesis);
  ASSERT_TRUE(replay.ok());
  auto report = CheckChain(**store, **replay);
  ASSERT_TRUE(report.ok());
  ASSERT_TRUE(report->problem);
  EXPECT_EQ(report->problem->what, "database files: a block checksum does not verify");
  EXPECT_NE(report->problem->found.find(file.filename().string()), std::string::npos) << report->problem->found;
}

TEST_F(StoreCorruption, AnIntactStoreVerifiesAndServesTheSameBytes) {
  StoreOpenOptions verify;
  verify.verify_file_checksums = true;
  auto store = ChainStore::Open(dir(), chain_.genesis, verify);
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_EQ((*store)->Tip().height, kBlocks);
  auto row = (*store)->ReadRow(StoreFamily::kBlocks, HeightKey(2));
  ASSERT_TRUE(row.ok() && row->has_value());
  EXPECT_EQ(**row, block2_row_);
}

TEST_F(StoreCorruption, AGarbledCurrentFileRefusesToOpen) {
  WriteFile(fs::path(dir()) / "CURRENT", "MANIFEST-9999\x01garbage");
  auto store = ChainStore::Open(dir(), chain_.genesis);
  ASSERT_FALSE(store.ok());
  EXPECT_TRUE(store.error().code == "store.corrupt" || store.error().code == "store.open_failed") << store.error().code;
  EXPECT_NE(store.error().message.find(dir()), std::string::npos) << store.error().message;
}

// Without CURRENT, RocksDB would create a new database over the old files
// and the node would start the chain again from genesis.
TEST_F(StoreCorruption, AMissingCurrentFileRefusesToOpenInsteadOfStartingOver) {
  fs::remove(fs::path(dir()) / "CURRENT");
  auto store = ChainStore::Open(dir(), chain_.genesis);
  ASSERT_FALSE(store.ok()) << "a new database was created over the old files";
  EXPECT_EQ(store.error().code, "store.corrupt");
  EXPECT_NE(store.error().message.find("no CURRENT file"), std::string::npos) << store.error().message;
  EXPECT_FALSE(fs::exists(fs::path(dir()) / "CURRENT")) << "the open wrote a new database";
}

TEST_F(StoreCorruption, ADamagedManifestRefusesToOpen) {
  fs::path manifest;
  for (const auto& entry : fs::directory_iterator(dir())) {
    if (entry.path().filename().string().starts_with("MANIFEST-")) manifest = entry.path();
  }
  ASSERT_FALSE(manifest.empty());
  std::string bytes = ReadFile(manifest);
  ASSERT_GT(bytes.size(), 64u);
  for (std::size_t i = 16; i < bytes.size(); i += 97) bytes[i] = static_cast<char>(bytes[i] ^ 0x5a);
  WriteFile(manifest, bytes);
  auto store = ChainStore::Open(dir(), chain_.genesis);
  ASSERT_FALSE(store.ok()) << "a damaged MANIFEST was opened";
  EXPECT_EQ(store.error().code, "store.corrupt") << store.error().message;
  EXPECT_NE(store.error().message.find("MANIFEST"), std::string::npos) << store.error().message;
}

}  // namespace
}  // namespace jobcard
