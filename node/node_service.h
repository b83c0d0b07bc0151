// NodeService: a running node. It owns the store, the mempool, the event
// loop and the consensus host (node/consensus_host.h), which commits blocks
// by Tendermint consensus; a single-validator chain is consensus with n = 1,
// so one code path serves the dev ledger and a network. A node without a
// validator key follows (block sync) and votes on nothing.
//
// The transport: when node.json lists p2p_peers or p2p_observer_keys, the
// host runs on a TcpBus (node/p2p/tcp_bus.h) on the same io_context, which
// proves the validator key in its handshake (a full node proves its node
// key instead). Without them it runs on a bus without peers, exactly the
// single-validator dev node; a genesis with several validators then cannot
// commit, so Open refuses it.
//
// One Asio io_context runs everything that changes state, on one thread:
// consensus, commits and mempool updates are serialised there, so a block is
// never half-committed when the node stops. SIGINT/SIGTERM finish the block in
// progress, then stop the loop; the store is closed when the service is
// destroyed.
#pragma once

#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <filesystem>
#include <memory>
#include <optional>

#include "crypto/sign.h"
#include "ledger/chain_store.h"
#include "node/consensus_host.h"
#include "node/mempool.h"
#include "node/node_config.h"
#include "node/p2p/tcp_bus.h"
#include "node/receipt_book.h"

namespace jobcard::node {

class NodeService {
 public:
  // Opens the node in `home` (node.json, genesis, data dir). `validator_key`
  // is the unlocked key, or nullopt for a node that does not produce blocks;
  // `node_key` is what a non-validator proves to its peers, needed only when
  // a transport is configured (UsesTransport). Errors: node.not_a_validator,
  // node.needs_consensus (several validators, no peers configured),
  // node.no_node_key, config.invalid, and the store's.
  static Result<std::unique_ptr<NodeService>> Open(const std::filesystem::path& home, const NodeConfig& config,
                                                   std::optional<crypto::SigningKey> validator_key,
                                                   std::optional<crypto::SigningKey> node_key = std::nullopt);
  ~NodeService();

  // Runs the event loop until Stop() or a termination signal. Returns an
  // error if the node had to stop because of one (e.g. the disk is full).
  Status Run();
  // Thread-safe; returns at once, Run() returns after the current step.
  void Stop();

  // Validates and queues a transaction; thread-safe.
  Result<ledger::EntryId> Submit(ledger::Tx tx);
  // Why a transaction that had entered the mempool was later left out, if
  // it was among the last kMaxRememberedRejections; thread-safe.
  std::optional<Error> RecentRejection(const ledger::EntryId& id) const;
  // The API's bound port once Run() has started it (0 before).
  std::uint16_t api_port() const { return api_port_.load(); }

  ledger::ChainStore& store() { return *store_; }
  Mempool& mempool() { return mempool_; }
  const NodeConfig& config() const { return config_; }
  // Access receipts matchers recorded here (spec/bundle.md §8); thread-safe.
  ReceiptBook& receipts() { return *receipts_; }
  bool produces_blocks() const { return validator_key_ != nullptr; }
  // Consensus snapshots for the API; thread-safe (empty before Run()).
  std::optional<ConsensusStatus> consensus_status() const;
  std::vector<consensus::DuplicateVoteEvidence> evidence() const;

 private:
  NodeService(std::filesystem::path home, NodeConfig config, std::unique_ptr<ledger::ChainStore> store,
              std::unique_ptr<ReceiptBook> receipts, std::shared_ptr<const crypto::SigningKey> validator_key,
              std::shared_ptr<const crypto::SigningKey> node_key);
  // Creates the TcpBus (not started) on the loop; the host is built on it.
  Status MakeTransport();
  ledger::TxContext NextBlockContext(std::uint64_t now_ms) const;
  void OnCommitted(const CommittedBlock& block, const std::vector<DroppedTx>& dropped);
  // On the loop after each commit: when the committed validator set changed,
  // the transport's allowed keys become the new set and the observers.
  void FollowValidatorSet();
  std::optional<p2p::PartingFrame> BlockThatChangedTheSet() const;

  void RememberRejection(const ledger::EntryId& id, const Error& reason);

  static constexpr std::size_t kMaxRememberedRejections = 10000;
  std::filesystem::path home_;
  NodeConfig config_;
  std::unique_ptr<ledger::ChainStore> store_;
  std::unique_ptr<ReceiptBook> receipts_;
  std::shared_ptr<const crypto::SigningKey> validator_key_;
  std::shared_ptr<const crypto::SigningKey> node_key_;  // the validator key, for a validator
  Mempool mempool_;
  struct Loop;
  std::unique_ptr<Loop> loop_;
  mutable std::mutex rejections_mutex_;
  std::map<ledger::EntryId, Error> rejections_;
  std::deque<ledger::EntryId> rejection_order_;
  std::atomic<std::uint16_t> api_port_{0};
};

// A write refused for lack of space (codes store.no_space, wal.no_space,
// sign_state.no_space): the node stops with the log line "disk full; stopping".
bool IsDiskFull(const Error& error);

// Whether node.json asks for the TCP transport: it lists peers to dial or
// observers allowed to connect. Otherwise the node has no peers.
bool UsesTransport(const NodeConfig& config);

// Unix time in milliseconds from the system clock.
std::uint64_t NowMs();

}  // namespace jobcard::node
