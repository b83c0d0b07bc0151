// ConsensusHost: the I/O shell around the Tendermint state machine
// (consensus/state_machine.h), on the node's event loop. It
//  - builds blocks from the mempool (get_value) and judges proposed ones by
//    re-executing them on top of the committed chain (valid_value);
//  - carries out the machine's effects in order: the sign state saved and
//    synced before anything after it, own messages logged to the WAL and
//    synced before they leave, timeouts on steady timers, a decision
//    committed with its certificate;
//  - logs what the machine received to the WAL and replays it after a
//    restart (consensus_wal.h);
//  - talks to peers only through p2p::MessageBus: consensus messages,
//    transaction gossip and block sync (wire formats: consensus_wire.h);
//  - resends the current height's messages while the height makes no
//    progress, announces its height, and fetches certified blocks from a
//    peer that is ahead (catch-up), verifying each certificate against the
//    validator set of its height before re-executing and committing it.
//
// Pacing: after a commit the next height starts no sooner than
// block_interval_ms (the config's, else the genesis's) later, or, for the
// next proposer, at once when a backlog waits (block_pacing.h), and only when there is something to agree on (a
// transaction in the mempool, or a peer already working on that height), so
// an idle network does not produce empty blocks. A single-validator chain is
// the case n = 1: the node proposes, votes and decides on its own.
//
// Threading: every method except the snapshots (status(), evidence()) runs
// on the loop that runs `io`, like the bus.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "ledger/chain_store.h"
#include "node/consensus/decided_votes.h"
#include "node/consensus/state_machine.h"
#include "node/consensus_wal.h"
#include "node/consensus_wire.h"
#include "node/mempool.h"
#include "node/off_loop_worker.h"
#include "node/proposal_budget.h"
#include "node/p2p/message_bus.h"
#include "node/solo_producer.h"
#include "node/tx_gossip_batch.h"
#include "node/tx_regossip.h"

namespace jobcard::node {

struct ConsensusHostConfig {
  consensus::TimeoutConfig timeouts;
  // Unset: the genesis's params.block_interval_ms and params.max_block_txs.
  // max_block_txs only limits what this node proposes (never above the
  // genesis's, which every validator enforces).
  std::optional<std::uint64_t> block_interval_ms;
  std::optional<std::uint32_t> max_block_txs;
  // How often the height is announced, and how long a height may go without
  // progress before its messages are sent again.
  std::uint64_t gossip_interval_ms = 1000;
  // How long a transaction to gossip may wait for others to share its kTxs
  // frame (node/tx_gossip_batch.h); 0: each burst goes out at once.
  std::uint64_t tx_batch_delay_ms = kDefaultTxBatchDelayMs;
  std::filesystem::path sign_state_file;
  std::filesystem::path wal_file;
  std::uint64_t wal_max_bytes = kDefaultWalMaxBytes;
  std::size_t max_evidence = 256;  // kept for the API; the oldest go first
  // Where the evidence survives restarts (evidence_file.h); empty: memory only.
  std::filesystem::path evidence_file;
  std::function<std::uint64_t()> now_ms;  // unix ms; the system clock when empty
  // Verify and admit gossiped transactions on a thread beside the loop
  // (node/off_loop_worker.h), at most this many transactions waiting (a
  // batch waits whole or not at all); 0: on the loop.
  // The node sets it; tests on one io_context keep 0 (deterministic order).
  std::size_t off_loop_tx_queue = 0;
};

struct ConsensusHostCallbacks {
  // After every commit, by decision or by sync, with the mempool updated.
  std::function<void(const CommittedBlock& block, const std::vector<DroppedTx>& dropped)> on_committed;
  // The host cannot go on (disk full, the sign state cannot be saved); it
  // has stopped acting. The node should stop.
  std::function<void(const Error& error)> on_fatal;
};

// What the host holds in memory for peers, for tests and metrics: each is
// bounded whatever peers send (spec/consensus.md §10).
struct ConsensusFootprint {
  std::size_t held_blocks = 0;         // proposals' blocks of this and the next height
  std::size_t relayed_messages = 0;    // others' messages kept for resending
  std::size_t own_messages = 0;
  std::size_t evidence = 0;
  std::size_t live_timers = 0;
  std::size_t decided_votes = 0;       // votes of the last decided heights, for late conflicts
};

// A snapshot for /v1/status.
struct ConsensusStatus {
  bool started = false;
  std::uint64_t height = 0;  // the height being agreed on
  std::uint32_t round = 0;
  std::string step;
  std::vector<crypto::PublicKey> peers;
};

class ConsensusHost {
 public:
  // `key`: the validator key, or nullptr for a node that only follows. It,
  // the store, the mempool and the bus must outlive the host.
  ConsensusHost(boost::asio::io_context& io, ledger::ChainStore& store, Mempool& mempool, p2p::MessageBus& bus,
                const crypto::SigningKey* key, ConsensusHostConfig config, ConsensusHostCallbacks callbacks);
  ~ConsensusHost();
  ConsensusHost(const ConsensusHost&) = delete;
  ConsensusHost& operator=(const ConsensusHost&) = delete;

