// Honest consensus hosts over the real transport: each with its own RocksDB,
// mempool, WAL, sign state and evidence file in a TempDir, and its own
// TcpBus on 127.0.0.1 (port 0, the kernel's pick), dialling the others. The
// genesis may name more validators than there are honest hosts, so that a
// test can play the others (tests/node/hostile_peer_test.cpp). One
// io_context runs everything; every wait is bounded.
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <vector>

#include "ledger/chain_store.h"
#include "node/consensus_host.h"
#include "node/mempool.h"
#include "node/p2p/tcp_bus.h"
#include "tests/support/chain_fixture.h"
#include "tests/support/temp_dir.h"

namespace jobcard::testing {

class TcpConsensusCluster {
 public:
  // `validators` in the genesis (keys KeyFromByte(0x40 + i)), hosts for the
  // first `honest` of them. `options` is the base of every bus's options
  // (chain id, listen address, peers and allowed keys are filled in).
  TcpConsensusCluster(std::size_t validators, std::size_t honest, node::p2p::TcpBusOptions options);
  ~TcpConsensusCluster();

  std::size_t honest() const { return honest_; }
  const TestChain& chain() const { return chain_; }
  const crypto::SigningKey& key(std::size_t i) const { return keys_[i]; }
  std::vector<crypto::PublicKey> validator_keys() const;
  boost::asio::io_context& io() { return io_; }
  // Bus options for a node of this chain: `base` with the chain id and every
  // validator key allowed.
  node::p2p::TcpBusOptions OptionsFor() const;

  // Starts node i and has it dial every running node.
  void Start(std::size_t i);
  void Stop(std::size_t i);
  bool up(std::size_t i) const { return nodes_[i] != nullptr; }
  ledger::ChainStore& store(std::size_t i) { return *nodes_[i]->store; }
  node::Mempool& mempool(std::size_t i) { return *nodes_[i]->mempool; }
  node::ConsensusHost& host(std::size_t i) { return *nodes_[i]->host; }
  node::p2p::TcpBus& bus(std::size_t i) { return *nodes_[i]->bus; }
  node::p2p::PeerAddress address(std::size_t i) const;
  std::uint64_t height(std::size_t i) const { return nodes_[i]->store->Tip().height; }

  Status Submit(std::size_t i, const ledger::Tx& tx);
  bool RunUntil(const std::function<bool()>& done, std::uint64_t max_ms);
  void RunFor(std::uint64_t ms);
  // Every running node has committed `id`.
  bool AllCommitted(const ledger::EntryId& id);
  // Every running honest node is connected to every other one.
  bool Meshed();
  const std::vector<Error>& fatal_errors() const { return fatal_; }

 private:
  struct Node {
    std::unique_ptr<ledger::ChainStore> store;
    std::unique_ptr<node::Mempool> mempool;
    std::unique_ptr<node::p2p::TcpBus> bus;
    std::unique_ptr<node::ConsensusHost> host;  // last: destroyed first
  };
  TempDir temp_;
  std::vector<crypto::SigningKey> keys_;  // before chain_, which fills it
  TestChain chain_;
  std::size_t honest_;
  node::p2p::TcpBusOptions base_;
  boost::asio::io_context io_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<Error> fatal_;
};

}  // namespace jobcard::testing
