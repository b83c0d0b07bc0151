// TxGossipBatch: the transactions this node is about to gossip, gathered
// into kTxs batches (consensus_wire.h) so that a burst costs one frame, one
// AEAD seal and one receiving post per batch instead of one per transaction.
//
// Pure: encoded transactions in, finished payloads out, no clock. The host
// (consensus_host.cpp) sends what Add hands back at once and calls Flush on
// a short timer and before anything that must not wait, so batching delays
// a transaction by at most that timer and loses none.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "crypto/bytes.h"

namespace jobcard::node {

// How long the host lets a transaction wait for others to share its frame,
// unless node.json says otherwise (consensus_tx_batch_ms).
inline constexpr std::uint64_t kDefaultTxBatchDelayMs = 5;

struct TxBatchLimits {
  std::size_t max_txs = 256;              // at most kMaxTxsPerBatch
  std::size_t max_bytes = 256 * 1024;     // of the payload; at most p2p::kMaxPayloadBytes
};

class TxGossipBatch {
 public:
  explicit TxGossipBatch(TxBatchLimits limits = {});

  // Adds one transaction's canonical encoding (at most ledger::kMaxTxBytes).
  // Returns the payloads that are complete: the batch so far when this one
  // would push it past max_bytes, and the batch with this one when it holds
  // max_txs. Usually none; order is kept across and within payloads.
  std::vector<Bytes> Add(const Bytes& encoded_tx);
  // The partial batch as a payload, or none when nothing waits.
  std::vector<Bytes> Flush();

  std::size_t pending_txs() const { return pending_.size(); }
  std::size_t pending_bytes() const { return pending_bytes_; }  // the payload Flush would make

 private:
  TxBatchLimits limits_;
  std::vector<Bytes> pending_;
  std::size_t pending_bytes_ = 0;  // the payload pending_ would make
};

}  // namespace jobcard::node
