#include "node/node_service.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>

#include <thread>

#include "node/http/http_server.h"
#include "node/log.h"
#include "node/node_api.h"
#include "node/solo_producer.h"

namespace jobcard::node {

namespace asio = boost::asio;

std::uint64_t NowMs() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

struct NodeService::Loop {
  asio::io_context io;
  asio::steady_timer block_timer{io};
  asio::steady_timer status_timer{io};
  asio::signal_set signals{io, SIGINT, SIGTERM};
  std::optional<Error> fatal;
};

NodeService::NodeService(NodeConfig config, std::unique_ptr<ledger::ChainStore> store,
                         std::unique_ptr<ReceiptBook> receipts, std::optional<crypto::SigningKey> key)
    : config_(std::move(config)),
      store_(std::move(store)),
      receipts_(std::move(receipts)),
      validator_key_(std::move(key)),
      mempool_(config_.mempool),
      loop_(std::make_unique<Loop>()) {}

NodeService::~NodeService() = default;

Result<std::unique_ptr<NodeService>> NodeService::Open(const std::filesystem::path& home, const NodeConfig& config,
                                                       std::optional<crypto::SigningKey> validator_key) {
  auto genesis = ledger::LoadGenesisFile(ResolveInHome(home, config.genesis_file).string());
  if (!genesis.ok()) return genesis.error();
  if (validator_key) {
    const auto& validators = genesis->validators;
    bool is_validator = false;
    for (const auto& v : validators) is_validator = is_validator || v.key == validator_key->public_key();
    if (!is_validator) {
      return MakeError("node.not_a_validator", "the validator key is not in the genesis validator set");
    }
    if (validators.size() != 1) {
      return MakeError("node.needs_consensus", "this genesis has " + std::to_string(validators.size()) +
                                                   " validators; producing blocks with several needs consensus, "
                                                   "which this build does not have yet (run a single-validator chain)");
    }
  }
  auto store = ledger::ChainStore::Open(ResolveInHome(home, config.data_dir).string(), *genesis);
  if (!store.ok()) return store.error();
  // Node-local, next to node.json: never part of the replicated ledger.
  auto receipts = ReceiptBook::Open(home / "receipts.jsonl");
  if (!receipts.ok()) return receipts.error();
  return std::unique_ptr<NodeService>(
      new NodeService(config, std::move(*store), std::move(*receipts), std::move(validator_key)));
}

ledger::TxContext NodeService::NextBlockContext(std::uint64_t now_ms) const {
  const ledger::ChainTip tip = store_->Tip();
  return ledger::TxContext{store_->genesis(), tip.height + 1, std::max(now_ms, tip.time_ms + 1)};
}

Result<ledger::EntryId> NodeService::Submit(ledger::Tx tx) {
  return mempool_.Add(std::move(tx), *store_, NextBlockContext(NowMs()));
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

Status NodeService::ProduceIfDue() {
  if (!validator_key_) return Status::Ok();
  const auto& params = store_->genesis().params;
  std::vector<ledger::EntryId> ids;
  auto txs = mempool_.Reap(params.max_block_txs, params.max_block_bytes, &ids);
  if (txs.empty()) return Status::Ok();
  const auto started = std::chrono::steady_clock::now();
  auto block = ProduceSoloBlock(*store_, txs, NowMs(), *validator_key_, /*signatures_verified=*/true, ids);
  if (!block.ok()) return block.error();
  const auto elapsed_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  LogInfo("block committed", {{"height", block->header.height},
                              {"txs", static_cast<std::uint64_t>(block->committed_ids.size())},
                              {"rejected", static_cast<std::uint64_t>(block->rejected.size())},
                              {"hash", ToHex(block->block_hash).substr(0, 16)},
                              {"ms", static_cast<std::uint64_t>(elapsed_ms)}});
  for (const auto& r : block->rejected) {
    LogWarn("tx rejected", {{"id", ToHex(r.id).substr(0, 16)}, {"code", r.status.error().code}});
    RememberRejection(r.id, r.status.error());
  }
  std::vector<ledger::EntryId> done = block->committed_ids;
  for (const auto& r : block->rejected) done.push_back(r.id);
  for (const auto& dropped : mempool_.Update(*store_, NextBlockContext(NowMs()), done)) {
    RememberRejection(dropped.id, dropped.reason);
  }
  return Status::Ok();
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

  std::function<void()> schedule_block = [&]() {
    loop.block_timer.expires_after(interval);
    loop.block_timer.async_wait([&](const boost::system::error_code& ec) {
      if (ec) return;
      Status produced = ProduceIfDue();
      if (!produced.ok()) {
        LogError("block production failed; stopping", {{"code", produced.error().code}, {"message", produced.error().message}});
        loop.fatal = produced.error();
        Stop();
        return;
      }
      schedule_block();
    });
  };
  schedule_block();

  std::function<void()> schedule_status = [&]() {
    loop.status_timer.expires_after(std::chrono::seconds(10));
    loop.status_timer.async_wait([&](const boost::system::error_code& ec) {
      if (ec) return;
      const ledger::ChainTip t = store_->Tip();
      LogInfo("status", {{"height", t.height}, {"log_size", t.log_size}, {"mempool", static_cast<std::uint64_t>(mempool_.size())}});
      schedule_status();
    });
  };
  schedule_status();

  // The API runs on its own thread and io_context so that queries and
  // submissions are answered while a block is being built.
  boost::asio::io_context api_io;
  HttpServer api(api_io);
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
