// A real `jobcard` node on a fresh dev home, for end-to-end tests of the
// CLI and the API: `node init --dev` in a temporary directory, node.json
// set to listen on a port the kernel picks (so tests can run in parallel),
// the bound port read from the node's log line
// `api listening url=http://127.0.0.1:PORT`. The node is killed when the
// object goes away, or by Stop() / Restart(). Every wait is bounded.
#pragma once

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "crypto/keystore.h"
#include "ledger/genesis.h"
#include "tests/support/child_process.h"
#include "tests/support/http_client.h"
#include "tests/support/run_process.h"
#include "tests/support/temp_dir.h"

namespace jobcard::testing {

class DevNode {
 public:
  // Check started() (or use ASSERT_TRUE on it): a failure is also reported.
  explicit DevNode(const TempDir& dir) : home_(dir.path() / "devnet") {
    auto init = RunProcess(JOBCARD_BINARY, {"node", "init", "--dev", "--home", home_.string()}, dir.path(),
                           {{"JOBCARD_PASSPHRASE", std::nullopt}});
    if (init.exit_code != 0) {
      ADD_FAILURE() << "node init failed: " << init.err;
      return;
    }
    if (!ListenOnAnyPort()) return;
    auto genesis = ledger::LoadGenesisFile((home_ / "genesis.json").string());
    if (!genesis.ok()) {
      ADD_FAILURE() << genesis.error().message;
      return;
    }
    genesis_ = *genesis;
    Start();
  }

  // Kills the node (SIGKILL, as a crash would) and starts it again on the
  // same home; it listens on another port (url() tells). For tests that
  // edit the database while the node is down.
  void Stop() {
    node_.reset();
    port_ = 0;
  }
  bool Restart() {
    Stop();
    Start();
    return started();
  }

  bool started() const { return port_ != 0; }
  std::uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::filesystem::path& home() const { return home_; }
  const ledger::Genesis& genesis() const { return genesis_; }
  // The demo employer i of the dev genesis and its key file.
  std::string employer(std::size_t i) const { return genesis_.employers.at(i).id.str(); }
  std::string employer_name(std::size_t i) const { return genesis_.employers.at(i).name; }
  std::string employer_key(std::size_t i) const { return (home_ / "keys" / ("employer-" + employer(i) + ".key")).string(); }
  std::string log() const { return node_ ? node_->output() : std::string(); }

  // A dev key file under keys/, unlocked with the dev passphrase.
  crypto::SigningKey Key(const std::string& file) const {
    return std::move(crypto::ReadKeystore(home_ / "keys" / file, AsBytes("devnet"))).value();
  }
  HttpResult Get(const std::string& target) const { return Request("127.0.0.1", port_, "GET", target); }
  HttpResult Post(const std::string& target, const std::string& json_body) const {
    return Request("127.0.0.1", port_, "POST", target, json_body, {{"Content-Type", "application/json"}});
  }

 private:
  void Start() {
    node_ = std::make_unique<ChildProcess>(JOBCARD_BINARY, std::vector<std::string>{"node", "start", "--home", home_.string()},
                                           /*merge_stderr=*/true);
    const std::string marker = "api listening url=http://127.0.0.1:";
    if (!node_->WaitForOutput(marker, std::chrono::seconds(60))) {
      ADD_FAILURE() << "the node did not start listening:\n" << node_->output();
      return;
    }
    const std::string& out = node_->output();
    port_ = static_cast<std::uint16_t>(std::stoi(out.substr(out.find(marker) + marker.size())));
  }

  bool ListenOnAnyPort() {
    const auto path = home_ / "node.json";
    std::ifstream in(path);
    nlohmann::json config = nlohmann::json::parse(in, nullptr, false);
    if (!config.is_object()) {
      ADD_FAILURE() << "cannot parse " << path;
      return false;
    }
    config["api_listen"] = "127.0.0.1:0";
    std::ofstream(path, std::ios::trunc) << config.dump(2) << "\n";
    return true;
  }

  std::filesystem::path home_;
  ledger::Genesis genesis_;
  std::unique_ptr<ChildProcess> node_;
  std::uint16_t port_ = 0;
};

}  // namespace jobcard::testing