  // Loads the sign state and the WAL, replays it, and starts the timers.
  Status Start();

  // The bus handler's three functions.
  void OnMessage(const crypto::PublicKey& peer, p2p::Channel channel, ByteView payload);
  void OnPeerConnected(const crypto::PublicKey& peer);
  void OnPeerDisconnected(const crypto::PublicKey& peer);
  p2p::BusHandler Handler();

  // A transaction this node's mempool accepted (the API): gossip it.
  void OnLocalTx(const ledger::Tx& tx);

  // Thread-safe snapshots.
  ConsensusStatus status() const;
  std::vector<consensus::DuplicateVoteEvidence> evidence() const;

  std::uint64_t committed_height() const { return store_.Tip().height; }
  // On the loop's thread only.
  ConsensusFootprint footprint() const;

 private:
  struct HeldBlock {
    ledger::Block block;
    std::optional<ledger::PreparedBlock> prepared;  // set once judged valid
    bool judged = false;
  };

  std::uint64_t Now() const;
  std::uint64_t BlockIntervalMs() const;
  std::uint32_t MaxBlockTxs() const;
  std::uint64_t NextHeight() const { return store_.Tip().height + 1; }
  bool failed() const { return failed_.has_value(); }
  void Fail(const Error& error);

  // Heights.
  void ScheduleStart(std::uint64_t delay_ms);
  void TryStart(bool peer_started);
  void StartHeightNow(const std::vector<Bytes>& replay);
  consensus::ValidatorSet SetForHeight(std::uint64_t height);
  // Whether this validator proposes round 0 of NextHeight().
  bool ProposesNextHeight();

  // The machine.
  Hash32 GetValue(std::uint64_t height, std::uint32_t round);
  bool ValidValue(std::uint64_t height, const Hash32& value);
  void Apply(const consensus::Output& output);
  void Send(const Bytes& message);
  void CommitDecided(const consensus::Decide& decide);
  void AfterCommit(const ledger::PreparedBlock& prepared);
  void ScheduleTimeout(const consensus::ScheduleTimeout& timeout);

