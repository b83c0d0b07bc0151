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

#include "crypto/keystore.h"
#include "ledger/genesis.h"
#include "ledger/json_fields.h"
#include "ledger/tx_json.h"
#include "node/node_config.h"
#include "tests/support/child_process.h"
#include "tests/support/http_client.h"
#include "tests/support/run_process.h"
#include "tests/support/temp_dir.h"

namespace jobcard {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
constexpr std::size_t kNodes = 4;
constexpr std::size_t kFull = kNodes;  // index of the full node

class DevnetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Distinct per process so that parallel test runs do not collide, and
    // below the kernel's ephemeral range (32768+), from which outgoing
    // connections take their ports: a restarted node must get its port back.
    base_port_ = static_cast<std::uint16_t>(12000 + (::getpid() % 2000) * 10);
    auto init = testing::RunProcess(JOBCARD_BINARY,
                                    {"devnet", "init", "--validators", std::to_string(kNodes), "--full-nodes", "1", "--home", dir_.path().string(),
                                     "--base-port", std::to_string(base_port_)},
                                    dir_.path(), {{"JOBCARD_PASSPHRASE", std::nullopt}});
    ASSERT_EQ(init.exit_code, 0) << init.err;
    auto genesis = ledger::LoadGenesisFile((Home(0) / "genesis.json").string());
    ASSERT_TRUE(genesis.ok());
    ASSERT_EQ(genesis->validators.size(), kNodes);
    chain_id_ = genesis->chain_id;
    auto registrar = crypto::ReadKeystore(Home(0) / "keys" / "registrar.key", AsBytes("devnet"));
    ASSERT_TRUE(registrar.ok());
    registrar_ = std::make_unique<crypto::SigningKey>(std::move(*registrar));
    for (std::size_t i = 0; i <= kFull; ++i) {
      auto config = node::LoadNodeConfig(Home(i));
      ASSERT_TRUE(config.ok());
      ASSERT_EQ(config->p2p_peers.size(), i == kFull ? kNodes : kNodes - 1);
      api_ports_[i] = static_cast<std::uint16_t>(std::stoi(config->api_listen.substr(config->api_listen.rfind(':') + 1)));
    }
    nodes_.resize(kFull + 1);
  }

  std::filesystem::path Home(std::size_t i) const {
    return dir_.path() / (i == kFull ? std::string("full0") : "node" + std::to_string(i));
  }

  void Start(std::size_t i) {
    std::vector<std::string> args = {"node", "start", "--home", Home(i).string()};
    if (i == kFull) args.push_back("--no-validator");
    nodes_[i] = std::make_unique<testing::ChildProcess>(JOBCARD_BINARY, args, /*merge_stderr=*/true);
    ASSERT_TRUE(nodes_[i]->WaitForOutput("api listening", 60s)) << nodes_[i]->output();
  }
  void Kill(std::size_t i, int signal) {
    nodes_[i]->Signal(signal);
    nodes_[i]->Wait();
  }
  // The nodes log to a pipe: read it so that they never block on a full one.
  void Drain() {
    for (auto& n : nodes_) {
      if (n) n->ReadFor(1ms);
    }
  }

  json Get(std::size_t i, const std::string& target) {
    auto r = testing::Request("127.0.0.1", api_ports_[i], "GET", target);
    auto parsed = ledger::ParseJson(r.body, 16 * 1024 * 1024);
    return parsed.ok() ? *parsed : json();
  }
  std::uint64_t Height(std::size_t i) {
    json status = Get(i, "/v1/status");
    return status.is_object() ? status["tip"].value("height", std::uint64_t{0}) : 0;
  }
  std::string BlockHash(std::size_t i, std::uint64_t height) {
    json block = Get(i, "/v1/blocks/" + std::to_string(height));
    if (!block.is_object() || !block["certificate"].is_object()) return "";
    return block["certificate"].value("block_hash", "");
  }

  // An enrolment signed by the dev registrar: independent of every other one.
  std::string Submit(std::size_t through) {
    crypto::SigningKey worker = crypto::SigningKey::Generate();
    // Any 32 fresh random bytes will do for a pseudonym here.
    const ledger::SubjectId subject = crypto::SigningKey::Generate().public_key();
    ledger::Tx tx{ledger::TxKind::kEnrollSubject, nonce_++, ledger::EnrollSubject{subject, worker.public_key()}, {}};
    ledger::SignTx(tx, chain_id_, *registrar_);
    auto r = testing::Request("127.0.0.1", api_ports_[through], "POST", "/v1/txs", ledger::TxToJson(tx).dump(),
                              {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 202) << r.body;
    auto parsed = ledger::ParseJson(r.body, 1 << 20);
    return parsed.ok() ? parsed->value("id", "") : "";
  }

  // Waits (bounded) until `pred` holds, draining the logs meanwhile.
  template <typename Pred>
  bool WaitUntil(Pred pred, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred()) return true;
      Drain();
      std::this_thread::sleep_for(100ms);
    }
    return pred();
  }
  bool Committed(std::size_t i, const std::string& id) {
    return Get(i, "/v1/txs/" + id).value("status", "") == "committed";
  }
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
      const std::string first = BlockHash(*on.begin(), h);
      ASSERT_FALSE(first.empty()) << "node " << *on.begin() << " has no block " << h;
      for (std::size_t i : on) EXPECT_EQ(BlockHash(i, h), first) << "node " << i << " height " << h;
    }
  }
  std::string Logs() {
    Drain();
    std::string all;
    for (std::size_t i = 0; i <= kFull; ++i) {
      if (nodes_[i]) all += "--- node" + std::to_string(i) + "\n" + nodes_[i]->output().substr(
                                 nodes_[i]->output().size() > 4000 ? nodes_[i]->output().size() - 4000 : 0);
    }
    return all;
  }

  testing::TempDir dir_;
  std::uint16_t base_port_ = 0;
  std::string chain_id_;
  std::unique_ptr<crypto::SigningKey> registrar_;
  std::uint16_t api_ports_[kFull + 1] = {};
  std::vector<std::unique_ptr<testing::ChildProcess>> nodes_;
  std::uint64_t nonce_ = 1;
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
    for (std::size_t i = 0; i <= kFull; ++i) {
      // A validator sees the three others and the full node; the full node the four validators.
      if (Get(i, "/v1/status")["peers"].size() != kNodes) return false;
    }
    return true;
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
