#include "node/node_config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace jobcard::node {
namespace {

using jobcard::testing::TempDir;

void ExpectDefaults(const NodeConfig& c) {
  EXPECT_EQ(c.data_dir, "data");
  EXPECT_EQ(c.genesis_file, "genesis.json");
  EXPECT_EQ(c.validator_key_file, "keys/validator.key");
  EXPECT_EQ(c.api_listen, "127.0.0.1:26657");
  EXPECT_EQ(c.p2p_listen, "127.0.0.1:26656");
  EXPECT_EQ(c.log_level, LogLevel::kInfo);
  EXPECT_EQ(c.mempool.max_txs, 50000u);
  EXPECT_EQ(c.mempool.max_bytes, 64u * 1024 * 1024);
  EXPECT_EQ(c.node_key_file, "keys/node.key");
  EXPECT_TRUE(c.p2p_peers.empty());
  EXPECT_TRUE(c.p2p_observer_keys.empty());
  EXPECT_TRUE(c.verify_store_on_start);
  EXPECT_EQ(c.api_max_connections_per_address, 64u);
  EXPECT_EQ(c.store_min_free_bytes, 8u << 20);
  // The consensus knobs default to the values the host used before they
  // were configurable (CometBFT's timeouts), and to the genesis's pacing.
  EXPECT_EQ(c.consensus.timeouts.propose_base_ms, 3000u);
  EXPECT_EQ(c.consensus.timeouts.propose_delta_ms, 500u);
  EXPECT_EQ(c.consensus.timeouts.prevote_base_ms, 1000u);
  EXPECT_EQ(c.consensus.timeouts.prevote_delta_ms, 500u);
  EXPECT_EQ(c.consensus.timeouts.precommit_base_ms, 1000u);
  EXPECT_EQ(c.consensus.timeouts.precommit_delta_ms, 500u);
  EXPECT_EQ(c.consensus.gossip_interval_ms, 1000u);
  EXPECT_FALSE(c.consensus.block_interval_ms.has_value());
  EXPECT_FALSE(c.consensus.max_block_txs.has_value());
}

Error ParseError(const std::string& text) {
  auto r = ParseNodeConfig(text);
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? Error{} : r.error();
}

TEST(NodeConfig, AnEmptyObjectMeansAllDefaults) {
  auto c = ParseNodeConfig("{}");
  ASSERT_TRUE(c.ok()) << c.error().message;
  ExpectDefaults(*c);
}

TEST(NodeConfig, AMissingFileMeansAllDefaults) {
  TempDir home;
  auto c = LoadNodeConfig(home.path());
  ASSERT_TRUE(c.ok()) << c.error().message;
  ExpectDefaults(*c);
}

TEST(NodeConfig, EveryFieldIsReadAndWrittenBack) {
  NodeConfig custom;
  custom.data_dir = "/var/lib/jobcard";
  custom.genesis_file = "chain/genesis.json";
  custom.validator_key_file = "keys/v1.key";
  custom.api_listen = "0.0.0.0:8080";
  custom.p2p_listen = "[::1]:26000";
  custom.log_level = LogLevel::kDebug;
  custom.mempool = MempoolLimits{1000, 1 << 20};
  custom.node_key_file = "keys/observer.key";
  custom.verify_store_on_start = false;
  custom.api_max_connections_per_address = 7;
  custom.p2p_peers = {{"10.0.0.2:26656", crypto::PublicKey{}}, {"[::1]:26001", crypto::PublicKey{}}};
  custom.p2p_peers[0].node_key.fill(0xab);
  custom.p2p_peers[1].node_key.fill(0xcd);
  custom.p2p_observer_keys.resize(2);
  custom.p2p_observer_keys[0].fill(0x01);
  custom.p2p_observer_keys[1].fill(0x02);
  custom.consensus.timeouts = {4000, 600, 1100, 700, 1200, 800};
  custom.consensus.gossip_interval_ms = 250;
  custom.consensus.block_interval_ms = 0;
  custom.consensus.max_block_txs = 5000;
  auto c = ParseNodeConfig(NodeConfigToJson(custom).dump());
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(NodeConfigToJson(*c), NodeConfigToJson(custom));
  EXPECT_EQ(c->p2p_peers, custom.p2p_peers);
  EXPECT_EQ(c->p2p_observer_keys, custom.p2p_observer_keys);
  EXPECT_EQ(c->log_level, LogLevel::kDebug);
  EXPECT_EQ(c->mempool.max_txs, 1000u);
  EXPECT_FALSE(c->verify_store_on_start);
  EXPECT_EQ(c->api_max_connections_per_address, 7u);
  EXPECT_EQ(c->consensus, custom.consensus);
}

TEST(NodeConfig, ConsensusFieldsAreReadByTheirNames) {
  auto c = ParseNodeConfig(R"({"consensus_timeout_propose_ms": 1500, "consensus_timeout_propose_delta_ms": 0,
                               "consensus_timeout_prevote_ms": 200, "consensus_timeout_prevote_delta_ms": 50,
                               "consensus_timeout_precommit_ms": 300, "consensus_timeout_precommit_delta_ms": 60,
                               "consensus_gossip_interval_ms": 100, "consensus_block_interval_ms": 250,
                               "consensus_max_block_txs": 7, "consensus_tx_batch_ms": 0})");
  ASSERT_TRUE(c.ok()) << c.error().message;
  const node::consensus::TimeoutConfig expected{1500, 0, 200, 50, 300, 60};
  EXPECT_EQ(c->consensus.timeouts, expected);
  EXPECT_EQ(c->consensus.gossip_interval_ms, 100u);
  EXPECT_EQ(c->consensus.block_interval_ms, std::optional<std::uint64_t>(250));
  EXPECT_EQ(c->consensus.max_block_txs, std::optional<std::uint32_t>(7));
  EXPECT_EQ(c->consensus.tx_batch_delay_ms, 0u);
}

