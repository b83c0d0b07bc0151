// The child of CompactionFullDisk (tests/ledger/compaction_full_disk_test.cpp):
// a store on a small tmpfs whose compaction meets a full disk. Run as a
// process of its own (not a fork of the test, whose RocksDB thread pool a
// fork would not copy: a flush then waits for ever) so that an abort inside
// RocksDB ends only this program. Prints one line a step.
//
// usage: compaction_full_disk_child DB_DIR BALLAST_FILE
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "ledger/chain_store.h"
#include "ledger/disk_reserve.h"
#include "node/solo_producer.h"
#include "tests/support/chain_fixture.h"

namespace jobcard {
namespace {

using namespace ledger;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

// The reserve (store_min_free_bytes) scaled down with the database: a
// node's 8 MiB against compactions of hundreds of MiB, here 256 KiB against
// a few MiB.
constexpr std::uint64_t kReserveBytes = 256 * 1024;
constexpr std::uint64_t kSubjectsPerBlock = 1000;  // block h holds up to 3 x this many entries
constexpr std::uint64_t kFilledBlocks = 3;         // large blocks before the disk is filled
constexpr std::size_t kSmallBlockTxs = 50;         // the blocks after: small, their flushes fit
constexpr std::uint64_t kMaxBlocks = 12;

// Writes `bytes` zeros to `path`; false if the disk refused them.
bool WriteBallast(const fs::path& path, std::uint64_t bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  const std::string chunk(1 << 16, '\0');
  for (std::uint64_t left = bytes; left > 0 && out;) {
    const std::uint64_t n = std::min<std::uint64_t>(left, chunk.size());
    out.write(chunk.data(), static_cast<std::streamsize>(n));
    left -= n;
  }
  out.flush();
  return static_cast<bool>(out);
}

// The names and sizes of the files under `dir`.
std::map<std::string, std::uintmax_t> FilesUnder(const fs::path& dir) {
  std::map<std::string, std::uintmax_t> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) files[entry.path().filename().string()] = entry.file_size(ec);
  return files;
}

// A compaction runs in the background after the flush that caused it:
// waits until no file under `dir` has appeared, gone or changed size for
// half a second (at most 10 s).
void WaitForQuietFiles(const fs::path& dir) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  auto last = FilesUnder(dir);
  for (int quiet = 0; quiet < 5 && std::chrono::steady_clock::now() < deadline;) {
    std::this_thread::sleep_for(100ms);
    auto now = FilesUnder(dir);
    quiet = now == last ? quiet + 1 : 0;
    last = std::move(now);
  }
}

// Everything that may abort. One line a step on stdout:
// "committed H", "refused H CODE MESSAGE", "flush-failed H MESSAGE", notes.
int RunChild(const fs::path& db_dir, const fs::path& ballast) {
  auto say = [](const std::string& line) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  };
  const testing::TestChain chain = testing::MakeTestChain();
  StoreOpenOptions options;
  options.min_free_bytes = kReserveBytes;
  // Pages with every block, so that the Flush after each block below only
  // flushes memtables, as the scenario needs: a write-back in Flush would
  // meet the reserve before the block it is about (that case has its own
  // test, ChainStoreBacklogTest.AWriteBackThatWouldEatTheDiskReserveIsRefused).
  options.state_page_write_back_blocks = 1;
  auto store = ChainStore::Open(db_dir.string(), chain.genesis, options);
  if (!store.ok()) {
    say("open-failed " + store.error().code + " " + store.error().message);
    return 2;
  }
  for (std::uint64_t h = 1; h <= kMaxBlocks; ++h) {
    if (h == kFilledBlocks + 1) {
      // Free: the reserve, plus a seventh of the database. The small blocks
      // after pass the reserve check and their flushes fit; the level-0
      // compaction the fourth flush starts (4 files a family: about the
      // whole database, a family at a time) does not.
      const std::uint64_t database = (*store)->ApproximateDiskBytes();
      const std::uint64_t available = AvailableDiskBytes(db_dir.string()).value_or(0);
      const std::uint64_t leave = kReserveBytes + database / 7;
      if (available <= leave || !WriteBallast(ballast, available - leave)) {
        say("ballast-failed available " + std::to_string(available));
        return 2;
      }
      say("filled database " + std::to_string(database) + " free " + std::to_string(AvailableDiskBytes(db_dir.string()).value_or(0)));
    }
    std::vector<Tx> txs = testing::SyntheticBlockTxs(chain, h, kSubjectsPerBlock);
    if (h > kFilledBlocks) txs.resize(kSmallBlockTxs);  // new subjects' enrolments only
    auto block = node::ProduceSoloBlock(**store, txs, testing::SyntheticBlockTimeMs(chain, h), chain.validator);
    if (!block.ok()) {
      say("refused " + std::to_string(h) + " " + block.error().code + " " + block.error().message);
      break;
    }
    say("committed " + std::to_string(h));
    // A long run's memtables fill and flush by themselves; here a flush a
    // block makes the level-0 files (and so the compactions) come sooner.
    if (Status flushed = (*store)->Flush(); !flushed.ok()) {
      say("flush-failed " + std::to_string(h) + " " + flushed.error().message);
      break;
    }
    WaitForQuietFiles(db_dir);
    std::size_t tables = 0;
    for (const auto& [name, size] : FilesUnder(db_dir)) tables += name.ends_with(".sst");
    say("free " + std::to_string(AvailableDiskBytes(db_dir.string()).value_or(0)) + " table-files " + std::to_string(tables));
  }
  // A clean stop closes the store (RocksDB writes on close too).
  store->reset();
  say("closed");
  return 0;
}

}  // namespace
}  // namespace jobcard

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: compaction_full_disk_child DB_DIR BALLAST_FILE\n");
    return 2;
  }
  return jobcard::RunChild(argv[1], argv[2]);
}
