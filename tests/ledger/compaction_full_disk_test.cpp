// A compaction on a nearly full disk (spec/storage.md, "Full disk"). The
// store's reserve (store_min_free_bytes, ledger/disk_reserve.h) keeps a
// block's write and the flush of the memtables off a full disk, but a
// compaction writes its output (about the size of its inputs) before it
// deletes the inputs, and that can be far more than the reserve. Until
// session 11 such a compaction met ENOSPC; and in ~1 run of 6 it took the
// space a flush running beside it needed, and Debian's librocksdb (built
// with its assertions) aborted in the flush's writer. Now the store tells
// RocksDB's SstFileManager, before each block, how much room compactions may
// take (CompactionRoom): a compaction that would not leave the block, its
// flush and the reserve their room waits, and is tried again a second later.
// This runs the store in a child process (tests/tools/compaction_full_disk_child.cpp,
// so that an abort would end only the child) on a small tmpfs.
//
// The child commits 3 large blocks, each flushed to its own level-0 table
// files, then fills the tmpfs until only the reserve plus a seventh of the
// database is free: the small blocks after pass the reserve check and their
// flushes fit, and the fourth flush makes a level-0 compaction due (4 files
// a family, about the whole database) that cannot fit. It goes on
// committing (a flush after each block, as a long run would) until the
// store refuses a block, then closes the store as a clean stop does.
// Asserted: RocksDB held the compaction back (its LOG says so) and no write
// met ENOSPC; the child ends by itself with exit 0 (no abort, no assertion);
// it stopped on store.no_space; every block it was told was committed is
// there after the space returns, the table files verify, and `node check`'s
// replay agrees. Needs mount(2) (root): skipped otherwise.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>

#include "ledger/chain_check.h"
#include "ledger/chain_store.h"
#include "tests/support/chain_fixture.h"
#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"

namespace jobcard {
namespace {

using namespace ledger;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr std::uint64_t kTmpfsBytes = 64ull << 20;
constexpr std::uint64_t kFilledBlocks = 3;  // the child's blocks before it fills the disk

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

struct TmpfsMount {
  fs::path at;
  ~TmpfsMount() {
    if (!at.empty()) ::umount2(at.c_str(), MNT_DETACH);
  }
};

TEST(CompactionFullDisk, ACompactionWithoutRoomWaitsAndTheStoreStopsCleanlyLosingNothing) {
  testing::TempDir dir;
  const fs::path disk = dir.path() / "disk";
  fs::create_directories(disk);
  TmpfsMount mount;
  const std::string data = "size=" + std::to_string(kTmpfsBytes) + ",mode=0700";
  if (::mount("tmpfs", disk.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, data.c_str()) != 0) {
    GTEST_SKIP() << "mount -t tmpfs was refused (" << std::strerror(errno) << "): needs root or CAP_SYS_ADMIN";
  }
  mount.at = disk;
  const fs::path db_dir = disk / "data";
  const fs::path ballast = disk / "ballast";
  testing::ChildProcess child(std::string(JOBCARD_TOOLS_DIR) + "/compaction_full_disk_child", {db_dir.string(), ballast.string()},
                              /*merge_stderr=*/true);
  ASSERT_TRUE(child.started());
  // Bounded: a store that waits for ever on a full disk is a finding too.
  const auto deadline = std::chrono::steady_clock::now() + 240s;
  int code = -1;
  while ((code = child.TryWait()) < 0 && std::chrono::steady_clock::now() < deadline) child.ReadFor(100ms);
  if (code < 0) {
    child.Signal(SIGKILL);
    child.Wait();
  }
  child.ReadFor(100ms);
  const std::string said = child.output();
  const std::string rocksdb_log = ReadAll(db_dir / "LOG");
  std::printf("child (exit %d) said:\n%s", code, said.c_str());
  std::map<std::string, std::size_t> logged;  // lines of RocksDB's LOG that say what failed
  for (const char* what : {"No space left", "Compaction error", "Background IO error", "not enough room"}) {
    for (auto at = rocksdb_log.find(what); at != std::string::npos; at = rocksdb_log.find(what, at + 1)) ++logged[what];
    std::printf("RocksDB LOG: '%s' x%zu\n", what, logged[what]);
  }
  ASSERT_GE(code, 0) << "the store hung for 240 s on a full disk:\n" << said;
  ASSERT_EQ(code, 0) << "the store ended with " << code << " (128 + signal when killed):\n" << said;
  EXPECT_EQ(said.find("Assertion"), std::string::npos) << said;
  ASSERT_NE(said.find("filled"), std::string::npos) << said;
  ASSERT_NE(said.find("closed"), std::string::npos) << said;
  // The point of the test: a compaction was due and had no room, and RocksDB
  // held it back instead of letting it meet the full disk.
  EXPECT_GE(logged["not enough room"], 1u) << "no compaction was held back: the disk was not full enough for one\n" << said;
  EXPECT_EQ(logged["No space left"], 0u) << "a write met the full disk\n" << rocksdb_log;
  EXPECT_EQ(said.find("flush-failed"), std::string::npos) << said;
  EXPECT_NE(said.find("store.no_space"), std::string::npos) << "the store did not stop at its reserve\n" << said;

  // The last block the child was told was committed.
  std::uint64_t committed = 0;
  for (std::size_t at = said.find("committed "); at != std::string::npos; at = said.find("committed ", at + 1)) {
    committed = std::max<std::uint64_t>(committed, std::stoull(said.substr(at + 10)));
  }
  EXPECT_GT(committed, kFilledBlocks) << "no block was committed on the nearly full disk: the compaction was never reached";

  // Space returns: everything acknowledged is there and consistent.
  fs::remove(ballast);
  const testing::TestChain chain = testing::MakeTestChain();
  StoreOpenOptions verify;
  verify.verify_file_checksums = true;
  auto store = ChainStore::Open(db_dir.string(), chain.genesis, verify);
  ASSERT_TRUE(store.ok()) << store.error().code << ": " << store.error().message;
  EXPECT_EQ((*store)->Tip().height, committed);
  auto replay = ChainStore::Open((dir.path() / "replay").string(), chain.genesis);
  ASSERT_TRUE(replay.ok());
  auto checked = CheckChain(**store, **replay);
  ASSERT_TRUE(checked.ok()) << checked.error().message;
  EXPECT_FALSE(checked->problem.has_value()) << checked->problem->what << ": " << checked->problem->found;
}

}  // namespace
}  // namespace jobcard