TEST(NodeConfig, DefaultsAreWrittenAndTheGenesisPacingIsLeftOut) {
  const auto json = NodeConfigToJson(NodeConfig{});
  EXPECT_EQ(json.at("consensus_timeout_propose_ms"), 3000u);
  EXPECT_EQ(json.at("consensus_timeout_precommit_delta_ms"), 500u);
  EXPECT_EQ(json.at("consensus_gossip_interval_ms"), 1000u);
  EXPECT_EQ(json.at("consensus_tx_batch_ms"), 5u);
  // Absent means "as the genesis says"; written, it would pin today's value.
  EXPECT_FALSE(json.contains("consensus_block_interval_ms"));
  EXPECT_FALSE(json.contains("consensus_max_block_txs"));
}

TEST(NodeConfig, SomeFieldsSetTheRestDefault) {
  auto c = ParseNodeConfig(R"({"log_level": "warn", "mempool_max_txs": 10})");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->log_level, LogLevel::kWarn);
  EXPECT_EQ(c->mempool.max_txs, 10u);
  EXPECT_EQ(c->mempool.max_bytes, 64u * 1024 * 1024);
  EXPECT_EQ(c->api_listen, "127.0.0.1:26657");
}

TEST(NodeConfig, AnUnknownFieldIsAnErrorNamingIt) {
  Error e = ParseError(R"({"log_lvel": "debug"})");
  EXPECT_EQ(e.code, "config.invalid");
  EXPECT_NE(e.message.find("log_lvel"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("unknown field"), std::string::npos) << e.message;
}

TEST(NodeConfig, PathsStayInTheHomeUnlessAbsolute) {
  auto c = ParseNodeConfig(R"({"validator_key_file": "/secure/validator.key", "genesis_file": "a/./b..json"})");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->validator_key_file, "/secure/validator.key");
  Error e = ParseError(R"({"node_key_file": "keys/../../../etc/node.key"})");
  EXPECT_NE(e.message.find("inside the home"), std::string::npos) << e.message;
}

