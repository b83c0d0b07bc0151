// A local development network of several nodes, as `jobcard devnet init`
// creates it: one genesis with N validators (plus the dev registrar, demo
// employers and matcher of `node init --dev`), and one home per node,
// DIR/node0 .. DIR/node<N-1>, each with that genesis, its own validator key
// and a node.json that lists every other node as a p2p peer on 127.0.0.1.
// node0 also holds the registrar, employer and matcher keys.
//
// Ports: node i's p2p listens on base_port + 2i, its API on base_port + 2i + 1.
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
  std::uint16_t base_port = 26700;
  std::string passphrase;
  bool passphrase_is_default = true;
  std::uint64_t genesis_time_ms = 0;
};

struct DevnetNode {
  std::filesystem::path home;
  std::string api_listen;  // host:port
  std::string p2p_listen;
};

// "node<i>".
std::string DevnetNodeDirName(std::size_t i);

// Refuses a DIR that already holds node0 (node_init.exists). Other errors:
// devnet.invalid (validator count, ports), node_init.io, keystore.*.
Result<std::vector<DevnetNode>> CreateDevnetNetwork(const DevnetNetworkOptions& options);

// The node homes under `dir` (node0, node1, ... while they exist).
std::vector<std::filesystem::path> DevnetNodeHomes(const std::filesystem::path& dir);

}  // namespace jobcard::cli
