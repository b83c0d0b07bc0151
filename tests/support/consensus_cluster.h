// N consensus hosts on one io_context, each with its own RocksDB, mempool,
// WAL and sign state in a TempDir, connected by a MemoryHub: the
// multi-validator tests of the consensus host without sockets. Nodes can be
// stopped (everything destroyed but the disk) and started again from their
// directory. Every wait is bounded.
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <vector>

#include "ledger/chain_store.h"
#include "node/consensus_host.h"
#include "node/mempool.h"
#include "tests/support/chain_fixture.h"
#include "tests/support/memory_bus.h"
#include "tests/support/temp_dir.h"

namespace jobcard::testing {

// The test chain with `validators` equal-power validators, keys
// KeyFromByte(0x40 + i) (appended to `keys`), and the given block interval.
TestChain ValidatorChain(std::size_t validators, std::uint64_t block_interval_ms, std::vector<crypto::SigningKey>& keys);
// A host configuration for tests: short timeouts, files under `dir`.
node::ConsensusHostConfig TestHostConfig(const std::filesystem::path& dir);
// Submits through a node's mempool and host, as POST /v1/txs does.
Status SubmitTo(ledger::ChainStore& store, node::Mempool& mempool, node::ConsensusHost& host, const ledger::Tx& tx);

class ConsensusCluster {
 public:
  // `validators` equal-power validators (keys KeyFromByte(0x40 + i)); the
  // chain's block interval is `block_interval_ms`.
  // `followers` more nodes follow the chain without a validator key (keys
  // KeyFromByte(0x60 + j), not in the genesis), as full nodes do.
  explicit ConsensusCluster(std::size_t validators, std::uint64_t block_interval_ms = 30, std::size_t followers = 0);
  ~ConsensusCluster();

  std::size_t size() const { return keys_.size(); }
  const TestChain& chain() const { return chain_; }
  const crypto::SigningKey& key(std::size_t i) const { return keys_[i]; }
  MemoryHub& hub() { return hub_; }
  boost::asio::io_context& io() { return io_; }
  std::filesystem::path dir(std::size_t i) const { return temp_ / ("node" + std::to_string(i)); }

  // Changes every host's config from the next Start on (after the cluster's
  // short test timeouts are set): tests of the configurable knobs.
  void AdjustHostConfig(std::function<void(node::ConsensusHostConfig&)> adjust) { adjust_ = std::move(adjust); }

  void Start(std::size_t i);
  void StartAll();
  void Stop(std::size_t i);
  bool up(std::size_t i) const { return nodes_[i] != nullptr; }
  ledger::ChainStore& store(std::size_t i) { return *nodes_[i]->store; }
  node::ConsensusHost& host(std::size_t i) { return *nodes_[i]->host; }
  std::uint64_t height(std::size_t i) const { return nodes_[i]->store->Tip().height; }

  // Submits through node i's mempool and host, as POST /v1/txs does.
  Status Submit(std::size_t i, const ledger::Tx& tx);
  // Runs the loop until `done` holds or `max_ms` pass; returns `done()`.
  bool RunUntil(const std::function<bool()>& done, std::uint64_t max_ms);
  void RunFor(std::uint64_t ms);
  // Every running node has committed `id`.
  bool AllCommitted(const ledger::EntryId& id);
  // Fatal errors reported by any host.
  const std::vector<Error>& fatal_errors() const { return fatal_; }

 private:
  struct Node {
    std::unique_ptr<ledger::ChainStore> store;
    std::unique_ptr<node::Mempool> mempool;
    std::unique_ptr<MemoryBus> bus;
    std::unique_ptr<node::ConsensusHost> host;  // last: destroyed first
  };
  TempDir temp_;
  std::vector<crypto::SigningKey> keys_;  // before chain_, which fills it
  TestChain chain_;
  std::size_t validators_ = 0;
  boost::asio::io_context io_;
  MemoryHub hub_{io_};
  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<Error> fatal_;
  std::function<void(node::ConsensusHostConfig&)> adjust_;
};

}  // namespace jobcard::testing
