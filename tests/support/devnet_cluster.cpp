#include "tests/support/devnet_cluster.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <map>
#include <thread>

#include "crypto/keystore.h"
#include "ledger/genesis.h"
#include "ledger/json_fields.h"
#include "ledger/tx_json.h"
#include "node/node_config.h"
#include "tests/support/http_client.h"
#include "tests/support/run_process.h"

namespace jobcard::testing {

using nlohmann::json;
using namespace std::chrono_literals;

namespace {

std::uint16_t PortOf(const std::string& host_port) {
  return static_cast<std::uint16_t>(std::stoi(host_port.substr(host_port.rfind(':') + 1)));
}

}  // namespace

DevnetCluster::DevnetCluster(DevnetClusterOptions options) : options_(std::move(options)) {
  // Distinct per process so that parallel test runs do not collide, and
  // below the kernel's ephemeral range (32768+), from which outgoing
  // connections take their ports: a restarted node must get its port back.
  // 20 ports a network: 2 per node (API, p2p) for up to 10 nodes; a process
  // that makes several networks (jobcard_chaos) gives each its own slot.
  static std::atomic<unsigned> networks_made{0};
  const unsigned slot = (static_cast<unsigned>(::getpid()) + 337 * networks_made++) % 1000;
  base_port_ = static_cast<std::uint16_t>(12000 + slot * 20);
  nodes_.resize(size());
  // Children run in other directories: a relative path would not be found there.
  options_.jobcard_binary = std::filesystem::absolute(options_.jobcard_binary).string();
}

DevnetCluster::~DevnetCluster() {
  for (auto& node : nodes_) {
    if (node) node->Signal(SIGCONT);  // a paused node cannot die of SIGKILL until resumed
  }
  nodes_.clear();
  relay_.Stop();
}

std::filesystem::path DevnetCluster::Home(std::size_t i) const {
  return dir_.path() / (IsFullNode(i) ? "full" + std::to_string(i - options_.validators) : "node" + std::to_string(i));
}

std::set<std::size_t> DevnetCluster::All() const {
  std::set<std::size_t> all;
  for (std::size_t i = 0; i < size(); ++i) all.insert(i);
  return all;
}

std::string DevnetCluster::Init() {
  if (dir_.path().empty()) return "no temporary directory";
  auto init = RunProcess(options_.jobcard_binary,
                         {"devnet", "init", "--validators", std::to_string(options_.validators), "--full-nodes",
                          std::to_string(options_.full_nodes), "--home", dir_.path().string(), "--base-port",
                          std::to_string(base_port_)},
                         dir_.path(), {{"JOBCARD_PASSPHRASE", std::nullopt}});
  if (init.exit_code != 0) {
    return "devnet init (" + options_.jobcard_binary + ") failed with " + std::to_string(init.exit_code) + ": " + init.err;
  }
  auto genesis = ledger::LoadGenesisFile((Home(0) / "genesis.json").string());
  if (!genesis.ok()) return genesis.error().message;
  if (genesis->validators.size() != options_.validators) return "genesis has the wrong validator count";
  chain_id_ = genesis->chain_id;
  auto registrar = crypto::ReadKeystore(Home(0) / "keys" / "registrar.key", AsBytes("devnet"));
  if (!registrar.ok()) return registrar.error().message;
  registrar_ = std::make_unique<crypto::SigningKey>(std::move(*registrar));
  for (std::size_t i = 0; i < size(); ++i) {
    auto config = node::LoadNodeConfig(Home(i));
    if (!config.ok()) return config.error().message;
    api_ports_.push_back(PortOf(config->api_listen));
  }
  return options_.through_relay ? RouteThroughRelay() : "";
}

// Each node dials its peers at the address in node.json: give it, for each
// peer, the port of a relay link that forwards to that peer's own port.
std::string DevnetCluster::RouteThroughRelay() {
  std::map<std::uint16_t, std::size_t> node_by_p2p_port;
  for (std::size_t i = 0; i < size(); ++i) {
    auto config = node::LoadNodeConfig(Home(i));
    if (!config.ok()) return config.error().message;
    node_by_p2p_port[PortOf(config->p2p_listen)] = i;
  }
  for (std::size_t i = 0; i < size(); ++i) {
    auto config = node::LoadNodeConfig(Home(i));
    if (!config.ok()) return config.error().message;
    for (auto& peer : config->p2p_peers) {
      const std::uint16_t target = PortOf(peer.address);
      if (node_by_p2p_port.count(target) == 0) return "a peer address of " + Home(i).string() + " is no node's";
      const int link = LinkId(i, node_by_p2p_port[target]);
      std::string error;
      const std::uint16_t port = relay_.AddLink(link, target, &error);
      if (port == 0) return error;
      links_.insert(link);
      peer.address = "127.0.0.1:" + std::to_string(port);
    }
    std::ofstream out(Home(i) / node::kNodeConfigFileName, std::ios::trunc);
    out << node::NodeConfigToJson(*config).dump(2) << "\n";
    if (!out) return "cannot rewrite node.json of " + Home(i).string();
  }
  relay_.Start();
  return "";
}

namespace {

// Loads node.json of `home`, lets `change` edit it and writes it back.
std::string EditNodeConfig(const std::filesystem::path& home, const std::function<void(node::NodeConfig&)>& change) {
  auto config = node::LoadNodeConfig(home);
  if (!config.ok()) return config.error().message;
  change(*config);
  std::ofstream out(home / node::kNodeConfigFileName, std::ios::trunc);
  out << node::NodeConfigToJson(*config).dump(2) << "\n";
  return out ? "" : "cannot rewrite node.json of " + home.string();
}

}  // namespace

std::string DevnetCluster::PromoteToValidator(std::size_t i, const std::string& key_file) {
  if (!IsFullNode(i) || Running(i)) return "only a full node that is not running can be promoted";
  promoted_.insert(i);
  return SetValidatorKeyFile(i, key_file);
}

std::string DevnetCluster::SetValidatorKeyFile(std::size_t i, const std::string& key_file) {
  return EditNodeConfig(Home(i), [&](node::NodeConfig& c) { c.validator_key_file = key_file; });
}

std::string DevnetCluster::EditValidatorConfigs(const std::function<void(node::NodeConfig&)>& edit) {
  for (std::size_t i = 0; i < options_.validators; ++i) {
    std::string error = EditNodeConfig(Home(i), edit);
    if (!error.empty()) return error;
  }
  return "";
}

std::string DevnetCluster::AllowPeerKey(const crypto::PublicKey& key) {
  return EditValidatorConfigs([&](node::NodeConfig& c) { c.p2p_observer_keys.push_back(key); });
}

std::string DevnetCluster::ForgetPeerKey(const crypto::PublicKey& key) {
  return EditValidatorConfigs([&](node::NodeConfig& c) { std::erase(c.p2p_observer_keys, key); });
}

DevnetCluster::CliResult DevnetCluster::RunCli(std::size_t through, std::vector<std::string> args) {
  args.insert(args.end(), {"--node", "http://127.0.0.1:" + std::to_string(api_ports_[through])});
  auto r = RunProcess(options_.jobcard_binary, args, dir_.path(), {{"JOBCARD_PASSPHRASE", "devnet"}});
  return {r.exit_code, r.out, r.err};
}

std::string DevnetCluster::Start(std::size_t i) {
  std::vector<std::string> args = {"node", "start", "--home", Home(i).string()};
  if (!Votes(i)) args.push_back("--no-validator");
  nodes_[i] = std::make_unique<ChildProcess>(options_.jobcard_binary, args, /*merge_stderr=*/true);
  if (!nodes_[i]->WaitForOutput("api listening", 60s)) return "node " + std::to_string(i) + " did not start:\n" + nodes_[i]->output();
  return "";
}

int DevnetCluster::Stop(std::size_t i, int signal) {
  if (!nodes_[i]) return -1;
  nodes_[i]->Signal(signal);
  if (signal != SIGCONT) nodes_[i]->Signal(SIGCONT);  // a paused node acts on its signals once resumed
  // Read its last words before the pipe goes with it.
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  int code = -1;
  while ((code = nodes_[i]->TryWait()) < 0) {
    if (std::chrono::steady_clock::now() > deadline) nodes_[i]->Signal(SIGKILL);
    nodes_[i]->ReadFor(20ms);
    std::this_thread::sleep_for(5ms);  // ReadFor returns at once when the pipe has closed
  }
  nodes_[i]->ReadFor(50ms);
  last_logs_[i] = nodes_[i]->output();
  nodes_[i].reset();
  return code;
}

void DevnetCluster::StopAll() {
  for (std::size_t i = 0; i < size(); ++i) {
    if (nodes_[i]) Stop(i, SIGKILL);
  }
}

void DevnetCluster::Signal(std::size_t i, int signal) {
  if (nodes_[i]) nodes_[i]->Signal(signal);
}

int DevnetCluster::WaitForExit(std::size_t i, std::chrono::milliseconds timeout) {
  if (!nodes_[i]) return -1;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int code = -1;
  while ((code = nodes_[i]->TryWait()) < 0 && std::chrono::steady_clock::now() < deadline) {
    Drain();
    std::this_thread::sleep_for(50ms);
  }
  if (code < 0) return -1;
  nodes_[i]->ReadFor(100ms);
  last_logs_[i] = nodes_[i]->output();
  nodes_[i].reset();
  return code;
}

void DevnetCluster::Drain() {
  for (auto& n : nodes_) {
    if (n) n->ReadFor(1ms);
  }
}

std::string DevnetCluster::Log(std::size_t i) const { return nodes_[i] ? nodes_[i]->output() : last_logs_.count(i) ? last_logs_.at(i) : ""; }

bool DevnetCluster::WaitForLog(std::size_t i, std::string_view text, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (nodes_[i]) nodes_[i]->ReadFor(20ms);
    if (Log(i).find(text) != std::string::npos) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    if (!nodes_[i]) std::this_thread::sleep_for(20ms);
  }
}

