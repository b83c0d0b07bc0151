// A real `jobcard` node on a fresh dev home, for end-to-end tests of the
// CLI and the API: DevNodeProcess (dev_node_process.h) in a temporary
// directory, with its genesis loaded and failures reported to GoogleTest.
// The node is killed when the object goes away. Every wait is bounded.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "crypto/keystore.h"
#include "ledger/genesis.h"
#include "tests/support/dev_node_process.h"
#include "tests/support/http_client.h"
#include "tests/support/temp_dir.h"

namespace jobcard::testing {

class DevNode {
 public:
  // Check started() (or use ASSERT_TRUE on it): a failure is also reported.
  explicit DevNode(const TempDir& dir) {
    if (std::string error = process_.Start(JOBCARD_BINARY, dir.path() / "devnet"); !error.empty()) {
      ADD_FAILURE() << error;
      return;
    }
    auto genesis = ledger::LoadGenesisFile((home() / "genesis.json").string());
    if (!genesis.ok()) {
      ADD_FAILURE() << genesis.error().message;
      return;
    }
    genesis_ = *genesis;
    port_ = process_.port();
  }

  // Kills the node and starts it again on the same home (dev_node_process.h);
  // it listens on another port: url() tells.
  void Stop() {
    process_.Stop();
    port_ = 0;
  }
  bool Restart() {
    if (std::string error = process_.Restart(); !error.empty()) {
      ADD_FAILURE() << error;
      return false;
    }
    port_ = process_.port();
    return true;
  }

  bool started() const { return port_ != 0; }
  std::uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::filesystem::path& home() const { return process_.home(); }
  const ledger::Genesis& genesis() const { return genesis_; }
  // The demo employer i of the dev genesis and its key file.
  std::string employer(std::size_t i) const { return genesis_.employers.at(i).id.str(); }
  std::string employer_name(std::size_t i) const { return genesis_.employers.at(i).name; }
  std::string employer_key(std::size_t i) const { return (home() / "keys" / ("employer-" + employer(i) + ".key")).string(); }
  std::string log() const { return process_.log(); }
  // The node process, for what a test watches (its pid, its log).
  DevNodeProcess& process() { return process_; }

  // A dev key file under keys/, unlocked with the dev passphrase.
  crypto::SigningKey Key(const std::string& file) const {
    return std::move(crypto::ReadKeystore(home() / "keys" / file, AsBytes("devnet"))).value();
  }
  HttpResult Get(const std::string& target) const { return Request("127.0.0.1", port_, "GET", target); }
  HttpResult Post(const std::string& target, const std::string& json_body) const {
    return Request("127.0.0.1", port_, "POST", target, json_body, {{"Content-Type", "application/json"}});
  }

 private:
  DevNodeProcess process_;
  ledger::Genesis genesis_;
  std::uint16_t port_ = 0;
};

}  // namespace jobcard::testing
