// What the consensus host sends on the bus (spec/consensus.md §10 Wire).
// Every payload starts with a one-byte kind; decoders are bounded by
// p2p::kMaxPayloadBytes and reject trailing bytes, unknown kinds and
// anything the message decoders of consensus/messages.h reject.
//
//   Channel::kConsensus
//     1 proposal   u32 len, Proposal (consensus/messages.h), Block (ledger EncodeBlock)
//     2 vote       Vote
//     3 status     u64 height the sender works on (its committed height + 1)
//   Channel::kSync
//     1 request    u64 from_height, u32 count (1..kMaxBlocksPerRequest)
//     2 block      u32 len, CommitCertificate, Block: one committed block
//   Channel::kTxs
//     0x80 batch   u32 count (1..kMaxTxsPerBatch), then count times
//                  u32 len (at most ledger::kMaxTxBytes), EncodeTx: transactions
//                  in the order the sender gossips them (node/tx_gossip_batch.h)
//
// Error codes: wire.kind, wire.count, wire.mismatch (a proposal whose block
// does not hash to its value, a certified block whose certificate names
// another block), and the encoding.* / consensus.* codes of the decoders.
#pragma once

#include <cstdint>
#include <variant>

#include "ledger/block.h"
#include "node/consensus/messages.h"

namespace jobcard::node {

inline constexpr std::uint32_t kMaxBlocksPerRequest = 16;
// Transactions one kTxs payload may carry; with each at most kMaxTxBytes the
// payload is also bounded by p2p::kMaxPayloadBytes, which the decoder checks.
inline constexpr std::uint32_t kMaxTxsPerBatch = 1024;

struct ProposalMessage {
  consensus::Proposal proposal;
  ledger::Block block;
};

struct StatusMessage {
  std::uint64_t height = 0;
};

using ConsensusMessage = std::variant<ProposalMessage, consensus::Vote, StatusMessage>;

struct BlockRequest {
  std::uint64_t from_height = 0;
  std::uint32_t count = 0;
};

struct CertifiedBlock {
  ledger::Block block;
  ledger::CommitCertificate certificate;
};

using SyncMessage = std::variant<BlockRequest, CertifiedBlock>;

// One transaction of a kTxs batch: decoded, and its encoding as received,
// which the host relays as it is (EncodeTx is canonical).
struct GossipedTx {
  ledger::Tx tx;
  Bytes encoded;
};

Bytes EncodeConsensusMessage(const ConsensusMessage& message);
Result<ConsensusMessage> DecodeConsensusMessage(ByteView bytes);
Bytes EncodeSyncMessage(const SyncMessage& message);
Result<SyncMessage> DecodeSyncMessage(ByteView bytes);
// `encoded_txs`: 1..kMaxTxsPerBatch canonical transaction encodings (asserted).
Bytes EncodeTxBatch(const std::vector<Bytes>& encoded_txs);
// Every transaction must decode (ledger DecodeTx), or the whole batch is refused.
Result<std::vector<GossipedTx>> DecodeTxBatch(ByteView bytes);

}  // namespace jobcard::node
