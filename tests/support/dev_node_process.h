// A real `jobcard` node on a fresh dev home, without GoogleTest, for the
// tests' DevNode and for tools that attack or load a real process:
// `node init --dev` in a directory, node.json set to listen on a port the
// kernel picks (so runs can be parallel), the bound port read from the node's
// log line `api listening url=http://127.0.0.1:PORT`. The node is killed
// when the object goes away. Every wait is bounded.
#pragma once

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "tests/support/child_process.h"
#include "tests/support/process_probe.h"
#include "tests/support/run_process.h"

namespace jobcard::testing {

// For measuring a node's memory: an ASan build keeps freed memory in a
// quarantine (256 MB by default), so its RSS grows with everything it ever
// allocated. Called before Start, this gives the children started later a
// small quarantine, so that their RSS follows what they hold. A release
// build ignores ASAN_OPTIONS.
inline void UseSmallAsanQuarantineInChildren() {
  const char* current = std::getenv("ASAN_OPTIONS");
  const std::string options = current == nullptr ? "" : std::string(current) + ":";
  ::setenv("ASAN_OPTIONS", (options + "quarantine_size_mb=4").c_str(), 1);
}

class DevNodeProcess {
 public:
  // Initialises `home` (which must not exist yet) with `binary` and starts
  // the node; "" on success, else what went wrong (with the node's output).
  std::string Start(const std::string& binary, const std::filesystem::path& home) {
    home_ = home;
    binary_ = binary;
    auto init = RunProcess(binary, {"node", "init", "--dev", "--home", home.string()}, home.parent_path(),
                           {{"JOBCARD_PASSPHRASE", std::nullopt}});
    if (init.exit_code != 0) return "node init failed: " + init.err;
    if (std::string error = ListenOnAnyPort(); !error.empty()) return error;
    return Launch();
  }

  // Kills the node (SIGKILL, as a crash would); Restart starts it again on
  // the same home, listening on another port. For tests that edit the
  // database while the node is down.
  void Stop() {
    node_.reset();
    port_ = 0;
  }
  std::string Restart() {
    Stop();
    return Launch();
  }

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return node_ ? node_->pid() : -1; }
  const std::filesystem::path& home() const { return home_; }
  // What the node has logged so far (read up to now: DrainLog).
  std::string log() const { return node_ ? node_->output() : std::string(); }
  // Reads what the node logged since, so that a long run cannot fill the
  // pipe and block the node on a write to its log.
  void DrainLog() {
    if (node_) node_->ReadFor(std::chrono::milliseconds(1));
  }
  // False once the process has exited (or was never started).
  bool alive() const { return node_ && ProcessRunning(node_->pid()); }

 private:
  std::string Launch() {
    node_ = std::make_unique<ChildProcess>(binary_, std::vector<std::string>{"node", "start", "--home", home_.string()},
                                           /*merge_stderr=*/true);
    const std::string marker = "api listening url=http://127.0.0.1:";
    if (!node_->WaitForOutput(marker, std::chrono::seconds(60))) {
      return "the node did not start listening:\n" + node_->output();
    }
    const std::string& out = node_->output();
    port_ = static_cast<std::uint16_t>(std::stoi(out.substr(out.find(marker) + marker.size())));
    return "";
  }

  std::string ListenOnAnyPort() {
    const auto path = home_ / "node.json";
    std::ifstream in(path);
    nlohmann::json config = nlohmann::json::parse(in, nullptr, false);
    if (!config.is_object()) return "cannot parse " + path.string();
    config["api_listen"] = "127.0.0.1:0";
    std::ofstream(path, std::ios::trunc) << config.dump(2) << "\n";
    return "";
  }

  std::filesystem::path home_;
  std::string binary_;
  std::unique_ptr<ChildProcess> node_;
  std::uint16_t port_ = 0;
};

}  // namespace jobcard::testing