std::string DevnetCluster::Logs(std::size_t bytes) {
  Drain();
  std::string all;
  for (std::size_t i = 0; i < size(); ++i) {
    const std::string log = Log(i);
    all += "--- " + Home(i).filename().string() + "\n" + log.substr(log.size() > bytes ? log.size() - bytes : 0);
  }
  return all;
}

json DevnetCluster::Get(std::size_t i, const std::string& target) {
  auto r = Request("127.0.0.1", api_ports_[i], "GET", target, "", {}, options_.request_timeout);
  if (!r.ok || r.status != 200) return json();
  auto parsed = ledger::ParseJson(r.body, 16 * 1024 * 1024);
  return parsed.ok() ? *parsed : json();
}

std::uint64_t DevnetCluster::Height(std::size_t i) {
  json status = Get(i, "/v1/status");
  return status.is_object() && status["tip"].is_object() ? status["tip"].value("height", std::uint64_t{0}) : 0;
}

std::vector<std::string> DevnetCluster::Peers(std::size_t i) {
  json status = Get(i, "/v1/status");
  std::vector<std::string> keys;
  if (!status.is_object() || !status["peers"].is_array()) return keys;
  for (const json& key : status["peers"]) {
    if (key.is_string()) keys.push_back(key.get<std::string>());
  }
  return keys;
}

