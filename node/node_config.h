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
#include <string>
#include <string_view>
#include <vector>

#include "crypto/result.h"
#include "crypto/sign.h"
#include "node/log.h"
#include "node/mempool.h"

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