  // Incoming.
  void OnConsensus(const crypto::PublicKey* peer, ByteView payload, bool from_wal);
  void OnSync(const crypto::PublicKey& peer, ByteView payload);
  void OnTxs(const crypto::PublicKey& peer, ByteView payload);
  // Validates each transaction for the next height and adds it to the
  // mempool (moving it out of `txs`; the encodings stay); `messages[i]` is
  // ledger::MessageAndIdOf txs[i]. Touches only the mempool and the store,
  // which are thread-safe: may run off the loop.
  std::vector<Status> AdmitTxs(std::vector<GossipedTx>& txs, const std::vector<ledger::TxMessageAndId>& messages) const;
  // On the loop: relay the admitted transactions of a batch (unless a
  // validator sent it: see RelaysTxsFrom), and score the peer once if any
  // carried a bad signature.
  void AfterGossipedTxs(const crypto::PublicKey& peer, const std::vector<GossipedTx>& txs,
                        const std::vector<Status>& admitted);
  // Outgoing transactions, batched: full batches leave at once, the rest
  // when ScheduleTxFlush's timer fires (or at once with a delay of 0).
  void QueueTxGossip(const Bytes& encoded_tx);
  void ScheduleTxFlush();
  void FlushTxGossip();
  void HoldBlock(const Hash32& hash, ledger::Block block);
  void Penalise(const crypto::PublicKey* peer, std::string_view reason);
  void KeepEvidence(std::vector<consensus::DuplicateVoteEvidence> found);
  // Decided heights (consensus/decided_votes.h): what may vote at them,
  // the certificate's precommits, and a vote that arrives after the decision.
  void OpenDecidedHeight(std::uint64_t height, const std::vector<ledger::ValidatorRecord>& members);
  void RecordCertificate(const ledger::CommitCertificate& certificate);
  void CheckLateVote(const crypto::PublicKey& peer, const consensus::Vote& vote);
  // Why `message` may not start an idle height (its verdict's name), or nullptr.
  const char* RefusedAsStart(const ConsensusMessage& message) const;

  // Gossip and sync.
  void ScheduleGossip();
  void Gossip();
  void RegossipPendingTxs();
  void RequestBlocks(const crypto::PublicKey& peer);
  void ServeBlocks(const crypto::PublicKey& peer, std::uint64_t from, std::uint32_t count);
  bool RateLimited(std::map<crypto::PublicKey, std::uint64_t>& last_ms, const crypto::PublicKey& peer);
  void UpdateSnapshot();

  boost::asio::io_context& io_;
  ledger::ChainStore& store_;
  Mempool& mempool_;
  p2p::MessageBus& bus_;
  const crypto::SigningKey* key_;
  ConsensusHostConfig config_;
  ConsensusHostCallbacks callbacks_;

  std::unique_ptr<consensus::StateMachine> machine_;
  std::unique_ptr<ConsensusWal> wal_;
  std::optional<Error> failed_;
  bool running_height_ = false;  // the machine works on NextHeight()
  std::uint64_t start_not_before_ms_ = 0;
  std::uint64_t last_progress_ms_ = 0;
  std::uint64_t last_commit_ms_ = 0;  // when this node last committed a block (AfterCommit)
  // Whether transactions gossiped by `peer` go on to this node's peers: not
  // when `peer` is a validator of the current set, which floods what its
  // clients submit to the validators it is linked to itself.
  bool RelaysTxsFrom(const crypto::PublicKey& peer) const;
  std::optional<consensus::ValidatorSet> last_set_;
  std::uint64_t last_set_height_ = 0;

  ProposalBudget budget_;               // how many transactions a proposal may hold
  std::map<Hash32, HeldBlock> blocks_;  // of the current and the next height
  std::vector<Bytes> own_;              // this height's own messages, resent while stalled
  std::vector<Bytes> relay_;            // others' messages the machine took at this height
  consensus::DecidedVotes decided_votes_;  // this and the last decided heights' votes
  std::map<crypto::PublicKey, std::uint64_t> last_request_ms_;
  std::map<crypto::PublicKey, std::uint64_t> last_serve_ms_;

  std::uint64_t next_timer_id_ = 0;
  std::map<std::uint64_t, std::unique_ptr<boost::asio::steady_timer>> timers_;
  boost::asio::steady_timer start_timer_;
  boost::asio::steady_timer gossip_timer_;
  TxRegossip regossip_;  // which pending transactions go out again
  TxGossipBatch tx_batch_;  // transactions waiting to be gossiped
  boost::asio::steady_timer tx_flush_timer_;
  bool tx_flush_armed_ = false;

  mutable std::mutex snapshot_mutex_;
  ConsensusStatus snapshot_;
  std::deque<consensus::DuplicateVoteEvidence> evidence_;
  // Expires with the host: timer handlers check it before touching anything.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
  // Last: destroyed (its thread joined) before anything its jobs touch.
  std::unique_ptr<OffLoopWorker> tx_worker_;
};

}  // namespace jobcard::node
