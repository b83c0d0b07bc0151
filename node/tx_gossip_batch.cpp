#include "node/tx_gossip_batch.h"

#include <algorithm>
#include <cassert>

#include "ledger/tx.h"
#include "node/consensus_wire.h"
#include "node/p2p/message_bus.h"

namespace jobcard::node {

namespace {

constexpr std::size_t kHeaderBytes = 1 + 4;     // kind, count
constexpr std::size_t kPerTxOverhead = 4;       // each transaction's length

}  // namespace

TxGossipBatch::TxGossipBatch(TxBatchLimits limits) : limits_(limits) {
  limits_.max_txs = std::clamp<std::size_t>(limits_.max_txs, 1, kMaxTxsPerBatch);
  // Whatever the limit, one transaction of the largest size always fits.
  limits_.max_bytes = std::clamp<std::size_t>(limits_.max_bytes, kHeaderBytes + kPerTxOverhead + ledger::kMaxTxBytes,
                                              p2p::kMaxPayloadBytes);
  pending_bytes_ = kHeaderBytes;
}

std::vector<Bytes> TxGossipBatch::Add(const Bytes& encoded_tx) {
  assert(encoded_tx.size() <= ledger::kMaxTxBytes);
  std::vector<Bytes> out;
  const std::size_t tx_bytes = kPerTxOverhead + encoded_tx.size();
  if (!pending_.empty() && pending_bytes_ + tx_bytes > limits_.max_bytes) out = Flush();
  pending_.push_back(encoded_tx);
  pending_bytes_ += tx_bytes;
  if (pending_.size() >= limits_.max_txs) {
    auto full = Flush();
    out.insert(out.end(), std::make_move_iterator(full.begin()), std::make_move_iterator(full.end()));
  }
  return out;
}

std::vector<Bytes> TxGossipBatch::Flush() {
  if (pending_.empty()) return {};
  std::vector<Bytes> out{EncodeTxBatch(pending_)};
  assert(out.front().size() == pending_bytes_);
  pending_.clear();
  pending_bytes_ = kHeaderBytes;
  return out;
}

}  // namespace jobcard::node
