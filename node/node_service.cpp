#include "node/node_service.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <algorithm>
#include <chrono>

#include <thread>

#include "node/http/http_server.h"
#include "node/consensus_wire.h"
#include "node/log.h"
#include "node/no_peers_bus.h"
#include "node/node_api.h"
#include "node/p2p/bus_options.h"
#include "node/p2p/tcp_bus.h"
#include "node/peer_allow_list.h"

namespace jobcard::node {

namespace asio = boost::asio;

std::uint64_t NowMs() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

struct NodeService::Loop {
  asio::io_context io;
  asio::steady_timer status_timer{io};
  asio::signal_set signals{io, SIGINT, SIGTERM};
  std::optional<Error> fatal;
  NoPeersBus no_peers;
  std::unique_ptr<p2p::TcpBus> tcp;  // when node.json configures the transport
  // The keys tcp lets connect: the committed validator set and the observers (FollowValidatorSet).
  std::vector<crypto::PublicKey> allowed_peers;
  // Set (on the loop) while Run() runs; the API thread reads it under the mutex.
  mutable std::mutex host_mutex;
  std::unique_ptr<ConsensusHost> host;
};

bool IsDiskFull(const Error& error) { return error.code.ends_with(".no_space"); }

bool UsesTransport(const NodeConfig& config) {
  return !config.p2p_peers.empty() || !config.p2p_observer_keys.empty();
}

NodeService::NodeService(std::filesystem::path home, NodeConfig config, std::unique_ptr<ledger::ChainStore> store,
                         std::unique_ptr<ReceiptBook> receipts, std::shared_ptr<const crypto::SigningKey> validator_key,
                         std::shared_ptr<const crypto::SigningKey> node_key)
    : home_(std::move(home)),
      config_(std::move(config)),
      store_(std::move(store)),
      receipts_(std::move(receipts)),
      validator_key_(std::move(validator_key)),
      node_key_(std::move(node_key)),
      mempool_(config_.mempool),
      loop_(std::make_unique<Loop>()) {}

NodeService::~NodeService() = default;

Result<std::unique_ptr<NodeService>> NodeService::Open(const std::filesystem::path& home, const NodeConfig& config,
                                                       std::optional<crypto::SigningKey> validator_key,
                                                       std::optional<crypto::SigningKey> node_key) {
  auto genesis = ledger::LoadGenesisFile(ResolveInHome(home, config.genesis_file).string());
  if (!genesis.ok()) return genesis.error();
  // A block above the genesis's limit would be invalid on every validator.
  if (config.consensus.max_block_txs && *config.consensus.max_block_txs > genesis->params.max_block_txs) {
    return MakeError("config.invalid", "consensus_max_block_txs (" + std::to_string(*config.consensus.max_block_txs) +
                                           ") exceeds the genesis's max_block_txs (" +
                                           std::to_string(genesis->params.max_block_txs) + ")");
  }
  if (validator_key) {
    const auto& validators = genesis->validators;
    if (validators.size() != 1 && !UsesTransport(config)) {
      return MakeError("node.needs_consensus", "this genesis has " + std::to_string(validators.size()) +
                                                   " validators; reaching them needs p2p_peers in node.json "
                                                   "(spec/node-config.md)");
    }
  }
  if (UsesTransport(config)) {
    // Checked here so that a bad address fails `node start` before anything opens.
    auto options = p2p::TcpBusOptionsFor(config, *genesis);
    if (!options.ok()) return options.error();
    if (!validator_key && !node_key) {
      return MakeError("node.no_node_key", "a node that is not a validator needs its node key (node_key_file) to join peers");
    }
  }
  ledger::StoreOpenOptions store_options;
  store_options.verify_file_checksums = config.verify_store_on_start;
  store_options.min_free_bytes = config.store_min_free_bytes;
  store_options.before_page_rebuild = [](std::uint64_t first, std::uint64_t last, std::uint64_t keys) {
    // Seconds on a large ledger: say so before, so that a quiet start is not taken for a hang.
    LogInfo("rebuilding the state index pages after an unclean stop", {{"from_height", first}, {"to_height", last}, {"changed_keys", keys}});
  };
  auto store = ledger::ChainStore::Open(ResolveInHome(home, config.data_dir).string(), *genesis, store_options);
  if (!store.ok()) return store.error();
  if (const std::uint64_t rebuilt = (*store)->RebuiltPageBlocks(); rebuilt > 0) {
    // The last stop was not clean (kill, crash): nothing was lost, and the operator may want to know why.
    LogInfo("state index pages rebuilt after an unclean stop", {{"blocks", rebuilt}, {"height", (*store)->Tip().height}});
  }
  if (validator_key) {
    // A validator admitted after genesis (add-validator) or a rotated key is
    // in the committed set, not the genesis's: either will do. A key in
    // neither is a wrong key file, said at once.
    bool is_validator = false;
    for (const auto& v : genesis->validators) is_validator = is_validator || v.key == validator_key->public_key();
    for (const auto& v : (*store)->GetValidators()) is_validator = is_validator || v.key == validator_key->public_key();
    if (!is_validator) {
      return MakeError("node.not_a_validator",
                       "the validator key is in neither the genesis validator set nor the set committed on this node "
                       "(a newly admitted validator first syncs with --no-validator, then restarts with its key)");
    }
  }
  // Node-local, next to node.json: never part of the replicated ledger.
  auto receipts = ReceiptBook::Open(home / "receipts.jsonl");
  if (!receipts.ok()) return receipts.error();
  std::shared_ptr<const crypto::SigningKey> validator;
  if (validator_key) validator = std::make_shared<const crypto::SigningKey>(std::move(*validator_key));
  // A validator proves its validator key: peers allow exactly the validator set.
  std::shared_ptr<const crypto::SigningKey> identity =
      validator ? validator : (node_key ? std::make_shared<const crypto::SigningKey>(std::move(*node_key)) : nullptr);
  return std::unique_ptr<NodeService>(new NodeService(home, config, std::move(*store), std::move(*receipts),
                                                      std::move(validator), std::move(identity)));
}

ledger::TxContext NodeService::NextBlockContext(std::uint64_t now_ms) const {
  const ledger::ChainTip tip = store_->Tip();
  return ledger::TxContext{store_->genesis(), tip.height + 1, std::max(now_ms, tip.time_ms + 1)};
}

Result<ledger::EntryId> NodeService::Submit(ledger::Tx tx) {
  ledger::Tx copy = tx;
  auto id = mempool_.Add(std::move(tx), *store_, NextBlockContext(NowMs()));
  if (id.ok()) {
    // The host lives on the loop: gossip and a possible height start go there.
    asio::post(loop_->io, [this, copy = std::move(copy)] {
      if (loop_->host) loop_->host->OnLocalTx(copy);
    });
  }
  return id;
}

std::optional<ConsensusStatus> NodeService::consensus_status() const {
  std::lock_guard lock(loop_->host_mutex);
  if (!loop_->host) return std::nullopt;
  return loop_->host->status();
}

std::vector<consensus::DuplicateVoteEvidence> NodeService::evidence() const {
  std::lock_guard lock(loop_->host_mutex);
  if (!loop_->host) return {};
  return loop_->host->evidence();
}

void NodeService::RememberRejection(const ledger::EntryId& id, const Error& reason) {
  std::lock_guard lock(rejections_mutex_);
  if (rejections_.emplace(id, reason).second) rejection_order_.push_back(id);
  while (rejection_order_.size() > kMaxRememberedRejections) {
    rejections_.erase(rejection_order_.front());
    rejection_order_.pop_front();
  }
}

std::optional<Error> NodeService::RecentRejection(const ledger::EntryId& id) const {
  std::lock_guard lock(rejections_mutex_);
  auto it = rejections_.find(id);
  if (it == rejections_.end()) return std::nullopt;
  return it->second;
}

void NodeService::OnCommitted(const CommittedBlock& block, const std::vector<DroppedTx>& dropped) {
  LogInfo("block committed", {{"height", block.header.height},
                              {"txs", static_cast<std::uint64_t>(block.committed_ids.size())},
                              {"rejected", static_cast<std::uint64_t>(block.rejected.size())},
                              {"hash", ToHex(block.block_hash).substr(0, 16)}});
  for (const auto& r : block.rejected) {
    LogWarn("tx rejected", {{"id", ToHex(r.id).substr(0, 16)}, {"code", r.status.error().code}});
    RememberRejection(r.id, r.status.error());
  }
  for (const auto& d : dropped) RememberRejection(d.id, d.reason);
}

Status NodeService::MakeTransport() {
  Loop& loop = *loop_;
  auto options = p2p::TcpBusOptionsFor(config_, store_->genesis());
  if (!options.ok()) return options.error();
  // The host is created after the bus; these run only once the bus has
  // started, on the loop, when the host exists.
  p2p::BusHandler handler;
  handler.on_message = [&loop](const crypto::PublicKey& peer, p2p::Channel channel, ByteView payload) {
    if (loop.host) loop.host->OnMessage(peer, channel, payload);
  };
  // The bus logs "p2p peer connected/disconnected" itself.
  handler.on_peer_connected = [&loop](const crypto::PublicKey& peer) {
    if (loop.host) loop.host->OnPeerConnected(peer);
  };
  handler.on_peer_disconnected = [&loop](const crypto::PublicKey& peer) {
    if (loop.host) loop.host->OnPeerDisconnected(peer);
  };
  // The set committed on this store, not the genesis's: a restarted node
  // must admit validators added since genesis and refuse removed ones.
  loop.allowed_peers = PeerAllowList(store_->GetValidators(), config_.p2p_observer_keys);
  options->allowed_keys = loop.allowed_peers;
  loop.tcp = std::make_unique<p2p::TcpBus>(loop.io, node_key_, std::move(*options), std::move(handler));
  return Status::Ok();
}

// The tip with its certificate, as block sync sends it. A removed validator
// may not have gathered the precommits of the block that removed it when
// its peers drop it, and then could never learn of its removal (nobody
// serves it any more): each peer hands it this block as its last frame.
std::optional<p2p::PartingFrame> NodeService::BlockThatChangedTheSet() const {
  const std::uint64_t height = store_->Tip().height;
  auto block = store_->GetBlock(height);
  auto certificate = store_->GetCertificate(height);
  if (!block.ok() || !certificate.ok()) return std::nullopt;  // genesis: nobody to hand it to
  return p2p::PartingFrame{p2p::Channel::kSync,
                           EncodeSyncMessage(CertifiedBlock{std::move(block).value(), std::move(certificate).value()})};
}

void NodeService::FollowValidatorSet() {
  Loop& loop = *loop_;
  if (!loop.tcp) return;
  const std::vector<ledger::ValidatorRecord> set = store_->GetValidators();
  std::vector<crypto::PublicKey> allowed = PeerAllowList(set, config_.p2p_observer_keys);
  if (allowed == loop.allowed_peers) return;
  LogInfo("p2p allowed keys follow the validator set",
          {{"validators", static_cast<std::uint64_t>(set.size())}, {"allowed", static_cast<std::uint64_t>(allowed.size())}});
  loop.allowed_peers = std::move(allowed);
  // Drops the links of keys no longer allowed; a newly admitted validator's
  // dial is accepted from now on. Posted: dropping a link calls the host's
  // OnPeerDisconnected, and this runs inside the host's commit.
  asio::post(loop.io, [&loop, keys = loop.allowed_peers, parting = BlockThatChangedTheSet()] {
    if (loop.tcp) loop.tcp->SetAllowedKeys(keys, parting);
  });
  if (validator_key_) {
    const bool still_validator = std::any_of(set.begin(), set.end(), [&](const auto& v) { return v.key == validator_key_->public_key(); });
    if (!still_validator) {
      // Peers that follow the set refuse this key from now on unless they
      // list it in p2p_observer_keys: the node keeps what it has and serves
      // it, but stops following (spec/p2p.md, who may connect).
      LogWarn("this node's validator key left the validator set; peers refuse it unless they list it as an observer",
              {{"key", ToHex(validator_key_->public_key()).substr(0, 16)}});
    }
  }
}

Status NodeService::Run() {
  Loop& loop = *loop_;
  const auto interval = std::chrono::milliseconds(store_->genesis().params.block_interval_ms);
  const ledger::ChainTip tip = store_->Tip();
  loop.signals.async_wait([this](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    LogInfo("stopping", {{"signal", static_cast<std::uint64_t>(signal)}});
    Stop();
  });

  ConsensusHostConfig host_config;
  host_config.timeouts = config_.consensus.timeouts;
  host_config.gossip_interval_ms = config_.consensus.gossip_interval_ms;
  host_config.tx_batch_delay_ms = config_.consensus.tx_batch_delay_ms;
  // Gossiped transactions are verified beside the loop, not on it: a burst
  // of them would otherwise hold up proposals and votes (BENCHMARKS.md, devnet).
  host_config.off_loop_tx_queue = 16384;
  host_config.block_interval_ms = config_.consensus.block_interval_ms;
  host_config.max_block_txs = config_.consensus.max_block_txs;
  host_config.sign_state_file = home_ / "consensus" / "sign_state";
  host_config.wal_file = home_ / "consensus" / "wal";
  host_config.evidence_file = home_ / "consensus" / "evidence";
  ConsensusHostCallbacks callbacks;
  callbacks.on_committed = [this](const CommittedBlock& block, const std::vector<DroppedTx>& dropped) {
    OnCommitted(block, dropped);
    FollowValidatorSet();
  };
  callbacks.on_fatal = [this, &loop](const Error& error) {
    // The block, the WAL record or the sign state that did not fit was not
    // written, and what was written before stays whole (one synced batch per
    // block): the node stops and, once there is room, restarts where it was.
    LogError(IsDiskFull(error) ? "disk full; stopping" : "consensus failed; stopping",
             {{"code", error.code}, {"message", error.message}});
    loop.fatal = error;
    Stop();
  };
  std::error_code mkdir_error;
  std::filesystem::create_directories(home_ / "consensus", mkdir_error);
  if (mkdir_error) {
    return MakeError("node.io", "cannot create " + (home_ / "consensus").string() + ": " + mkdir_error.message());
  }
  {
    std::lock_guard lock(loop.host_mutex);
    p2p::MessageBus* bus = &loop.no_peers;
    if (UsesTransport(config_)) {
      Status made = MakeTransport();
      if (!made.ok()) return made;
      bus = loop.tcp.get();
    }
    loop.host = std::make_unique<ConsensusHost>(loop.io, *store_, mempool_, *bus, validator_key_.get(), host_config,
                                                callbacks);
  }
  Status host_started = loop.host->Start();
  if (!host_started.ok()) return host_started;
  if (loop.tcp) {
    Status listening = loop.tcp->Start();
    if (!listening.ok()) return listening;
  }

  std::function<void()> schedule_status = [&]() {
    loop.status_timer.expires_after(std::chrono::seconds(10));
    loop.status_timer.async_wait([&](const boost::system::error_code& ec) {
      if (ec) return;
      const ledger::ChainTip t = store_->Tip();
      const ConsensusStatus c = loop.host ? loop.host->status() : ConsensusStatus{};
      // Frames a full send queue refused since start, over all links: a
      // stalled height with drops here points at the transport.
      std::uint64_t dropped = 0, queued = 0;
      if (loop.tcp) {
        for (const auto& peer : loop.tcp->ConnectedPeers()) {
          if (auto stats = loop.tcp->StatsOf(peer)) dropped += stats->dropped_frames, queued += stats->queued_frames;
        }
      }
      LogInfo("status", {{"height", t.height}, {"log_size", t.log_size},
                         {"mempool", static_cast<std::uint64_t>(mempool_.size())},
                         {"round", static_cast<std::uint64_t>(c.round)}, {"step", c.step},
                         {"p2p_dropped_frames", dropped}, {"p2p_queued_frames", queued}});
      schedule_status();
    });
  };
  schedule_status();

  // The API runs on its own thread and io_context so that queries and
  // submissions are answered while a block is being built.
  boost::asio::io_context api_io;
  HttpLimits api_limits;
  api_limits.max_connections_per_address = config_.api_max_connections_per_address;
  HttpServer api(api_io, api_limits);
  RegisterNodeApi(api, *this);
  const std::string& listen = config_.api_listen;
  const auto colon = listen.rfind(':');
  const std::string host = colon == std::string::npos ? listen : listen.substr(0, colon);
  const int port = colon == std::string::npos ? -1 : std::atoi(listen.c_str() + colon + 1);
  if (port < 0 || port > 65535) return MakeError("node.bad_listen", "api_listen must be host:port, got '" + listen + "'");
  Status listening = api.Listen(host, static_cast<std::uint16_t>(port));
  if (!listening.ok()) return listening;
  api_port_ = api.port();
  LogInfo("api listening", {{"url", "http://" + host + ":" + std::to_string(api.port())}});
  std::thread api_thread([&api_io] { api_io.run(); });
  LogInfo("node started", {{"chain", store_->genesis().chain_id},
                           {"height", tip.height},
                           {"role", produces_blocks() ? std::string("validator") : std::string("full node")},
                           {"block_interval_ms", static_cast<std::uint64_t>(interval.count())}});

  loop.io.run();
  api.Stop();
  api_io.stop();
  api_thread.join();
  // The bus's handler calls the host: stop it first, destroy it last.
  if (loop.tcp) loop.tcp->Stop();
  {
    std::lock_guard lock(loop.host_mutex);
    loop.host.reset();
  }
  loop.tcp.reset();
  // Every block is already durable (synced WAL); flushing the memtables to
  // table files means the next start replays no WAL. Only on a clean stop:
  // after a failure (a full disk, above all) the flush would write to the
  // same refusing disk, and RocksDB's writer asserts on a flush after a
  // failed write (seen in ChaosTest.FullDisk*), turning a clean exit 1 into
  // an abort.
  if (Status flushed = loop.fatal ? Status::Ok() : store_->Flush(); !flushed.ok()) {
    LogWarn("store flush failed", {{"code", flushed.error().code}, {"message", flushed.error().message}});
  }
  LogInfo("node stopped", {{"height", store_->Tip().height}});
  if (loop.fatal) return *loop.fatal;
  return Status::Ok();
}

void NodeService::Stop() {
  // Posting keeps Stop thread-safe and lets the current handler (a block in
  // progress) finish before the loop ends.
  asio::post(loop_->io, [this] { loop_->io.stop(); });
}

}  // namespace jobcard::node
