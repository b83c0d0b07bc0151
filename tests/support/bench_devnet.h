// A devnet of real `jobcard node start` processes for the devnet benchmark
// (tests/tools/jobcard_devnet_bench.cpp): `jobcard devnet init` makes the
// homes under one directory, each node runs as a child process that logs to
// `<home>/node.log` (a file, so that a long run never blocks on a full pipe
// and the logs can be read afterwards), and the destructor stops them all.
// Also: the TestChain of a devnet, read from node0's home, so that the
// synthetic workload (synthetic_workload.h) signs with the devnet's keys.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "crypto/result.h"
#include "node/node_config.h"
#include "tests/support/chain_fixture.h"

namespace jobcard::testing {

class BenchDevnet {
 public:
  // Runs `jobcard devnet init --validators N --home DIR --base-port P` with
  // the default dev passphrase. DIR must not hold a devnet yet.
  static Result<BenchDevnet> Create(const std::string& jobcard_binary, const std::filesystem::path& dir,
                                    std::size_t validators, std::uint16_t base_port);
  BenchDevnet(BenchDevnet&& other) noexcept;
  BenchDevnet& operator=(BenchDevnet&&) = delete;
  BenchDevnet(const BenchDevnet&) = delete;
  BenchDevnet& operator=(const BenchDevnet&) = delete;
  ~BenchDevnet();  // SIGTERM to every node still running, then waits (bounded)

  // Rewrites every node's node.json with `edit` applied (before StartAll).
  Status EditNodeConfigs(const std::function<void(node::NodeConfig&)>& edit);
  // Starts every node and waits (up to `timeout` in all) until each logs
  // that its API listens.
  Status StartAll(std::chrono::milliseconds timeout);
  // SIGTERM, then SIGKILL after `grace`; returns once every node has exited.
  void StopAll(std::chrono::milliseconds grace);

  std::size_t size() const { return homes_.size(); }
  const std::filesystem::path& home(std::size_t i) const { return homes_[i]; }
  std::uint16_t api_port(std::size_t i) const { return api_ports_[i]; }
  std::string log(std::size_t i) const;  // what node i has logged so far
  // The CPU seconds (user + system) the running nodes have used so far, in
  // all; the difference of two readings is what a run cost the whole network.
  double NodesCpuSeconds() const;

 private:
  BenchDevnet() = default;
  std::string binary_;
  std::vector<std::filesystem::path> homes_;
  std::vector<std::uint16_t> api_ports_;
  std::vector<pid_t> pids_;
};

// The devnet's genesis with node0's registrar and validator keys and the
// first two demo employers' keys as employer A and B (dev passphrase).
Result<TestChain> TestChainFromDevnetHome(const std::filesystem::path& node0_home);

}  // namespace jobcard::testing
