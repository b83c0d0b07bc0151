// The node's configuration: `node.json` in the node's home directory
// (spec/node-config.md is the reference). Every field is optional and has a
// documented default; a missing file means all defaults; an unknown field,
// a wrong type or an out-of-range value is an error that names the field,
// since a typo silently ignored would run the node with a setting nobody
// chose. Relative paths are relative to the home directory.
//
// Error codes: config.io (the file exists but cannot be read),
// config.invalid (any problem with its contents; the message says which).
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/result.h"
#include "crypto/sign.h"
#include "node/consensus/timeouts.h"
#include "node/http/http_limits.h"
#include "node/log.h"
#include "node/mempool.h"
#include "node/tx_gossip_batch.h"

namespace jobcard::node {

inline constexpr std::string_view kNodeConfigFileName = "node.json";
inline constexpr std::size_t kMaxNodeConfigBytes = 64 * 1024;

inline constexpr std::size_t kMaxP2pPeers = 256;
inline constexpr std::size_t kMaxP2pObserverKeys = 1024;

// A peer this node dials: where it listens and the node key it must prove.
struct P2pPeerConfig {
  std::string address;  // host:port
  crypto::PublicKey node_key{};
  bool operator==(const P2pPeerConfig&) const = default;
};

// Consensus pacing (spec/consensus.md, "Timeouts and pacing"). Local to each
// node, like the rest of node.json: these shape when a validator acts, never
// what is valid, so validators of one chain may differ (a block's validity
// rules, max_block_txs included, stay in genesis.json).
inline constexpr std::uint64_t kMaxConsensusMs = 600000;  // ten minutes
inline constexpr std::uint64_t kMinConsensusTimeoutMs = 10;

struct ConsensusSettings {
  consensus::TimeoutConfig timeouts;       // consensus_timeout_{propose,prevote,precommit}[_delta]_ms
  std::uint64_t gossip_interval_ms = 1000;  // consensus_gossip_interval_ms
  std::uint64_t tx_batch_delay_ms = kDefaultTxBatchDelayMs;  // consensus_tx_batch_ms
  // Unset (absent from node.json): the genesis's params.block_interval_ms.
  std::optional<std::uint64_t> block_interval_ms;  // consensus_block_interval_ms
  // Unset: the genesis's params.max_block_txs. The most this node puts into
  // a block it proposes; above the genesis's value is refused at start.
  std::optional<std::uint32_t> max_block_txs;  // consensus_max_block_txs
  bool operator==(const ConsensusSettings&) const = default;
};

struct NodeConfig {
  std::string data_dir = "data";  // the node's database
  std::string genesis_file = "genesis.json";
  std::string validator_key_file = "keys/validator.key";  // keystore file; unused by a full node
  std::string api_listen = "127.0.0.1:26657";             // HTTP query API, host:port
  std::string p2p_listen = "127.0.0.1:26656";             // peer links, host:port
  // The key a node that is not a validator proves in the p2p handshake
  // (keystore file); a validator's node key is its validator key instead.
  std::string node_key_file = "keys/node.key";
  std::vector<P2pPeerConfig> p2p_peers;              // dialled and redialled
  std::vector<crypto::PublicKey> p2p_observer_keys;  // non-validators allowed to connect
  LogLevel log_level = LogLevel::kInfo;
  MempoolLimits mempool;  // mempool_max_txs, mempool_max_bytes
  // Read every database file and check its checksums before serving
  // (ledger::StoreOpenOptions): a damaged file stops the start instead of
  // aborting the node at the first read of it.
  bool verify_store_on_start = true;
  // No block is written while less than this is free on the database's
  // disk (ledger/disk_reserve.h): the node stops with store.no_space before
  // RocksDB itself meets a full disk. 0 turns the reserve off.
  std::uint64_t store_min_free_bytes = 8u << 20;
  ConsensusSettings consensus;
  // Connections the HTTP API serves from one source address at once
  // (1 to HttpLimits::max_connections): one flooding client cannot take
  // every slot (spec/http.md, Limits).
  std::size_t api_max_connections_per_address = HttpLimits{}.max_connections_per_address;
};

// Parses node.json's text; absent fields keep their defaults.
Result<NodeConfig> ParseNodeConfig(std::string_view json_text);

// Reads `home`/node.json; all defaults if there is no such file.
Result<NodeConfig> LoadNodeConfig(const std::filesystem::path& home);

// Every field, defaults included, as node.json writes it.
nlohmann::ordered_json NodeConfigToJson(const NodeConfig& config);

// `configured` if absolute, else `home`/`configured`.
std::filesystem::path ResolveInHome(const std::filesystem::path& home, const std::string& configured);

}  // namespace jobcard::node