TEST(NodeConfig, BadValuesAreErrorsNamingTheField) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"mempool_max_txs": "many"})", "mempool_max_txs"},
      {R"({"mempool_max_txs": -1})", "mempool_max_txs"},
      {R"({"mempool_max_txs": 0})", "mempool_max_txs"},
      {R"({"mempool_max_bytes": 1000})", "mempool_max_bytes"},
      {R"({"log_level": "verbose"})", "log_level"},
      {R"({"verify_store_on_start": "yes"})", "verify_store_on_start"},
      {R"({"api_max_connections_per_address": 0})", "api_max_connections_per_address"},
      {R"({"api_max_connections_per_address": 257})", "api_max_connections_per_address"},
      {R"({"api_max_connections_per_address": "64"})", "api_max_connections_per_address"},
      {R"({"api_max_connections_per_address": -1})", "api_max_connections_per_address"},
      {R"({"store_min_free_bytes": 1099511627777})", "store_min_free_bytes"},
      {R"({"store_min_free_bytes": "8M"})", "store_min_free_bytes"},
      {R"({"store_min_free_bytes": -1})", "store_min_free_bytes"},
      {R"({"api_listen": "localhost"})", "api_listen"},
      {R"({"api_listen": ":26657"})", "api_listen"},
      {R"({"p2p_listen": "127.0.0.1:70000"})", "p2p_listen"},
      {R"({"p2p_listen": "127.0.0.1:0"})", "p2p_listen"},
      {R"({"data_dir": ""})", "data_dir"},
      {R"({"genesis_file": 7})", "genesis_file"},
      {R"({"node_key_file": ""})", "node_key_file"},
      // A relative path names a file inside the home.
      {R"({"validator_key_file": "../other/keys/validator.key"})", "validator_key_file"},
      {R"({"genesis_file": "keys/../../genesis.json"})", "genesis_file"},
      {R"({"data_dir": ".."})", "data_dir"},
      {R"({"p2p_peers": {}})", "p2p_peers"},
      {R"({"p2p_peers": [{"address": "10.0.0.2:26656"}]})", "p2p_peers[0]"},
      {R"({"p2p_peers": [{"address": "10.0.0.2", "node_key": ")" + std::string(64, 'a') + R"("}]})",
       "p2p_peers[0].address"},
      {R"({"p2p_peers": [{"address": "10.0.0.2:1", "node_key": "abcd"}]})", "p2p_peers[0].node_key"},
      {R"({"p2p_peers": [{"address": "10.0.0.2:1", "node_key": ")" + std::string(64, 'a') + R"(", "x": 1}]})",
       "p2p_peers[0].x"},
      {R"({"p2p_observer_keys": ["zz"]})", "p2p_observer_keys[0]"},
      {R"({"p2p_observer_keys": [7]})", "p2p_observer_keys[0]"},
      {R"({"consensus_timeout_propose_ms": 9})", "consensus_timeout_propose_ms"},
      {R"({"consensus_timeout_propose_ms": 600001})", "consensus_timeout_propose_ms"},
      {R"({"consensus_timeout_prevote_ms": 0})", "consensus_timeout_prevote_ms"},
      {R"({"consensus_timeout_precommit_ms": "1s"})", "consensus_timeout_precommit_ms"},
      {R"({"consensus_timeout_prevote_delta_ms": 600001})", "consensus_timeout_prevote_delta_ms"},
      {R"({"consensus_timeout_precommit_delta_ms": -5})", "consensus_timeout_precommit_delta_ms"},
      {R"({"consensus_gossip_interval_ms": 1})", "consensus_gossip_interval_ms"},
      {R"({"consensus_tx_batch_ms": 1001})", "consensus_tx_batch_ms"},
      {R"({"consensus_block_interval_ms": 600001})", "consensus_block_interval_ms"},
      {R"({"consensus_block_interval_ms": null})", "consensus_block_interval_ms"},
      {R"({"consensus_max_block_txs": 0})", "consensus_max_block_txs"},
      {R"({"consensus_max_block_txs": 100001})", "consensus_max_block_txs"},
      {R"({"consensus_max_block_txs": 18446744073709551615})", "consensus_max_block_txs"},
  };
  for (const auto& [text, field] : cases) {
    Error e = ParseError(text);
    EXPECT_EQ(e.code, "config.invalid") << text;
    EXPECT_NE(e.message.find(field), std::string::npos) << text << " -> " << e.message;
  }
}

