// Operations with the real `jobcard` binary (issue 6): `node check` on a
// running and on a cleanly stopped node, `node start` on a data directory
// with a damaged file, and node.json's log_level.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <thread>
#include <nlohmann/json.hpp>

#include "crypto/hash.h"
#include "crypto/keystore.h"
#include "ledger/json_fields.h"
#include "ledger/tx_json.h"
#include "tests/support/child_process.h"
#include "tests/support/http_client.h"
#include "tests/support/run_process.h"
#include "tests/support/temp_dir.h"

namespace jobcard {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

constexpr auto kStartTimeout = seconds(60);

// A fresh dev home whose API listens on a port the kernel picks.
fs::path InitHome(const testing::TempDir& dir, const nlohmann::json& settings = nlohmann::json::object()) {
  const fs::path home = dir.path() / "devnet";
  auto init = testing::RunProcess(JOBCARD_BINARY, {"node", "init", "--dev", "--home", home.string()}, dir.path(),
                                  {{"JOBCARD_PASSPHRASE", std::nullopt}});
  EXPECT_EQ(init.exit_code, 0) << init.err;
  std::ifstream in(home / "node.json");
  nlohmann::json config = nlohmann::json::parse(in, nullptr, false);
  EXPECT_TRUE(config.is_object());
  config["api_listen"] = "127.0.0.1:0";
  for (const auto& [key, value] : settings.items()) config[key] = value;
  std::ofstream(home / "node.json", std::ios::trunc) << config.dump(2) << "\n";
  return home;
}

std::unique_ptr<testing::ChildProcess> StartNode(const fs::path& home) {
  return std::make_unique<testing::ChildProcess>(JOBCARD_BINARY, std::vector<std::string>{"node", "start", "--home", home.string()},
                                                 /*merge_stderr=*/true);
}

// The API port a started node logged (`api listening url=http://127.0.0.1:PORT`).
std::uint16_t ApiPort(testing::ChildProcess& node) {
  const std::string marker = "api listening url=http://127.0.0.1:";
  EXPECT_TRUE(node.WaitForOutput(marker, kStartTimeout)) << node.output();
  const auto at = node.output().find(marker);
  return at == std::string::npos ? 0 : static_cast<std::uint16_t>(std::stoi(node.output().substr(at + marker.size())));
}

// The dev chain makes no empty blocks: each block here is one enrolment
// signed with the dev registrar key, submitted and waited for (bounded).
void CommitBlocks(testing::ChildProcess& node, const fs::path& home, int blocks, std::uint64_t first_nonce) {
  const std::uint16_t port = ApiPort(node);
  ASSERT_NE(port, 0);
  auto registrar = crypto::ReadKeystore(home / "keys" / "registrar.key", AsBytes("devnet"));
  ASSERT_TRUE(registrar.ok()) << registrar.error().message;
  for (int i = 0; i < blocks; ++i) {
    const std::uint64_t nonce = first_nonce + static_cast<std::uint64_t>(i);
    const auto subject = crypto::TaggedHash("jobcard.test.node_check", AsBytes(std::to_string(nonce)));
    auto worker = crypto::SigningKey::FromSeed(crypto::TaggedHash("jobcard.test.node_check_key", subject));
    ASSERT_TRUE(worker.ok());
    ledger::Tx tx{ledger::TxKind::kEnrollSubject, nonce, ledger::EnrollSubject{subject, worker->public_key()}, {}};
    ledger::SignTx(tx, "jobcard-devnet", *registrar);
    auto posted = testing::Request("127.0.0.1", port, "POST", "/v1/txs", ledger::TxToJson(tx).dump(), {{"Content-Type", "application/json"}});
    ASSERT_EQ(posted.status, 202) << posted.body;
    const std::string id = nlohmann::json::parse(posted.body)["id"];
    std::string status = "pending";
    for (int poll = 0; poll < 300 && status == "pending"; ++poll) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      auto got = testing::Request("127.0.0.1", port, "GET", "/v1/txs/" + id);
      auto body = nlohmann::json::parse(got.body, nullptr, false);
      if (body.is_object()) status = body.value("status", "pending");
    }
    ASSERT_EQ(status, "committed") << "enrolment " << nonce << " was not committed";
  }
}

