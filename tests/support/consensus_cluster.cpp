#include "tests/support/consensus_cluster.h"

#include <chrono>

#include "tests/support/fixtures.h"
#include "tests/support/io_run.h"

namespace jobcard::testing {

TestChain ValidatorChain(std::size_t validators, std::uint64_t block_interval_ms, std::vector<crypto::SigningKey>& keys) {
  TestChain chain = MakeTestChain();
  chain.genesis.validators.clear();
  for (std::size_t i = 0; i < validators; ++i) {
    keys.push_back(KeyFromByte(static_cast<std::uint8_t>(0x40 + i)));
    chain.genesis.validators.push_back({keys.back().public_key(), 1, "validator-" + std::to_string(i)});
  }
  chain.genesis.params.block_interval_ms = block_interval_ms;
  return chain;
}

node::ConsensusHostConfig TestHostConfig(const std::filesystem::path& dir) {
  node::ConsensusHostConfig config;
  // Short timeouts keep the tests quick; the machine grows them per round.
  config.timeouts = {300, 100, 150, 100, 150, 100};
  config.gossip_interval_ms = 100;
  config.sign_state_file = dir / "sign_state";
  config.wal_file = dir / "wal";
  config.evidence_file = dir / "evidence";
  return config;
}

Status SubmitTo(ledger::ChainStore& store, node::Mempool& mempool, node::ConsensusHost& host, const ledger::Tx& tx) {
  const ledger::ChainTip tip = store.Tip();
  const auto now = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  auto id = mempool.Add(tx, store, ledger::TxContext{store.genesis(), tip.height + 1, std::max(now, tip.time_ms + 1)});
  if (!id.ok()) return id.error();
  host.OnLocalTx(tx);
  return Status::Ok();
}

ConsensusCluster::ConsensusCluster(std::size_t validators, std::uint64_t block_interval_ms, std::size_t followers)
    : chain_(ValidatorChain(validators, block_interval_ms, keys_)), validators_(validators) {
  for (std::size_t j = 0; j < followers; ++j) keys_.push_back(KeyFromByte(static_cast<std::uint8_t>(0x60 + j)));
  nodes_.resize(keys_.size());
}

ConsensusCluster::~ConsensusCluster() {
  for (std::size_t i = 0; i < nodes_.size(); ++i) nodes_[i].reset();
}

void ConsensusCluster::Start(std::size_t i) {
  auto node = std::make_unique<Node>();
  std::filesystem::create_directories(dir(i));
  auto store = ledger::ChainStore::Open((dir(i) / "data").string(), chain_.genesis);
  ASSERT_TRUE(store.ok()) << store.error().message;
  node->store = std::move(*store);
  node->mempool = std::make_unique<node::Mempool>();
  node->bus = std::make_unique<MemoryBus>(hub_, keys_[i].public_key());
  node::ConsensusHostConfig config = TestHostConfig(dir(i));
  if (adjust_) adjust_(config);
  node::ConsensusHostCallbacks callbacks;
  callbacks.on_fatal = [this](const Error& e) { fatal_.push_back(e); };
  node->host = std::make_unique<node::ConsensusHost>(io_, *node->store, *node->mempool, *node->bus,
                                                     i < validators_ ? &keys_[i] : nullptr, config, callbacks);
  Status started = node->host->Start();
  ASSERT_TRUE(started.ok()) << started.error().message;
  node->bus->Attach(node->host->Handler());
  nodes_[i] = std::move(node);
}

void ConsensusCluster::StartAll() {
  for (std::size_t i = 0; i < size(); ++i) Start(i);
}

void ConsensusCluster::Stop(std::size_t i) { nodes_[i].reset(); }

Status ConsensusCluster::Submit(std::size_t i, const ledger::Tx& tx) {
  Node& n = *nodes_[i];
  return SubmitTo(*n.store, *n.mempool, *n.host, tx);
}

bool ConsensusCluster::RunUntil(const std::function<bool()>& done, std::uint64_t max_ms) {
  return RunIoUntil(io_, done, std::chrono::milliseconds(max_ms));
}

void ConsensusCluster::RunFor(std::uint64_t ms) {
  RunUntil([] { return false; }, ms);
}

bool ConsensusCluster::AllCommitted(const ledger::EntryId& id) {
  for (const auto& n : nodes_) {
    if (n && !n->store->GetTxLocation(id)) return false;
  }
  return true;
}

}  // namespace jobcard::testing
