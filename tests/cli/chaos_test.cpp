// Faults with real processes (issue 6): 4 validators and a full node as
// `jobcard node start` processes on 127.0.0.1, their peer links through a
// relay the test can cut, a steady stream of entries, and one fault per
// test: kill -9 and restart, SIGSTOP/SIGCONT, one validator partitioned
// away, a 2|2 partition (no quorum), a full disk, every link slow and
// unreliable, a full RocksDB directory alone, a corrupted RocksDB table
// file (refused at start, then resynced); a validator-set change (the
// admitted key listed in no node.json: peers must let it in because the set
// changed, and drop the removed one) and a validator key rotation (the stolen
// old key refused by every peer) under faults. After each: every acknowledged entry on
// every node, one chain, equal state roots (the checks are in
// tests/support/chaos_scenarios.cpp). Each scenario runs once here with a
// short stream; `make chaos` runs them many times.
#include <gtest/gtest.h>

#include <cstdio>

#include "tests/support/chaos_scenarios.h"

namespace jobcard {
namespace {

using namespace std::chrono_literals;

class ChaosTest : public ::testing::Test {
 protected:
  static testing::ChaosOptions Options() {
    testing::ChaosOptions options;
    options.jobcard_binary = JOBCARD_BINARY;
    options.stream_before = 1500ms;
    options.fault_duration = 3000ms;
    return options;
  }

  void StartNetwork(const testing::ChaosOptions& options) {
    harness_.reset();
    harness_ = std::make_unique<testing::ChaosHarness>(options);
    const std::string error = harness_->Setup();
    ASSERT_TRUE(error.empty()) << error;
  }

  void Expect(const testing::ChaosOutcome& outcome) {
    for (const auto& failure : outcome.failures) ADD_FAILURE() << outcome.scenario << ": " << failure;
    // A scenario that checked nothing proves nothing.
    EXPECT_GT(outcome.acknowledged, 0u) << outcome.scenario;
    EXPECT_EQ(outcome.present, outcome.acknowledged);
    EXPECT_EQ(outcome.forks, 0u);
    EXPECT_GE(outcome.recover_ms, 0) << outcome.scenario << ": the faulted node did not catch up";
    EXPECT_GT(outcome.checked_to, outcome.checked_from) << "no block was compared";
    if (!outcome.passed()) ADD_FAILURE() << harness_->cluster().Logs();
  }

  std::unique_ptr<testing::ChaosHarness> harness_;
};

TEST_F(ChaosTest, KilledValidatorRestartsAndCatchesUp) {
  ASSERT_NO_FATAL_FAILURE(StartNetwork(Options()));
  Expect(harness_->KillAndRestart(3));
}

TEST_F(ChaosTest, PausedValidatorResumesAndCatchesUp) {
  ASSERT_NO_FATAL_FAILURE(StartNetwork(Options()));
  Expect(harness_->PauseAndResume(2));
}

TEST_F(ChaosTest, PartitionedValidatorRejoinsAfterHeal) {
  ASSERT_NO_FATAL_FAILURE(StartNetwork(Options()));
  Expect(harness_->PartitionOne(1));
}

TEST_F(ChaosTest, TwoTwoPartitionCommitsNothingAndForksNothing) {
  ASSERT_NO_FATAL_FAILURE(StartNetwork(Options()));
  Expect(harness_->PartitionHalves());
}

TEST_F(ChaosTest, FullDiskStopsTheNodeCleanlyAndItRecovers) {
  ASSERT_NO_FATAL_FAILURE(StartNetwork(Options()));
  const testing::ChaosOutcome outcome = harness_->FullDisk(3);
  if (!outcome.skipped.empty()) GTEST_SKIP() << outcome.skipped;
  Expect(outcome);
}

// Only the RocksDB directory on a small tmpfs: the store's own free-space
// check (store_min_free_bytes, ledger/disk_reserve.h) stops the node with
// store.no_space, not the consensus WAL's. Before that reserve, RocksDB's own
// refused write was what stopped it, and in 1 of 5 runs the node aborted
// inside it (Debian's librocksdb keeps assertions: WritableFileWriter asserts
// `sync_without_flush_called_` after a refused append; RELIABILITY.md, run 3).
TEST_F(ChaosTest, FullStoreDiskStopsTheNodeOnStoreNoSpaceAndItRecovers) {
  ASSERT_NO_FATAL_FAILURE(StartNetwork(Options()));
  const testing::ChaosOutcome outcome = harness_->FullDisk(2, testing::DiskScope::kStore);
  if (!outcome.skipped.empty()) GTEST_SKIP() << outcome.skipped;
  std::printf("%s: %s\n", outcome.scenario.c_str(), outcome.note.c_str());
  Expect(outcome);
}

// A bad disk flips a bit of a block in a stopped validator's table file: it
// must refuse to start (store.corrupt, the file, `jobcard node check`)
// rather than serve wrong data, the others go on, and the operator's
// recovery (the data directory moved aside) brings it back by block sync.
TEST_F(ChaosTest, CorruptedTableFileIsRefusedAndTheNodeResyncsOnAnEmptyDataDirectory) {
  ASSERT_NO_FATAL_FAILURE(StartNetwork(Options()));
  const testing::ChaosOutcome outcome = harness_->CorruptStore(1);
  std::printf("%s: %s\n", outcome.scenario.c_str(), outcome.note.c_str());
  EXPECT_NE(outcome.note.find("(store.corrupt)"), std::string::npos) << outcome.note;
  Expect(outcome);
}

TEST_F(ChaosTest, SlowLossyLinksKeepCommittingAndLoseNothing) {
  testing::ChaosOptions options = Options();
  options.impaired_duration = 8000ms;
  options.seed = static_cast<std::uint64_t>(::testing::UnitTest::GetInstance()->random_seed());
  ASSERT_NO_FATAL_FAILURE(StartNetwork(options));
  const testing::ChaosOutcome outcome = harness_->LossyNetwork();
  RecordProperty("note", outcome.note);
  std::printf("%s: %s\n%s\n", outcome.scenario.c_str(), outcome.injected.c_str(), outcome.note.c_str());
  Expect(outcome);
}

TEST_F(ChaosTest, ValidatorSetChangeUnderKillAndPartition) {
  testing::ChaosOptions options = Options();
  options.spare_full_node = true;
  ASSERT_NO_FATAL_FAILURE(StartNetwork(options));
  const testing::ChaosOutcome outcome = harness_->ValidatorSetChange();
  std::printf("%s: %s\n", outcome.scenario.c_str(), outcome.note.c_str());
  ASSERT_TRUE(outcome.skipped.empty()) << outcome.skipped;
  Expect(outcome);
}

TEST_F(ChaosTest, RotatedValidatorKeyAndStolenOldKeyCannotSign) {
  testing::ChaosOptions options = Options();
  options.spare_full_node = true;
  options.rotate_key_of = 2;
  ASSERT_NO_FATAL_FAILURE(StartNetwork(options));
  const testing::ChaosOutcome outcome = harness_->KeyRotation();
  std::printf("%s: %s\n", outcome.scenario.c_str(), outcome.note.c_str());
  ASSERT_TRUE(outcome.skipped.empty()) << outcome.skipped;
  Expect(outcome);
}

}  // namespace
}  // namespace jobcard