std::size_t DevnetCluster::PeerCount(std::size_t i) { return Peers(i).size(); }

std::string DevnetCluster::BlockHash(std::size_t i, std::uint64_t height) {
  json block = Get(i, "/v1/blocks/" + std::to_string(height));
  if (!block.is_object() || !block["certificate"].is_object()) return "";
  return block["certificate"].value("block_hash", "");
}

std::string DevnetCluster::StateRoot(std::size_t i, std::uint64_t height) {
  json block = Get(i, "/v1/blocks/" + std::to_string(height));
  if (!block.is_object() || !block["header"].is_object()) return "";
  return block["header"].value("state_root", "");
}

bool DevnetCluster::Committed(std::size_t i, const std::string& id) {
  json tx = Get(i, "/v1/txs/" + id);
  return tx.is_object() && tx.value("status", "") == "committed";
}

std::uint64_t DevnetCluster::CommittedHeight(std::size_t i, const std::string& id) {
  json tx = Get(i, "/v1/txs/" + id);
  if (!tx.is_object() || tx.value("status", "") != "committed" || !tx["location"].is_object()) return 0;
  return tx["location"].value("height", std::uint64_t{0});
}

std::vector<std::string> DevnetCluster::Signers(std::size_t i, std::uint64_t height) {
  json block = Get(i, "/v1/blocks/" + std::to_string(height));
  std::vector<std::string> signers;
  if (!block.is_object() || !block["certificate"].is_object() || !block["certificate"]["signatures"].is_array()) return signers;
  for (const json& s : block["certificate"]["signatures"]) {
    if (s.is_object()) signers.push_back(s.value("validator", ""));
  }
  return signers;
}

