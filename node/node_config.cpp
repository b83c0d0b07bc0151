#include "node/node_config.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>

#include "ledger/json_fields.h"
#include "ledger/tx.h"

namespace jobcard::node {

namespace {

constexpr std::size_t kMaxPathBytes = 4096;
constexpr std::size_t kMaxListenBytes = 256;
constexpr std::uint64_t kMaxStoreReserveBytes = std::uint64_t{1} << 40;

Error Invalid(const std::string& message) { return MakeError("config.invalid", message); }

// The consensus durations in milliseconds, each with its node.json name and
// least value (a zero base timeout would end every round at once; a zero
// delta keeps every round equally long, which is allowed).
struct ConsensusMsField {
  const char* name;
  std::uint64_t* value;
  std::uint64_t min;
};
std::array<ConsensusMsField, 8> ConsensusMsFields(ConsensusSettings& c) {
  constexpr std::uint64_t kMin = kMinConsensusTimeoutMs;
  return {{{"consensus_timeout_propose_ms", &c.timeouts.propose_base_ms, kMin},
           {"consensus_timeout_propose_delta_ms", &c.timeouts.propose_delta_ms, 0},
           {"consensus_timeout_prevote_ms", &c.timeouts.prevote_base_ms, kMin},
           {"consensus_timeout_prevote_delta_ms", &c.timeouts.prevote_delta_ms, 0},
           {"consensus_timeout_precommit_ms", &c.timeouts.precommit_base_ms, kMin},
           {"consensus_timeout_precommit_delta_ms", &c.timeouts.precommit_delta_ms, 0},
           {"consensus_gossip_interval_ms", &c.gossip_interval_ms, kMin},
           {"consensus_tx_batch_ms", &c.tx_batch_delay_ms, 0}}};
}
// Batching must not hold a transaction back longer than a round's timeouts allow.
constexpr std::uint64_t kMaxTxBatchDelayMs = 1000;
// A block allows 1-100000 transactions (genesis params.max_block_txs).
constexpr std::uint64_t kMaxBlockTxsLimit = 100000;

void ReadConsensus(ledger::JsonFields& f, ConsensusSettings& c) {
  for (const auto& field : ConsensusMsFields(c)) {
    if (f.Has(field.name)) f.U64(field.name, *field.value);
  }
  if (f.Has("consensus_block_interval_ms")) {
    std::uint64_t value = 0;
    if (f.U64("consensus_block_interval_ms", value)) c.block_interval_ms = value;
  }
  if (f.Has("consensus_max_block_txs")) {
    std::uint64_t value = 0;
    if (f.U64("consensus_max_block_txs", value)) c.max_block_txs = static_cast<std::uint32_t>(std::min(value, kMaxBlockTxsLimit + 1));
  }
}

Status CheckConsensus(ConsensusSettings c) {
  for (const auto& field : ConsensusMsFields(c)) {
    const std::uint64_t value = *field.value;
    if (value < field.min || value > kMaxConsensusMs) {
      return Invalid(std::string(field.name) + ": must be " + std::to_string(field.min) + "-" +
                     std::to_string(kMaxConsensusMs) + " (milliseconds), got " + std::to_string(value));
    }
  }
  if (c.tx_batch_delay_ms > kMaxTxBatchDelayMs) {
    return Invalid("consensus_tx_batch_ms: must be 0-" + std::to_string(kMaxTxBatchDelayMs) + " (milliseconds)");
  }
  if (c.block_interval_ms && *c.block_interval_ms > kMaxConsensusMs) {
    return Invalid("consensus_block_interval_ms: must be 0-" + std::to_string(kMaxConsensusMs) + " (milliseconds)");
  }
  if (c.max_block_txs && (*c.max_block_txs < 1 || *c.max_block_txs > kMaxBlockTxsLimit)) {
    return Invalid("consensus_max_block_txs: must be 1-" + std::to_string(kMaxBlockTxsLimit));
  }
  return Status::Ok();
}

// "host:port" with a non-empty host and a port of 1-65535. IPv6 hosts are
// written in brackets ("[::1]:26657"), so the port follows the last ':'.
// `allow_any_port`: port 0 asks the kernel for a free port (the node logs
// the one it got), which lets tests run several nodes side by side.
Status CheckListen(const char* field, const std::string& value, bool allow_any_port) {
  const auto colon = value.rfind(':');
  const std::string host = colon == std::string::npos ? "" : value.substr(0, colon);
  const std::string port = colon == std::string::npos ? "" : value.substr(colon + 1);
  bool port_ok = !port.empty() && port.size() <= 5 && port.find_first_not_of("0123456789") == std::string::npos;
  if (port_ok) {
    unsigned number = 0;
    for (char digit : port) number = number * 10 + static_cast<unsigned>(digit - '0');
    port_ok = number >= (allow_any_port ? 0u : 1u) && number <= 65535;
  }
  if (host.empty() || !port_ok) {
    return Invalid(std::string(field) + ": expected host:port with a port of " + (allow_any_port ? "0" : "1") +
                   "-65535, got \"" + value + "\"");
  }
  return Status::Ok();
}

Status CheckValues(const NodeConfig& c) {
  for (const auto& [field, value] :
       {std::pair{"data_dir", &c.data_dir}, std::pair{"genesis_file", &c.genesis_file},
        std::pair{"validator_key_file", &c.validator_key_file}, std::pair{"node_key_file", &c.node_key_file}}) {
    if (value->empty()) return Invalid(std::string(field) + ": must not be empty");
    // A relative path names a file inside the home: a ".." would reach out
    // of it, which a copied or received node.json should not be able to do
    // unseen. A file elsewhere is named by an absolute path, visibly.
    const std::filesystem::path path(*value);
    if (path.is_relative()) {
      for (const auto& part : path) {
        if (part == "..") {
          return Invalid(std::string(field) + ": a relative path must stay inside the home (no \"..\"); give an " +
                         "absolute path for a file elsewhere, got \"" + *value + "\"");
        }
      }
    }
  }
  JOBCARD_TRY_STATUS(CheckListen("api_listen", c.api_listen, /*allow_any_port=*/true));
  JOBCARD_TRY_STATUS(CheckListen("p2p_listen", c.p2p_listen, /*allow_any_port=*/false));
  for (std::size_t i = 0; i < c.p2p_peers.size(); ++i) {
    const std::string field = "p2p_peers[" + std::to_string(i) + "].address";
    JOBCARD_TRY_STATUS(CheckListen(field.c_str(), c.p2p_peers[i].address, /*allow_any_port=*/false));
  }
  if (c.mempool.max_txs < 1) return Invalid("mempool_max_txs: must be at least 1");
  // Smaller than one transaction would make every submission fail as "full".
  if (c.mempool.max_bytes < ledger::kMaxTxBytes) {
    return Invalid("mempool_max_bytes: must be at least " + std::to_string(ledger::kMaxTxBytes) + " (one transaction)");
  }
  return CheckConsensus(c.consensus);
}

// "p2p_peers": [{"address": "host:port", "node_key": "64 hex digits"}, ...]
Status ReadPeers(ledger::JsonFields& f, std::vector<P2pPeerConfig>& out) {
  if (!f.Has("p2p_peers")) return Status::Ok();
  const nlohmann::json* peers = f.Array("p2p_peers", kMaxP2pPeers);
  if (!peers) return Status::Ok();  // f holds the error
  for (std::size_t i = 0; i < peers->size(); ++i) {
    ledger::JsonFields pf((*peers)[i], "p2p_peers[" + std::to_string(i) + "]");
    P2pPeerConfig peer;
    pf.Str("address", peer.address, kMaxListenBytes);
    pf.Hex("node_key", peer.node_key);
    if (Status finished = pf.Finish(); !finished.ok()) return Invalid(finished.error().message);
    out.push_back(std::move(peer));
  }
  return Status::Ok();
}

// "p2p_observer_keys": ["64 hex digits", ...]
Status ReadObserverKeys(ledger::JsonFields& f, std::vector<crypto::PublicKey>& out) {
  if (!f.Has("p2p_observer_keys")) return Status::Ok();
  const nlohmann::json* keys = f.Array("p2p_observer_keys", kMaxP2pObserverKeys);
  if (!keys) return Status::Ok();
  for (std::size_t i = 0; i < keys->size(); ++i) {
    const std::string field = "p2p_observer_keys[" + std::to_string(i) + "]";
    const nlohmann::json& item = (*keys)[i];
    auto key = item.is_string() ? FixedFromHex<32>(item.get<std::string>()) : Result<FixedBytes<32>>(Error{});
    if (!key.ok()) return Invalid(field + ": expected 64 hex digits (an Ed25519 public key)");
    out.push_back(*key);
  }
  return Status::Ok();
}

}  // namespace

Result<NodeConfig> ParseNodeConfig(std::string_view json_text) {
  auto parsed = ledger::ParseJson(json_text, kMaxNodeConfigBytes);
  if (!parsed.ok()) return Invalid(parsed.error().message);
  NodeConfig config;
  ledger::JsonFields f(*parsed, "");
  auto str = [&](const char* key, std::string& out, std::size_t max_bytes) {
    if (f.Has(key)) f.Str(key, out, max_bytes);
  };
  str("data_dir", config.data_dir, kMaxPathBytes);
  str("genesis_file", config.genesis_file, kMaxPathBytes);
  str("validator_key_file", config.validator_key_file, kMaxPathBytes);
  str("api_listen", config.api_listen, kMaxListenBytes);
  str("p2p_listen", config.p2p_listen, kMaxListenBytes);
  str("node_key_file", config.node_key_file, kMaxPathBytes);
  JOBCARD_TRY_STATUS(ReadPeers(f, config.p2p_peers));
  JOBCARD_TRY_STATUS(ReadObserverKeys(f, config.p2p_observer_keys));
  std::string level_name(LogLevelName(config.log_level));
  str("log_level", level_name, 16);
  std::uint64_t max_txs = config.mempool.max_txs;
  std::uint64_t max_bytes = config.mempool.max_bytes;
  if (f.Has("mempool_max_txs")) f.U64("mempool_max_txs", max_txs);
  if (f.Has("mempool_max_bytes")) f.U64("mempool_max_bytes", max_bytes);
  if (f.Has("verify_store_on_start")) f.Bool("verify_store_on_start", config.verify_store_on_start);
  if (f.Has("store_min_free_bytes")) f.U64("store_min_free_bytes", config.store_min_free_bytes);
  std::uint64_t per_address = config.api_max_connections_per_address;
  if (f.Has("api_max_connections_per_address")) f.U64("api_max_connections_per_address", per_address);
  ReadConsensus(f, config.consensus);
  if (Status finished = f.Finish(); !finished.ok()) return Invalid(finished.error().message);

  auto level = ParseLogLevel(level_name);
  if (!level) return Invalid("log_level: expected debug, info, warn or error, got \"" + level_name + "\"");
  config.log_level = *level;
  config.mempool.max_txs = static_cast<std::size_t>(max_txs);
  config.mempool.max_bytes = static_cast<std::size_t>(max_bytes);
  const std::size_t max_connections = HttpLimits{}.max_connections;
  if (per_address < 1 || per_address > max_connections) {
    return Invalid("api_max_connections_per_address: must be 1-" + std::to_string(max_connections) + ", got " +
                   std::to_string(per_address));
  }
  config.api_max_connections_per_address = static_cast<std::size_t>(per_address);
  if (config.store_min_free_bytes > kMaxStoreReserveBytes) {
    return Invalid("store_min_free_bytes: must be at most " + std::to_string(kMaxStoreReserveBytes) + " (1 TiB), got " +
                   std::to_string(config.store_min_free_bytes));
  }
  JOBCARD_TRY_STATUS(CheckValues(config));
  return config;
}

Result<NodeConfig> LoadNodeConfig(const std::filesystem::path& home) {
  const std::filesystem::path path = home / kNodeConfigFileName;
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (status.type() == std::filesystem::file_type::not_found) return NodeConfig{};
  if (ec || status.type() != std::filesystem::file_type::regular) {
    return MakeError("config.io", path.string() + ": not a readable regular file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError("config.io", "cannot open " + path.string());
  std::string text(kMaxNodeConfigBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) return MakeError("config.io", "cannot read " + path.string());
  text.resize(static_cast<std::size_t>(in.gcount()));
  auto config = ParseNodeConfig(text);
  if (!config.ok()) return MakeError(config.error().code, path.string() + ": " + config.error().message);
  return config;
}

nlohmann::ordered_json NodeConfigToJson(const NodeConfig& c) {
  nlohmann::ordered_json peers = nlohmann::ordered_json::array();
  for (const auto& peer : c.p2p_peers) peers.push_back({{"address", peer.address}, {"node_key", ToHex(peer.node_key)}});
  nlohmann::ordered_json observers = nlohmann::ordered_json::array();
  for (const auto& key : c.p2p_observer_keys) observers.push_back(ToHex(key));
  nlohmann::ordered_json out = {{"data_dir", c.data_dir},
          {"genesis_file", c.genesis_file},
          {"validator_key_file", c.validator_key_file},
          {"api_listen", c.api_listen},
          {"p2p_listen", c.p2p_listen},
          {"node_key_file", c.node_key_file},
          {"p2p_peers", peers},
          {"p2p_observer_keys", observers},
          {"log_level", std::string(LogLevelName(c.log_level))},
          {"mempool_max_txs", c.mempool.max_txs},
          {"mempool_max_bytes", c.mempool.max_bytes},
          {"verify_store_on_start", c.verify_store_on_start},
          {"store_min_free_bytes", c.store_min_free_bytes},
          {"api_max_connections_per_address", c.api_max_connections_per_address}};
  ConsensusSettings consensus = c.consensus;
  for (const auto& field : ConsensusMsFields(consensus)) out[field.name] = *field.value;
  // Written only when set: absent means "as the genesis says".
  if (c.consensus.block_interval_ms) out["consensus_block_interval_ms"] = *c.consensus.block_interval_ms;
  if (c.consensus.max_block_txs) out["consensus_max_block_txs"] = *c.consensus.max_block_txs;
  return out;
}

std::filesystem::path ResolveInHome(const std::filesystem::path& home, const std::string& configured) {
  const std::filesystem::path path(configured);
  return path.is_absolute() ? path : home / path;
}

}  // namespace jobcard::node
