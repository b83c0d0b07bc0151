// A real dev node for end-to-end tests: `jobcard node init --dev` in a temp
// dir, the API moved to an ephemeral loopback port, `jobcard node start` as
// a child process, and the dev keys unlocked for the test to sign with.
#pragma once

#include <fstream>
#include <optional>
#include <regex>
#include <string>

#include "crypto/keystore.h"
#include "ledger/genesis.h"
#include "tests/support/child_process.h"
#include "tests/support/http_client.h"
#include "tests/support/run_process.h"
#include "tests/support/temp_dir.h"

namespace jobcard::testing {

class DevNode {
 public:
  // Starts the node; check ok() (and error()) before use.
  DevNode() {
    home_ = dir_.path() / "devnet";
    auto init = RunProcess(JOBCARD_BINARY, {"node", "init", "--dev", "--home", home_.string()}, dir_.path(),
                           {{"JOBCARD_PASSPHRASE", std::nullopt}});
    if (init.exit_code != 0) {
      error_ = "node init failed: " + init.err;
      return;
    }
    std::ofstream(home_ / "node.json") << R"({"api_listen": "127.0.0.1:0"})";
    auto genesis = ledger::LoadGenesisFile((home_ / "genesis.json").string());
    if (!genesis.ok()) {
      error_ = genesis.error().message;
      return;
    }
    genesis_ = *genesis;
    node_.emplace(JOBCARD_BINARY, std::vector<std::string>{"node", "start", "--home", home_.string()}, true);
    if (!node_->WaitForOutput("api listening", std::chrono::seconds(60))) {
      error_ = "the node did not start: " + node_->output();
      return;
    }
    node_->ReadFor(std::chrono::milliseconds(50));
    std::smatch m;
    const std::string& out = node_->output();
    if (!std::regex_search(out, m, std::regex("url=http://127\\.0\\.0\\.1:([0-9]+)"))) {
      error_ = "no API address in the node's log: " + out;
      return;
    }
    port_ = static_cast<std::uint16_t>(std::stoi(m[1]));
  }
  ~DevNode() {
    if (node_) {
      node_->Signal(SIGTERM);
      node_->Wait();
    }
  }

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  std::uint16_t port() const { return port_; }
  const ledger::Genesis& genesis() const { return genesis_; }
  const std::filesystem::path& home() const { return home_; }
  ChildProcess& process() { return *node_; }

  // A dev key file under keys/, unlocked with the dev passphrase.
  crypto::SigningKey Key(const std::string& file) const {
    return std::move(crypto::ReadKeystore(home_ / "keys" / file, AsBytes("devnet"))).value();
  }

  HttpResult Get(const std::string& target) const { return Request("127.0.0.1", port_, "GET", target); }
  HttpResult Post(const std::string& target, const std::string& json_body) const {
    return Request("127.0.0.1", port_, "POST", target, json_body, {{"Content-Type", "application/json"}});
  }

 private:
  TempDir dir_;
  std::filesystem::path home_;
  std::optional<ChildProcess> node_;
  ledger::Genesis genesis_;
  std::uint16_t port_ = 0;
  std::string error_;
};

}  // namespace jobcard::testing