std::string DevnetCluster::Submit(std::size_t through) {
  crypto::SigningKey worker = crypto::SigningKey::Generate();
  // Any 32 fresh random bytes will do for a pseudonym here.
  const ledger::SubjectId subject = crypto::SigningKey::Generate().public_key();
  ledger::Tx tx{ledger::TxKind::kEnrollSubject, nonce_++, ledger::EnrollSubject{subject, worker.public_key()}, {}};
  ledger::SignTx(tx, chain_id_, *registrar_);
  auto r = Request("127.0.0.1", api_ports_[through], "POST", "/v1/txs", ledger::TxToJson(tx).dump(),
                   {{"Content-Type", "application/json"}}, options_.request_timeout);
  if (!r.ok || r.status != 202) return "";
  auto parsed = ledger::ParseJson(r.body, 1 << 20);
  return parsed.ok() && parsed->is_object() ? parsed->value("id", "") : "";
}

bool DevnetCluster::WaitUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    Drain();
    std::this_thread::sleep_for(100ms);
  }
  return pred();
}

bool DevnetCluster::FullyConnected(const std::set<std::size_t>& nodes) {
  for (std::size_t i : nodes) {
    // A validator sees every running node; a full node the running validators (of devnet init).
    std::size_t expected = 0;
    for (std::size_t j = 0; j < size(); ++j) expected += j != i && Running(j) && (!IsFullNode(i) || !IsFullNode(j));
    if (PeerCount(i) != expected) return false;
  }
  return true;
}

void DevnetCluster::Cut(std::size_t a, std::size_t b) {
  for (int link : {LinkId(a, b), LinkId(b, a)}) {
    if (links_.count(link)) relay_.SetOpen(link, false);
  }
}

void DevnetCluster::Isolate(const std::set<std::size_t>& side) {
  std::set<std::size_t> rest;
  for (std::size_t i = 0; i < size(); ++i) {
    if (side.count(i) == 0) rest.insert(i);
  }
  Partition(side, rest);
}

void DevnetCluster::Partition(const std::set<std::size_t>& side_a, const std::set<std::size_t>& side_b) {
  for (std::size_t a : side_a) {
    for (std::size_t b : side_b) Cut(a, b);
  }
}

void DevnetCluster::HealAll() {
  for (int link : links_) relay_.SetOpen(link, true);
}

void DevnetCluster::ImpairAll(const LinkImpairment& impairment) {
  for (int link : links_) relay_.SetImpairment(link, impairment);
}

}  // namespace jobcard::testing