// Stops the node with SIGTERM; returns the height it reports at "node stopped".
std::uint64_t Stop(testing::ChildProcess& node) {
  node.Signal(SIGTERM);
  const std::string marker = "node stopped height=";
  EXPECT_TRUE(node.WaitForOutput(marker, kStartTimeout)) << node.output();
  EXPECT_EQ(node.Wait(), 0) << node.output();
  const std::string& out = node.output();
  const auto at = out.find(marker);
  EXPECT_NE(at, std::string::npos) << out;
  return at == std::string::npos ? 0 : std::stoull(out.substr(at + marker.size()));
}

testing::ProcessResult Check(const fs::path& home, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"node", "check", "--home", home.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return testing::RunProcess(JOBCARD_BINARY, args, home.parent_path());
}

// Whether another process holds RocksDB's lock on the database (the lock
// RocksDB takes with fcntl), asked without taking it: a running node.
bool DatabaseLockHeld(const fs::path& data) {
  const int fd = ::open((data / "LOCK").c_str(), O_RDWR);
  if (fd < 0) return false;
  struct flock query {};
  query.l_type = F_WRLCK;
  query.l_whence = SEEK_SET;
  const bool held = ::fcntl(fd, F_GETLK, &query) == 0 && query.l_type != F_UNLCK;
  ::close(fd);
  return held;
}

std::uint16_t FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t length = sizeof addr;
  std::uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(NodeCheck, RefusesARunningNodeAndPassesAfterASigtermStop) {
  testing::TempDir dir;
  const fs::path home = InitHome(dir);
  auto node = StartNode(home);
  CommitBlocks(*node, home, 3, 1);

  auto locked = Check(home);
  EXPECT_EQ(locked.exit_code, 1) << locked.out << locked.err;
  EXPECT_NE(locked.err.find("is the node running?"), std::string::npos) << locked.err;
  EXPECT_NE(locked.err.find("[store.locked]"), std::string::npos) << locked.err;

  // SIGTERM: the block in progress is finished, the store flushed, exit 0.
  const std::uint64_t stopped_at = Stop(*node);
  ASSERT_GE(stopped_at, 3u) << node->output();

  auto json = Check(home, {"--json", "--progress-every", "1"});
  ASSERT_EQ(json.exit_code, 0) << json.out << json.err;
  auto report = nlohmann::json::parse(json.out, nullptr, false);
  ASSERT_TRUE(report.is_object()) << json.out;
  EXPECT_EQ(report["ok"], true);
  EXPECT_EQ(report["tip_height"], stopped_at) << "every acknowledged block is stored";
  EXPECT_EQ(report["blocks_checked"], stopped_at);
  EXPECT_GT(report["rows_compared"].get<std::uint64_t>(), 3 * stopped_at);
  EXPECT_TRUE(report["problem"].is_null());
  EXPECT_NE(json.err.find("node check: checked block " + std::to_string(stopped_at) + " of " + std::to_string(stopped_at)),
            std::string::npos)
      << json.err;

  auto text = Check(home);
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(text.out.find("ok: "), 0u) << text.out;
  // The replay's scratch directory is gone.
  for (const auto& entry : fs::directory_iterator(home)) {
    EXPECT_FALSE(entry.path().filename().string().starts_with("node-check-")) << entry.path();
  }
}

TEST(NodeCheck, UsageAndMissingDatabase) {
  testing::TempDir dir;
  auto help = testing::RunProcess(JOBCARD_BINARY, {"node", "check", "--help"}, dir.path());
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--scratch-dir DIR"), std::string::npos);
  EXPECT_EQ(testing::RunProcess(JOBCARD_BINARY, {"node", "check", "--bogus"}, dir.path()).exit_code, 2);
  EXPECT_EQ(testing::RunProcess(JOBCARD_BINARY, {"node", "check", "--progress-every", "x"}, dir.path()).exit_code, 2);
  const fs::path home = InitHome(dir);
  auto none = Check(home);
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("[check.no_database]"), std::string::npos) << none.err;
  EXPECT_FALSE(fs::exists(home / "data" / "CURRENT")) << "node check must not create a database";
}

