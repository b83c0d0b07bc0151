// A local development network of several nodes, as `jobcard devnet init`
// creates it: one genesis with N validators (plus the dev registrar, demo
// employers and matcher of `node init --dev`), and one home per node,
// DIR/node0 .. DIR/node<N-1>, each with that genesis, its own validator key
// and a node.json that lists every other node as a p2p peer on 127.0.0.1.
// node0 also holds the registrar, employer and matcher keys. Full nodes
// (DIR/full0 ..) get their own node key, dial every validator, and are in
// every validator's p2p_observer_keys; they follow by block sync.
//
// Ports: node i's p2p listens on base_port + 2i, its API on base_port + 2i + 1;
// full node j counts as node N + j.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/devnet_home.h"

namespace jobcard::cli {

inline constexpr std::size_t kMaxDevnetValidators = 16;

struct DevnetNetworkOptions {
  std::filesystem::path dir;
  std::size_t validators = 4;  // 1..kMaxDevnetValidators
  std::size_t full_nodes = 0;  // 0..kMaxDevnetValidators
  std::uint16_t base_port = 26700;
  std::string passphrase;
  bool passphrase_is_default = true;
  std::uint64_t genesis_time_ms = 0;
};

struct DevnetNode {
  std::filesystem::path home;
  std::string api_listen;  // host:port
  std::string p2p_listen;
  bool validator = true;  // else a full node: `node start --no-validator`
};

// "node<i>", "full<i>".
std::string DevnetNodeDirName(std::size_t i);
std::string DevnetFullNodeDirName(std::size_t i);

// Refuses a DIR that already holds node0 (node_init.exists). Other errors:
// devnet.invalid (validator count, ports), node_init.io, keystore.*.
Result<std::vector<DevnetNode>> CreateDevnetNetwork(const DevnetNetworkOptions& options);

// The node homes under `dir`: node0, node1, ... then full0, full1, ...
// while they exist; `validator` says which kind.
std::vector<DevnetNode> DevnetNodeHomes(const std::filesystem::path& dir);

}  // namespace jobcard::cli
