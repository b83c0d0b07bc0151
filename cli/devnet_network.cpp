#include "cli/devnet_network.h"

#include "crypto/keystore.h"
#include "ledger/genesis.h"
#include "node/node_config.h"

namespace jobcard::cli {

namespace {

namespace fs = std::filesystem;

std::string Loopback(unsigned port) { return "127.0.0.1:" + std::to_string(port); }

// A home's keys directory (owner only) and a copy of the shared genesis.
Status PrepareHome(const fs::path& home, const fs::path& genesis_file) {
  std::error_code ec;
  fs::create_directories(home / "keys", ec);
  if (!ec) fs::permissions(home / "keys", fs::perms::owner_all, fs::perm_options::replace, ec);
  if (ec) return MakeError("node_init.io", "cannot create " + (home / "keys").string() + ": " + ec.message());
  fs::copy_file(genesis_file, home / "genesis.json", fs::copy_options::overwrite_existing, ec);
  if (ec) return MakeError("node_init.io", "cannot copy the genesis to " + home.string() + ": " + ec.message());
  return Status::Ok();
}

// Node i's home apart from node0: the shared genesis and its validator key.
Status CreateValidatorHome(const fs::path& home, const fs::path& genesis_file, const crypto::SigningKey& key,
                           std::size_t index, const DevnetNetworkOptions& options) {
  JOBCARD_TRY_STATUS(PrepareHome(home, genesis_file));
  crypto::KeystoreWriteOptions write_options;
  write_options.label = "jobcard-devnet validator " + DevnetValidatorName(index);
  return crypto::WriteKeystore(home / "keys" / "validator.key", key, AsBytes(options.passphrase), write_options);
}

// A full node's home: the shared genesis and its node key (node.json's
// default node_key_file).
Status CreateFullNodeHome(const fs::path& home, const fs::path& genesis_file, const crypto::SigningKey& key,
                          const DevnetNetworkOptions& options) {
  JOBCARD_TRY_STATUS(PrepareHome(home, genesis_file));
  crypto::KeystoreWriteOptions write_options;
  write_options.label = "jobcard-devnet full node " + home.filename().string();
  return crypto::WriteKeystore(home / "keys" / "node.key", key, AsBytes(options.passphrase), write_options);
}

}  // namespace

std::string DevnetNodeDirName(std::size_t i) { return "node" + std::to_string(i); }

std::string DevnetFullNodeDirName(std::size_t i) { return "full" + std::to_string(i); }

std::vector<DevnetNode> DevnetNodeHomes(const fs::path& dir) {
  std::vector<DevnetNode> homes;
  for (bool validator : {true, false}) {
    for (std::size_t i = 0; i < kMaxDevnetValidators; ++i) {
      const fs::path home = dir / (validator ? DevnetNodeDirName(i) : DevnetFullNodeDirName(i));
      std::error_code ec;
      if (!fs::exists(home / "genesis.json", ec)) break;
      homes.push_back({home, "", "", validator});
    }
  }
  return homes;
}

Result<std::vector<DevnetNode>> CreateDevnetNetwork(const DevnetNetworkOptions& options) {
  const std::size_t n = options.validators;
  if (n < 1 || n > kMaxDevnetValidators) {
    return MakeError("devnet.invalid", "--validators must be 1.." + std::to_string(kMaxDevnetValidators));
  }
  if (options.full_nodes > kMaxDevnetValidators) {
    return MakeError("devnet.invalid", "--full-nodes must be 0.." + std::to_string(kMaxDevnetValidators));
  }
  const std::size_t total = n + options.full_nodes;
  if (options.base_port < 1024 || options.base_port + 2 * total > 65535) {
    return MakeError("devnet.invalid", "--base-port must leave room for " + std::to_string(2 * total) + " ports in 1024..65535");
  }
  DevnetHomeOptions first;
  first.home = options.dir / DevnetNodeDirName(0);
  first.passphrase = options.passphrase;
  first.passphrase_is_default = options.passphrase_is_default;
  first.genesis_time_ms = options.genesis_time_ms;
  first.validators = n;
  auto created = CreateDevnetHome(first);
  if (!created.ok()) return created.error();
  const fs::path genesis_file = first.home / "genesis.json";
  for (std::size_t i = 1; i < n; ++i) {
    JOBCARD_TRY_STATUS(CreateValidatorHome(options.dir / DevnetNodeDirName(i), genesis_file,
                                           created->other_validators[i - 1], i, options));
  }
  std::vector<crypto::PublicKey> observers;
  for (std::size_t j = 0; j < options.full_nodes; ++j) {
    crypto::SigningKey node_key = crypto::SigningKey::Generate();
    JOBCARD_TRY_STATUS(CreateFullNodeHome(options.dir / DevnetFullNodeDirName(j), genesis_file, node_key, options));
    observers.push_back(node_key.public_key());
  }
  auto genesis = ledger::LoadGenesisFile(genesis_file.string());
  if (!genesis.ok()) return genesis.error();

  std::vector<DevnetNode> nodes;
  for (std::size_t i = 0; i < total; ++i) {
    const unsigned p2p = options.base_port + 2 * i;
    const bool validator = i < n;
    nodes.push_back({options.dir / (validator ? DevnetNodeDirName(i) : DevnetFullNodeDirName(i - n)), Loopback(p2p + 1),
                     Loopback(p2p), validator});
  }
  // node.json last: every node dials every validator but itself; validators
  // also accept the full nodes.
  for (std::size_t i = 0; i < total; ++i) {
    node::NodeConfig config;
    config.api_listen = nodes[i].api_listen;
    config.p2p_listen = nodes[i].p2p_listen;
    for (std::size_t j = 0; j < n; ++j) {
      if (j != i) config.p2p_peers.push_back({nodes[j].p2p_listen, genesis->validators[j].key});
    }
    if (nodes[i].validator) config.p2p_observer_keys = observers;
    JOBCARD_TRY_STATUS(WriteTextFile(nodes[i].home / node::kNodeConfigFileName, node::NodeConfigToJson(config).dump(2) + "\n"));
  }
  return nodes;
}

}  // namespace jobcard::cli