// A bad disk flips a byte in a table file of a stopped node: the next start
// refuses with the code, the file and what to do; node check names it. Then
// a data directory that lost its CURRENT file is refused too, rather than
// started over from genesis.
TEST(NodeStartOnDamagedData, RefusesWithAClearMessage) {
  testing::TempDir dir;
  const fs::path home = InitHome(dir);
  auto node = StartNode(home);
  CommitBlocks(*node, home, 2, 1);
  ASSERT_GE(Stop(*node), 2u);
  const fs::path data = home / "data";
  fs::copy(data, dir.path() / "data.good", fs::copy_options::recursive);

  fs::path largest;
  for (const auto& entry : fs::directory_iterator(data)) {
    if (entry.path().extension() == ".sst" && (largest.empty() || entry.file_size() > fs::file_size(largest))) largest = entry.path();
  }
  ASSERT_FALSE(largest.empty()) << "a clean stop flushes the store to table files";
  std::string bytes = ReadFile(largest);
  ASSERT_GT(bytes.size(), 200u);
  bytes[64] = static_cast<char>(bytes[64] ^ 0x20);  // inside the first data block
  std::ofstream(largest, std::ios::binary | std::ios::trunc) << bytes;

  auto damaged = StartNode(home);
  ASSERT_TRUE(damaged->WaitForOutput("jobcard node check --home", kStartTimeout)) << damaged->output();
  EXPECT_EQ(damaged->Wait(), 1) << damaged->output();
  EXPECT_NE(damaged->output().find("(store.corrupt)"), std::string::npos) << damaged->output();
  EXPECT_NE(damaged->output().find(largest.filename().string()), std::string::npos) << damaged->output();
  EXPECT_EQ(damaged->output().find("node started"), std::string::npos) << damaged->output();

  auto check = Check(home);
  EXPECT_EQ(check.exit_code, 1) << check.out << check.err;
  EXPECT_NE(check.out.find("INCONSISTENT"), std::string::npos) << check.out << check.err;
  EXPECT_NE(check.out.find("checksum"), std::string::npos) << check.out;

  fs::remove_all(data);
  fs::rename(dir.path() / "data.good", data);
  fs::remove(data / "CURRENT");
  auto no_current = StartNode(home);
  ASSERT_TRUE(no_current->WaitForOutput("jobcard node check --home", kStartTimeout)) << no_current->output();
  EXPECT_EQ(no_current->Wait(), 1) << no_current->output();
  EXPECT_NE(no_current->output().find("no CURRENT file"), std::string::npos) << no_current->output();
}

// log_level in node.json sets what the node logs; --log-level overrides it.
TEST(NodeLogLevel, NodeJsonLevelIsApplied) {
  testing::TempDir dir;
  const fs::path home = InitHome(dir, {{"log_level", "debug"}});
  auto verbose = StartNode(home);
  CommitBlocks(*verbose, home, 1, 1);
  EXPECT_TRUE(verbose->WaitForOutput(" debug block proposed height=1 ", kStartTimeout)) << verbose->output();
  ASSERT_EQ(Stop(*verbose), 1u);

  // warn: the node runs (its database is held) and says nothing below warn.
  const fs::path config = home / "node.json";
  nlohmann::json settings = nlohmann::json::parse(ReadFile(config));
  settings["log_level"] = "warn";
  // No "api listening" line at warn: the port is chosen here, from a socket
  // the kernel gave a free port (then closed).
  const std::uint16_t port = FreePort();
  ASSERT_NE(port, 0);
  settings["api_listen"] = "127.0.0.1:" + std::to_string(port);
  std::ofstream(config, std::ios::trunc) << settings.dump(2);
  auto quiet = StartNode(home);
  bool serving = false;
  for (int i = 0; i < 120 && !serving; ++i) {  // bounded: the node starts within seconds
    quiet->ReadFor(std::chrono::milliseconds(500));
    serving = testing::Request("127.0.0.1", port, "GET", "/v1/status").status == 200;
  }
  EXPECT_TRUE(serving) << quiet->output();
  EXPECT_TRUE(DatabaseLockHeld(home / "data"));
  quiet->Signal(SIGTERM);
  EXPECT_EQ(quiet->Wait(), 0) << quiet->output();
  EXPECT_EQ(quiet->output().find(" info  "), std::string::npos) << quiet->output();
  EXPECT_EQ(quiet->output().find(" debug "), std::string::npos) << quiet->output();

  // --log-level overrides node.json.
  testing::ChildProcess overridden(JOBCARD_BINARY, {"node", "start", "--home", home.string(), "--log-level", "info"}, true);
  EXPECT_TRUE(overridden.WaitForOutput(" info  node started", kStartTimeout)) << overridden.output();
  EXPECT_EQ(Stop(overridden), 1u);
  EXPECT_EQ(overridden.output().find(" debug "), std::string::npos) << overridden.output();
}

}  // namespace
}  // namespace jobcard
