// A hostile peer against a real `jobcard node start` process (issue 6,
// RELIABILITY.md "Hostile peers"): the node's resident memory is measured
// from /proc (VmRSS before and after, VmHWM for the peak), not as the sizes
// of the host's bounded structures. The node is the dev chain's single
// validator with the transport on: the attacker's key is listed in its
// p2p_observer_keys, so the attacker completes the real authenticated
// handshake (a TcpBus of its own) and then floods what the node may not
// score it for: transactions that decode and carry a valid signature but
// are not valid (enrolments signed by a key that is not the registrar), and
// precommits for heights far ahead. The node must stay up and answer, take
// none of it into its mempool, and its RSS must grow by less than a bound.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ledger/genesis.h"
#include "ledger/tx.h"
#include "node/consensus/messages.h"
#include "node/consensus_wire.h"
#include "node/p2p/tcp_bus.h"
#include "tests/node/hostile_peer.h"
#include "tests/support/chain_fixture.h"
#include "tests/support/dev_node_process.h"
#include "tests/support/fixtures.h"
#include "tests/support/http_client.h"
#include "tests/support/io_run.h"
#include "tests/support/process_probe.h"
#include "tests/support/temp_dir.h"

namespace jobcard::testing {
namespace {

using node::p2p::Channel;
using namespace std::chrono_literals;

constexpr std::size_t kFloodTxs = 3000;
constexpr std::size_t kFloodVotes = 20000;
// The ASan node runs with a 4 MiB quarantine (UseSmallAsanQuarantineInChildren);
// the whole flood is about 2 MB of frames.
constexpr std::uint64_t kMaxGrowthKib = 48 * 1024;

// Below DevnetCluster's range (12000+) and the kernel's ephemeral ports,
// distinct per process so that parallel runs do not collide.
std::uint16_t P2pPortFor(int attempt) {
  return static_cast<std::uint16_t>(11000 + (static_cast<unsigned>(::getpid()) + 97u * attempt) % 1000);
}

bool EnableTransport(const std::filesystem::path& home, std::uint16_t p2p_port, const crypto::PublicKey& observer) {
  const auto path = home / "node.json";
  std::ifstream in(path);
  nlohmann::json config = nlohmann::json::parse(in, nullptr, false);
  if (!config.is_object()) return false;
  config["p2p_listen"] = "127.0.0.1:" + std::to_string(p2p_port);
  config["p2p_observer_keys"] = nlohmann::json::array({ToHex(observer)});
  std::ofstream(path, std::ios::trunc) << config.dump(2) << "\n";
  return true;
}

// The node under test: $JOBCARD_NODE_UNDER_TEST when set (a Release build's
// `jobcard`, to measure the RSS without ASan: RELIABILITY.md), else the
// `jobcard` built beside this test.
std::string NodeUnderTest() {
  const char* other = std::getenv("JOBCARD_NODE_UNDER_TEST");
  return other != nullptr && *other != '\0' ? other : JOBCARD_BINARY;
}

std::uint64_t MempoolSize(std::uint16_t api_port) {
  HttpResult status = Request("127.0.0.1", api_port, "GET", "/v1/status");
  if (status.status != 200) return ~0ull;
  auto body = nlohmann::json::parse(status.body, nullptr, false);
  if (!body.is_object() || !body.contains("mempool") || !body["mempool"].contains("txs")) return ~0ull;
  return body["mempool"]["txs"].get<std::uint64_t>();
}

TEST(HostilePeerProcess, FloodFromAnObserverKeepsTheNodesMemoryBounded) {
  UseSmallAsanQuarantineInChildren();
  TempDir dir;
  const auto attacker_key = std::make_shared<crypto::SigningKey>(KeyFromByte(0x6b));
  DevNodeProcess node;
  const std::string binary = NodeUnderTest();
  ASSERT_EQ(node.Start(binary, dir.path() / "devnet"), "");
  auto genesis = ledger::LoadGenesisFile((node.home() / "genesis.json").string());
  ASSERT_TRUE(genesis.ok());
  ASSERT_EQ(genesis->validators.size(), 1u);
  const crypto::PublicKey validator = genesis->validators[0].key;

  std::uint16_t p2p_port = 0;
  for (int attempt = 0; attempt < 3 && p2p_port == 0; ++attempt) {
    ASSERT_TRUE(EnableTransport(node.home(), P2pPortFor(attempt), attacker_key->public_key()));
    if (node.Restart().empty()) p2p_port = P2pPortFor(attempt);
  }
  ASSERT_NE(p2p_port, 0) << "the node did not start with the transport on";

  boost::asio::io_context io;
  node::p2p::TcpBusOptions options;
  options.chain_id = genesis->chain_id;
  options.peers = {{"127.0.0.1", p2p_port, validator}};
  options.allowed_keys = {validator};
  options.max_queued_frames = kFloodTxs + kFloodVotes;  // the whole flood leaves, none dropped here
  options.max_queued_bytes = 64 * 1024 * 1024;
  node::p2p::testing::HostilePeer attacker(io, attacker_key, options);
  ASSERT_TRUE(attacker.Start().ok());
  ASSERT_TRUE(RunIoUntil(io, [&] { return attacker.ConnectedTo(validator); }, 30s)) << node.log();

  const pid_t pid = node.pid();
  const std::uint64_t before_kib = ResidentKib(pid).value_or(0);
  ASSERT_GT(before_kib, 0u);
  const bool kernel_peak = ResetPeakResident(pid);

  // Valid signatures of a key that is not the registrar: the mempool refuses
  // them (validation, not a forged signature: not scored).
  for (std::uint64_t i = 0; i < kFloodTxs; ++i) {
    ledger::Tx enroll{ledger::TxKind::kEnrollSubject, i, ledger::EnrollSubject{SyntheticSubject(i), SyntheticSubjectKey(i)}, {}};
    ledger::SignTx(enroll, genesis->chain_id, *attacker_key);
    attacker.bus().SendTo(validator, Channel::kTxs, node::EncodeTxBatch({ledger::EncodeTx(enroll)}));
    if (i % 500 == 499) RunIoUntil(io, [] { return false; }, 10ms);
  }
  // Heights far ahead: the node asks the peer for blocks (rate-limited) and
  // keeps nothing; a peer ahead proves nothing, so not scored.
  for (std::uint64_t i = 0; i < kFloodVotes; ++i) {
    const auto vote = node::consensus::SignVote(genesis->chain_id, node::consensus::VoteType::kPrecommit, 1000 + i * 1000,
                                                0, std::nullopt, *attacker_key);
    attacker.bus().SendTo(validator, Channel::kConsensus, node::EncodeConsensusMessage(vote));
    if (i % 1000 == 999) RunIoUntil(io, [] { return false; }, 10ms);
  }
  // Until everything queued has left (bounded).
  RunIoUntil(io, [&] {
    auto stats = attacker.bus().StatsOf(validator);
    return stats && stats->queued_frames == 0;
  }, 60s);
  auto stats = attacker.bus().StatsOf(validator);
  ASSERT_TRUE(stats.has_value()) << "the attacker was disconnected:\n" << node.log();
  EXPECT_EQ(stats->dropped_frames, 0u);
  EXPECT_EQ(stats->queued_frames, 0u);
  // Let the node work through what is in its socket.
  RunIoUntil(io, [] { return false; }, 2s);
  node.DrainLog();

  ASSERT_TRUE(node.alive()) << node.log();
  EXPECT_EQ(MempoolSize(node.port()), 0u);
  const std::uint64_t after_kib = ResidentKib(pid).value_or(0);
  const std::uint64_t peak_kib = std::max(after_kib, kernel_peak ? PeakResidentKib(pid).value_or(0) : after_kib);
  std::printf("node RSS before / peak / after the peer flood: %.1f / %.1f / %.1f MiB (%zu txs, %zu votes; %s, peak from %s)\n",
              before_kib / 1024.0, peak_kib / 1024.0, after_kib / 1024.0, kFloodTxs, kFloodVotes, binary.c_str(),
              kernel_peak ? "VmHWM" : "VmRSS after");
  EXPECT_LT(peak_kib, before_kib + kMaxGrowthKib);
  EXPECT_TRUE(attacker.ConnectedTo(validator)) << "nothing in the flood deserved a ban";
}

}  // namespace
}  // namespace jobcard::testing
