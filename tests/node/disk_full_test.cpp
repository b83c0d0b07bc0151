// Which errors make the node stop with "disk full; stopping": a write the
// file system refused for lack of space, from any of the three writers a
// block goes through (RocksDB, the consensus WAL, the sign state file), and
// nothing else. The end-to-end run, a real node on a filled tmpfs, is
// ChaosTest.FullDiskStopsTheNodeCleanlyAndItRecovers (tests/cli/chaos_test.cpp).
#include <gtest/gtest.h>

#include "node/node_service.h"

namespace jobcard::node {
namespace {

TEST(DiskFull, EveryWritersNoSpaceCodeAndNothingElse) {
  for (const char* code : {"store.no_space", "wal.no_space", "sign_state.no_space"}) {
    EXPECT_TRUE(IsDiskFull(MakeError(code, "No space left on device"))) << code;
  }
  for (const char* code : {"store.io", "wal.io", "sign_state.io", "block.invalid_tx", "no_space"}) {
    EXPECT_FALSE(IsDiskFull(MakeError(code, "No space left on device"))) << code;
  }
}

}  // namespace
}  // namespace jobcard::node
