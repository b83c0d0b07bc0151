#include "tests/support/tcp_consensus_cluster.h"

#include <gtest/gtest.h>

#include <chrono>

#include "tests/support/consensus_cluster.h"
#include "tests/support/fixtures.h"
#include "tests/support/io_run.h"

namespace jobcard::testing {

TcpConsensusCluster::TcpConsensusCluster(std::size_t validators, std::size_t honest, node::p2p::TcpBusOptions options)
    : chain_(ValidatorChain(validators, 30, keys_)), honest_(honest), base_(std::move(options)) {
  nodes_.resize(honest);
}

TcpConsensusCluster::~TcpConsensusCluster() {
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i]) Stop(i);
  }
}

std::vector<crypto::PublicKey> TcpConsensusCluster::validator_keys() const {
  std::vector<crypto::PublicKey> out;
  for (const auto& key : keys_) out.push_back(key.public_key());
  return out;
}

node::p2p::TcpBusOptions TcpConsensusCluster::OptionsFor() const {
  node::p2p::TcpBusOptions options = base_;
  options.chain_id = chain_.genesis.chain_id;
  options.listen_host = "127.0.0.1";
  options.listen_port = 0;
  options.peers.clear();
  options.allowed_keys = validator_keys();
  return options;
}

node::p2p::PeerAddress TcpConsensusCluster::address(std::size_t i) const {
  return {"127.0.0.1", nodes_[i]->bus->listen_port(), keys_[i].public_key()};
}

void TcpConsensusCluster::Start(std::size_t i) {
  auto node = std::make_unique<Node>();
  const auto dir = temp_.path() / ("node" + std::to_string(i));
  std::filesystem::create_directories(dir);
  auto store = ledger::ChainStore::Open((dir / "data").string(), chain_.genesis);
  ASSERT_TRUE(store.ok()) << store.error().message;
  node->store = std::move(*store);
  node->mempool = std::make_unique<node::Mempool>();
  // The bus exists before the host it calls: the handler reaches the host
  // through the node, and the bus is stopped before the host goes.
  Node* raw = node.get();
  node::p2p::BusHandler handler;
  handler.on_message = [raw](const crypto::PublicKey& peer, node::p2p::Channel channel, ByteView payload) {
    if (raw->host) raw->host->OnMessage(peer, channel, payload);
  };
  handler.on_peer_connected = [raw](const crypto::PublicKey& peer) {
    if (raw->host) raw->host->OnPeerConnected(peer);
  };
  handler.on_peer_disconnected = [raw](const crypto::PublicKey& peer) {
    if (raw->host) raw->host->OnPeerDisconnected(peer);
  };
  node->bus = std::make_unique<node::p2p::TcpBus>(io_, std::make_shared<crypto::SigningKey>(KeyFromByte(static_cast<std::uint8_t>(0x40 + i))), OptionsFor(),
                                                  std::move(handler));
  node::ConsensusHostCallbacks callbacks;
  callbacks.on_fatal = [this](const Error& e) { fatal_.push_back(e); };
  node->host = std::make_unique<node::ConsensusHost>(io_, *node->store, *node->mempool, *node->bus, &keys_[i],
                                                     TestHostConfig(dir), callbacks);
  Status started = node->host->Start();
  ASSERT_TRUE(started.ok()) << started.error().message;
  Status listening = node->bus->Start();
  ASSERT_TRUE(listening.ok()) << listening.error().message;
  nodes_[i] = std::move(node);
  for (std::size_t j = 0; j < nodes_.size(); ++j) {
    if (j != i && nodes_[j]) nodes_[i]->bus->AddPeer(address(j));
  }
}

void TcpConsensusCluster::Stop(std::size_t i) {
  nodes_[i]->bus->Stop();
  nodes_[i]->host.reset();
  nodes_[i].reset();
}

Status TcpConsensusCluster::Submit(std::size_t i, const ledger::Tx& tx) {
  return SubmitTo(store(i), mempool(i), host(i), tx);
}

bool TcpConsensusCluster::RunUntil(const std::function<bool()>& done, std::uint64_t max_ms) {
  return RunIoUntil(io_, done, std::chrono::milliseconds(max_ms));
}

void TcpConsensusCluster::RunFor(std::uint64_t ms) {
  RunUntil([] { return false; }, ms);
}

bool TcpConsensusCluster::AllCommitted(const ledger::EntryId& id) {
  for (const auto& n : nodes_) {
    if (n && !n->store->GetTxLocation(id)) return false;
  }
  return true;
}

bool TcpConsensusCluster::Meshed() {
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (!nodes_[i]) continue;
    for (std::size_t j = 0; j < nodes_.size(); ++j) {
      if (j == i || !nodes_[j]) continue;
      const auto peers = nodes_[i]->bus->ConnectedPeers();
      if (std::find(peers.begin(), peers.end(), keys_[j].public_key()) == peers.end()) return false;
    }
  }
  return true;
}

}  // namespace jobcard::testing