TEST(NodeConfig, NotAnObjectOrNotJsonIsAnError) {
  EXPECT_EQ(ParseError("[]").code, "config.invalid");
  EXPECT_EQ(ParseError("{").code, "config.invalid");
}

TEST(NodeConfig, LoadNamesTheFileInErrors) {
  TempDir home;
  std::ofstream(home / "node.json") << R"({"bogus": 1})";
  auto c = LoadNodeConfig(home.path());
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, "config.invalid");
  EXPECT_NE(c.error().message.find((home / "node.json").string()), std::string::npos) << c.error().message;
}

TEST(NodeConfig, LoadReadsTheFile) {
  TempDir home;
  std::ofstream(home / "node.json") << R"({"p2p_listen": "10.0.0.5:26656"})";
  auto c = LoadNodeConfig(home.path());
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->p2p_listen, "10.0.0.5:26656");
}

TEST(NodeConfig, ADirectoryInPlaceOfTheFileIsAnIoError) {
  TempDir home;
  std::filesystem::create_directory(home / "node.json");
  auto c = LoadNodeConfig(home.path());
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, "config.io");
}

TEST(NodeConfig, RelativePathsAreRelativeToTheHome) {
  EXPECT_EQ(ResolveInHome("/srv/node", "data"), std::filesystem::path("/srv/node/data"));
  EXPECT_EQ(ResolveInHome("/srv/node", "/var/lib/jobcard"), std::filesystem::path("/var/lib/jobcard"));
}


// The operator's reference (spec/node-config.md, the fields table) must name
// every field node.json may hold, and give as its default exactly what
// `node init` writes: a field added or a default changed without the spec
// fails here.
std::string SpecRow(const std::string& text, const std::string& field) {
  const std::string start = "| `" + field + "` |";
  const std::size_t at = text.find(start);
  if (at == std::string::npos) return "";
  return text.substr(at, text.find('\n', at) - at);
}

TEST(NodeConfig, EveryFieldAndDefaultIsInTheSpec) {
  std::ifstream in(std::string(JOBCARD_SOURCE_DIR) + "/spec/node-config.md");
  ASSERT_TRUE(in) << "spec/node-config.md";
  const std::string spec((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto defaults = NodeConfigToJson(NodeConfig{});
  ASSERT_GE(defaults.size(), 20u);
  for (const auto& [field, value] : defaults.items()) {
    const std::string row = SpecRow(spec, field);
    ASSERT_FALSE(row.empty()) << field << " is not in spec/node-config.md";
    // Columns: field | type | default | meaning.
    std::vector<std::string> cells;
    for (std::size_t at = 1, bar; (bar = row.find(" | ", at)) != std::string::npos; at = bar + 3) {
      cells.push_back(row.substr(at, bar - at));
    }
    ASSERT_GE(cells.size(), 3u) << row;
    EXPECT_EQ(cells[2].rfind("`" + value.dump() + "`", 0), 0u) << field << ": default " << value.dump() << ", spec says " << cells[2];
  }
  // The fields absent by default (the genesis's pacing) are documented too.
  NodeConfig every;
  every.consensus.block_interval_ms = 100;
  every.consensus.max_block_txs = 10;
  const auto every_json = NodeConfigToJson(every);
  ASSERT_GT(every_json.size(), defaults.size());
  for (const auto& [field, value] : every_json.items()) {
    EXPECT_FALSE(SpecRow(spec, field).empty()) << field << " is not in spec/node-config.md";
  }
}

}  // namespace
}  // namespace jobcard::node
