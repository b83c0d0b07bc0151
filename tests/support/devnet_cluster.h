// A local network of real `jobcard node start` processes on 127.0.0.1, made
// by `jobcard devnet init --validators V --full-nodes F`: nodes 0..V-1 are
// the validators (DIR/node<i>), V.. the full nodes (DIR/full<j>). The
// cluster starts, signals and restarts them, reads their API, submits
// registrar-signed enrolments (each independent of every other), and, when
// made `through_relay`, rewrites every node.json so that each peer link goes
// through a TcpRelay the test can cut (Cut, Isolate) and restore (HealAll),
// or make slow and unreliable (ImpairAll: jitter, random resets and stalls).
//
// For validator-set changes a full node's home can be turned into a
// validator's before it starts (PromoteToValidator: it then starts without
// --no-validator and signs with the key file given), a key can be allowed to
// connect to every validator (AllowPeerKey, before the nodes start), and the
// real `jobcard` CLI can be run against the network (RunCli).
//
// Errors come back as text (empty = fine) so that both GoogleTest tests and
// the `jobcard_chaos` runner use it. Every wait and request is bounded.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "crypto/sign.h"
#include "node/node_config.h"
#include "tests/support/child_process.h"
#include "tests/support/tcp_relay.h"
#include "tests/support/temp_dir.h"

namespace jobcard::testing {

struct DevnetClusterOptions {
  std::string jobcard_binary;  // the `jobcard` executable
  std::size_t validators = 4;
  std::size_t full_nodes = 1;
  bool through_relay = false;
  std::chrono::milliseconds request_timeout{3000};
};

class DevnetCluster {
 public:
  explicit DevnetCluster(DevnetClusterOptions options);
  ~DevnetCluster();
  DevnetCluster(const DevnetCluster&) = delete;
  DevnetCluster& operator=(const DevnetCluster&) = delete;

  // `devnet init`, the registrar key, node.json rewritten for the relay.
  std::string Init();

  std::size_t size() const { return options_.validators + options_.full_nodes; }
  std::size_t validators() const { return options_.validators; }
  // Whether node i's home was made by devnet init as a full node's (it may since have been promoted).
  bool IsFullNode(std::size_t i) const { return i >= options_.validators; }
  bool Votes(std::size_t i) const { return !IsFullNode(i) || promoted_.count(i) > 0; }
  std::filesystem::path Home(std::size_t i) const;
  const std::filesystem::path& dir() const { return dir_.path(); }
  std::set<std::size_t> All() const;

  // Before node i starts: it runs as a validator signing with `key_file`
  // (relative to its home, encrypted with the devnet passphrase).
  std::string PromoteToValidator(std::size_t i, const std::string& key_file);
  // Before the validators start: each accepts p2p connections from `key` (p2p_observer_keys).
  std::string AllowPeerKey(const crypto::PublicKey& key);
  // Before the validators start: none lists `key` in p2p_observer_keys any more
  // (a new operator nobody was told of: only a committed admission lets it in).
  std::string ForgetPeerKey(const crypto::PublicKey& key);
  // Rewrites node i's node.json validator_key_file (takes effect at its next start).
  std::string SetValidatorKeyFile(std::size_t i, const std::string& key_file);
  // Runs `jobcard ARGS --node <node i's API>` with the devnet passphrase, in the cluster's directory.
  struct CliResult {
    int exit_code = -1;
    std::string out, err;
  };
  CliResult RunCli(std::size_t through, std::vector<std::string> args);

  // Starts node i and waits (up to 60 s) for its API; "" on success.
  std::string Start(std::size_t i);
  // Sends `signal` and waits for the process to end (SIGKILL after 30 s);
  // its exit code (128 + signal if killed).
  int Stop(std::size_t i, int signal);
  // SIGKILL to every running node, waiting for each.
  void StopAll();
  // Sends `signal` without waiting (SIGSTOP, SIGCONT).
  void Signal(std::size_t i, int signal);
  bool Running(std::size_t i) const { return nodes_[i] != nullptr; }
  // Node i's process, or nullptr when not started.
  ChildProcess* Process(std::size_t i) { return nodes_[i].get(); }
  // Waits up to `timeout` for node i to exit on its own; its exit code, or -1 if it did not.
  int WaitForExit(std::size_t i, std::chrono::milliseconds timeout);
  // The nodes log to pipes: read them so that they never block on a full one.
  void Drain();
  // Node i's log so far (of its last run when it has stopped). Only what
  // was drained: a running node's latest lines may still be in its pipe.
  std::string Log(std::size_t i) const;
  // Drains node i's pipe until its log holds `text` or `timeout` passes.
  bool WaitForLog(std::size_t i, std::string_view text, std::chrono::milliseconds timeout);
  // The last `bytes` of each node's log.
  std::string Logs(std::size_t bytes = 4000);

  // The API's JSON answer, or null on any failure.
  nlohmann::json Get(std::size_t i, const std::string& target);
  std::uint64_t Height(std::size_t i);  // 0 when unreachable
  std::size_t PeerCount(std::size_t i);
  std::vector<std::string> Peers(std::size_t i);  // the connected peers' keys (hex); empty when unreachable
  std::string BlockHash(std::size_t i, std::uint64_t height);  // "" when unknown
  std::string StateRoot(std::size_t i, std::uint64_t height);  // "" when unknown
  bool Committed(std::size_t i, const std::string& id);
  // The height of the block that committed transaction `id` on node i, 0 when not committed there.
  std::uint64_t CommittedHeight(std::size_t i, const std::string& id);
  // The validator keys (hex) that signed the certificate of block `height` on node i; empty when unknown.
  std::vector<std::string> Signers(std::size_t i, std::uint64_t height);
  // Submits an enrolment through node i; its id, or "" if the node did not accept it.
  std::string Submit(std::size_t i);

  // Waits until `pred` holds or `timeout` passes, draining logs meanwhile.
  bool WaitUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout);
  // Every node in `nodes` has as peers every running node it is configured to link with.
  bool FullyConnected(const std::set<std::size_t>& nodes);

  // Relay only: cut both directions between a and b, or every link between the two sides.
  void Cut(std::size_t a, std::size_t b);
  void Isolate(const std::set<std::size_t>& side);
  void Partition(const std::set<std::size_t>& side_a, const std::set<std::size_t>& side_b);
  void HealAll();
  // Relay only: every link delays, resets and stalls as `impairment` says (LinkImpairment{}: clean again).
  void ImpairAll(const LinkImpairment& impairment);
  TcpRelay& relay() { return relay_; }

 private:
  std::string RouteThroughRelay();
  // Applies `edit` to every validator's node.json (made by devnet init as a validator's).
  std::string EditValidatorConfigs(const std::function<void(node::NodeConfig&)>& edit);
  int LinkId(std::size_t dialler, std::size_t dialled) const { return static_cast<int>(dialler * 100 + dialled); }

  DevnetClusterOptions options_;
  TempDir dir_;
  std::uint16_t base_port_ = 0;
  std::string chain_id_;
  std::unique_ptr<crypto::SigningKey> registrar_;
  std::vector<std::uint16_t> api_ports_;
  std::vector<std::unique_ptr<ChildProcess>> nodes_;
  std::map<std::size_t, std::string> last_logs_;  // of nodes that have stopped
  std::set<int> links_;
  std::set<std::size_t> promoted_;  // full nodes' homes that run as validators
  TcpRelay relay_;
  std::uint64_t nonce_ = 1;
};

}  // namespace jobcard::testing
