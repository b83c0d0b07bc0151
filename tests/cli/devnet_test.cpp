// A 4-validator network of real `jobcard node start` processes on
// 127.0.0.1 plus one full node, made by `jobcard devnet init`: transactions
// submitted through different nodes (the full node too), every node ends
// with the same chain; a validator killed
// with SIGKILL mid-stream, the other three go on, and the restarted one
// catches up; with two of four stopped nothing commits (no 2f+1 quorum), and
// commits resume when one comes back. Every wait is bounded.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <set>
#include <thread>

#include "tests/support/devnet_cluster.h"
#include "tests/support/run_process.h"
#include "tests/support/temp_dir.h"

namespace jobcard {
namespace {

using namespace std::chrono_literals;
constexpr std::size_t kNodes = 4;
constexpr std::size_t kFull = kNodes;  // index of the full node

class DevnetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string error = cluster_.Init();
    ASSERT_TRUE(error.empty()) << error;
  }

  void Start(std::size_t i) {
    const std::string error = cluster_.Start(i);
    ASSERT_TRUE(error.empty()) << error;
  }
  void Kill(std::size_t i, int signal) { cluster_.Stop(i, signal); }
  std::uint64_t Height(std::size_t i) { return cluster_.Height(i); }
  std::string Submit(std::size_t through) {
    const std::string id = cluster_.Submit(through);
    EXPECT_FALSE(id.empty()) << "node " << through << " refused an entry";
    return id;
  }
  template <typename Pred>
  bool WaitUntil(Pred pred, std::chrono::milliseconds timeout) { return cluster_.WaitUntil(pred, timeout); }
  bool Committed(std::size_t i, const std::string& id) { return cluster_.Committed(i, id); }
  bool AllCommitted(const std::set<std::size_t>& on, const std::vector<std::string>& ids) {
    for (std::size_t i : on) {
      for (const auto& id : ids) {
        if (!Committed(i, id)) return false;
      }
    }
    return true;
  }
  // Every node in `on` has at least `height` blocks and the same hash at each.
  void ExpectSameChain(const std::set<std::size_t>& on, std::uint64_t height) {
    for (std::uint64_t h = 1; h <= height; ++h) {
      const std::string first = cluster_.BlockHash(*on.begin(), h);
      ASSERT_FALSE(first.empty()) << "node " << *on.begin() << " has no block " << h;
      for (std::size_t i : on) EXPECT_EQ(cluster_.BlockHash(i, h), first) << "node " << i << " height " << h;
    }
  }
  void Drain() { cluster_.Drain(); }
  std::string Logs() { return cluster_.Logs(); }

  testing::DevnetCluster cluster_{{JOBCARD_BINARY, kNodes, 1, /*through_relay=*/false}};
};

TEST(DevnetInitTest, RefusesBadCountsAndAnInitialisedDirectory) {
  testing::TempDir dir;
  const testing::EnvChanges env = {{"JOBCARD_PASSPHRASE", std::nullopt}};
  for (const char* count : {"0", "17", "four"}) {
    auto bad = testing::RunProcess(JOBCARD_BINARY, {"devnet", "init", "--validators", count, "--home", "net"}, dir.path(), env);
    EXPECT_EQ(bad.exit_code, 1) << count;
    EXPECT_NE(bad.err.find("devnet.invalid"), std::string::npos) << bad.err;
  }
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "net"));
  auto ok = testing::RunProcess(JOBCARD_BINARY, {"devnet", "init", "--validators", "2", "--home", "net"}, dir.path(), env);
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "net" / "node1" / "keys" / "validator.key"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "net" / "node2"));
  auto again = testing::RunProcess(JOBCARD_BINARY, {"devnet", "init", "--validators", "2", "--home", "net"}, dir.path(), env);
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("node_init.exists"), std::string::npos) << again.err;
  for (const char* sub : {"init", "start"}) {
    auto help = testing::RunProcess(JOBCARD_BINARY, {"devnet", sub, "--help"}, dir.path(), env);
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_NE(help.out.find(std::string("usage: jobcard devnet ") + sub), std::string::npos) << help.out;
  }
}

TEST_F(DevnetTest, FourValidatorsAndAFullNodeAgreeSurviveACrashAndStallWithoutQuorum) {
  const std::set<std::size_t> all = {0, 1, 2, 3, kFull};
  for (std::size_t i = 0; i <= kFull; ++i) ASSERT_NO_FATAL_FAILURE(Start(i));
  ASSERT_TRUE(WaitUntil([&] {
    // A validator sees the three others and the full node; the full node the four validators.
    return cluster_.FullyConnected(all);
  }, 30s)) << "the nodes did not all connect\n" << Logs();

  // Entries through every node, the full node too (it gossips them); all
  // five commit them and agree.
  std::vector<std::string> ids;
  for (std::size_t k = 0; k < 10; ++k) ids.push_back(Submit(k % (kFull + 1)));
  ASSERT_TRUE(WaitUntil([&] { return AllCommitted(all, ids); }, 30s)) << Logs();
  const std::uint64_t first_height = Height(0);
  ASSERT_GE(first_height, 1u);
  ASSERT_TRUE(WaitUntil([&] {
    for (std::size_t i : all) {
      if (Height(i) < first_height) return false;
    }
    return true;
  }, 10s));
  ExpectSameChain(all, first_height);

  // SIGKILL one validator mid-stream: the other three (2f+1 of 4) go on.
  ids.clear();
  ids.push_back(Submit(0));
  ids.push_back(Submit(3));
  Kill(3, SIGKILL);
  for (std::size_t k = 0; k < 6; ++k) ids.push_back(Submit(k % 3));
  const std::set<std::size_t> three = {0, 1, 2};
  // The one submitted to node 3 may have died with it before any gossip.
  std::vector<std::string> surviving(ids.begin(), ids.end());
  surviving.erase(surviving.begin() + 1);
  ASSERT_TRUE(WaitUntil([&] { return AllCommitted(three, surviving); }, 30s)) << Logs();

  // Restarted, it catches up to the same chain.
  ASSERT_NO_FATAL_FAILURE(Start(3));
  const std::uint64_t second_height = Height(0);
  ASSERT_GT(second_height, first_height);
  ASSERT_TRUE(WaitUntil([&] { return Height(3) >= second_height && Height(kFull) >= second_height; }, 30s)) << Logs();
  ExpectSameChain(all, second_height);

  // Two of four stopped: no quorum, nothing commits.
  Kill(2, SIGTERM);
  Kill(3, SIGTERM);
  const std::uint64_t stalled_height = std::max(Height(0), Height(1));
  const std::string stuck = Submit(1);
  std::this_thread::sleep_for(4s);
  Drain();
  EXPECT_FALSE(Committed(0, stuck));
  EXPECT_FALSE(Committed(1, stuck));
  EXPECT_EQ(Height(0), stalled_height);
  EXPECT_EQ(Height(1), stalled_height);

  // One comes back: three of four again, the pending entry commits.
  ASSERT_NO_FATAL_FAILURE(Start(2));
  ASSERT_TRUE(WaitUntil([&] { return AllCommitted(three, {stuck}); }, 30s)) << Logs();
  const std::uint64_t final_height = Height(0);
  const std::set<std::size_t> up = {0, 1, 2, kFull};
  ASSERT_TRUE(WaitUntil([&] { return Height(1) >= final_height && Height(2) >= final_height && Height(kFull) >= final_height; }, 10s));
  ExpectSameChain(up, final_height);
}

}  // namespace
}  // namespace jobcard
