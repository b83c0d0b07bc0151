// `jobcard node start` on a fresh dev home: it starts, reports, and stops
// cleanly on SIGTERM; bad homes and flags give clear errors.
#include <gtest/gtest.h>

#include "tests/support/child_process.h"
#include "tests/support/run_process.h"
#include "tests/support/temp_dir.h"

namespace jobcard {
namespace {

// `node init --dev` in `home`, without JOBCARD_PASSPHRASE (the dev passphrase).
bool InitDevHome(const testing::TempDir& dir, const std::string& home) {
  auto init = testing::RunProcess(JOBCARD_BINARY, {"node", "init", "--dev", "--home", home}, dir.path(),
                                  {{"JOBCARD_PASSPHRASE", std::nullopt}});
  EXPECT_EQ(init.exit_code, 0) << init.err;
  return init.exit_code == 0;
}

// The exit code of `child` once it ends, waiting at most `limit`; a child
// still running then is killed and reported as -1.
int WaitAtMost(testing::ChildProcess& child, std::chrono::seconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (int code = child.TryWait(); code != -1) return code;
    child.ReadFor(std::chrono::milliseconds(50));
  }
  child.Signal(SIGKILL);
  child.Wait();
  return -1;
}

TEST(NodeStart, StartsOnADevHomeAndStopsCleanlyOnSigterm) {
  testing::TempDir dir;
  const std::string home = (dir.path() / "devnet").string();
  auto init = testing::RunProcess(JOBCARD_BINARY, {"node", "init", "--dev", "--home", home}, dir.path(),
                                  {{"JOBCARD_PASSPHRASE", std::nullopt}});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  testing::ChildProcess node(JOBCARD_BINARY, {"node", "start", "--home", home}, /*merge_stderr=*/true);
  ASSERT_TRUE(node.WaitForOutput("node started", std::chrono::seconds(30))) << node.output();
  EXPECT_NE(node.output().find("chain=jobcard-devnet"), std::string::npos) << node.output();
  EXPECT_NE(node.output().find("role=validator"), std::string::npos) << node.output();
  node.Signal(SIGTERM);
  EXPECT_TRUE(node.WaitForOutput("node stopped", std::chrono::seconds(30))) << node.output();
  EXPECT_EQ(node.Wait(), 0) << node.output();
  // The database exists and a second start reopens it.
  testing::ChildProcess again(JOBCARD_BINARY, {"node", "start", "--home", home, "--no-validator"}, true);
  ASSERT_TRUE(again.WaitForOutput("node started", std::chrono::seconds(30))) << again.output();
  EXPECT_NE(again.output().find("role=\"full node\""), std::string::npos) << again.output();
  again.Signal(SIGINT);
  EXPECT_EQ(again.Wait(), 0) << again.output();
}

// SIGTERM while the node is still starting (unlocking its key, opening and
// verifying the store): the start ends cleanly, exit 0 instead of the
// default action's 143, nothing is served, and the store opens again.
TEST(NodeStart, SigtermDuringStartUpStopsCleanly) {
  testing::TempDir dir;
  const std::string home = (dir.path() / "devnet").string();
  ASSERT_TRUE(InitDevHome(dir, home));
  // Twice: the second start opens the store the first one created and closed.
  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    testing::ChildProcess node(JOBCARD_BINARY, {"node", "start", "--home", home}, /*merge_stderr=*/true);
    // Logged before the key is unlocked (an Argon2id derivation) and the store opened.
    ASSERT_TRUE(node.WaitForOutput("node starting", std::chrono::seconds(30))) << node.output();
    node.Signal(SIGTERM);
    EXPECT_EQ(WaitAtMost(node, std::chrono::seconds(60)), 0) << node.output();
    node.ReadFor(std::chrono::milliseconds(200));
    EXPECT_NE(node.output().find("stopped during start-up"), std::string::npos) << node.output();
    EXPECT_EQ(node.output().find("api listening"), std::string::npos) << node.output();
  }
  // Nothing was left half-open: the node starts, serves and stops as usual.
  testing::ChildProcess again(JOBCARD_BINARY, {"node", "start", "--home", home}, /*merge_stderr=*/true);
  ASSERT_TRUE(again.WaitForOutput("node started", std::chrono::seconds(30))) << again.output();
  again.Signal(SIGTERM);
  EXPECT_EQ(WaitAtMost(again, std::chrono::seconds(60)), 0) << again.output();
  auto check = testing::RunProcess(JOBCARD_BINARY, {"node", "check", "--home", home}, dir.path());
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
}

TEST(NodeStart, MissingHomeIsAClearError) {
  testing::TempDir dir;
  auto r = testing::RunProcess(JOBCARD_BINARY, {"node", "start", "--home", (dir.path() / "nowhere").string()}, dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("is not a node home"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("jobcard node init --dev"), std::string::npos) << r.err;
}

TEST(NodeStart, UsageErrorsAndHelp) {
  testing::TempDir dir;
  EXPECT_EQ(testing::RunProcess(JOBCARD_BINARY, {"node", "start", "--bogus"}, dir.path()).exit_code, 2);
  auto help = testing::RunProcess(JOBCARD_BINARY, {"node", "start", "--help"}, dir.path());
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--home DIR"), std::string::npos);
  EXPECT_EQ(testing::RunProcess(JOBCARD_BINARY, {"node", "frobnicate"}, dir.path()).exit_code, 2);
}

TEST(NodeStart, WrongPassphraseFailsWithoutStarting) {
  testing::TempDir dir;
  const std::string home = (dir.path() / "devnet").string();
  ASSERT_TRUE(InitDevHome(dir, home));
  auto r = testing::RunProcess(JOBCARD_BINARY, {"node", "start", "--home", home}, dir.path(),
                               {{"JOBCARD_PASSPHRASE", "not-the-passphrase"}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("keystore.wrong_passphrase"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace jobcard
