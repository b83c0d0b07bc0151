#include "node/consensus_wire.h"

#include <cassert>

#include "ledger/encoding.h"
#include "node/p2p/message_bus.h"

namespace jobcard::node {

namespace {

enum : std::uint8_t { kProposalKind = 1, kVoteKind = 2, kStatusKind = 3 };
enum : std::uint8_t { kRequestKind = 1, kBlockKind = 2 };
// Not 1, the transaction version byte that began the single-transaction
// payload of earlier builds: such a payload is refused as wire.kind.
enum : std::uint8_t { kTxBatchKind = 0x80 };

// The largest fixed-size part (a proposal, a certificate) a payload may carry
// before its block: a certificate of 128 signatures is under 13 KiB.
constexpr std::size_t kMaxPartBytes = 64 * 1024;

Bytes WithPart(std::uint8_t kind, const Bytes& part, const Bytes& block) {
  ledger::Writer w;
  w.U8(kind).VarBytes(part).Raw(block);
  return std::move(w).take();
}

// Reads `u32 len, part, block` after the kind byte: the part (small, bounded
// by kMaxPartBytes) is decoded first, then the block that fills the rest.
template <typename Part>
Result<std::pair<Part, ledger::Block>> DecodePartAndBlock(ledger::Reader& r, ByteView bytes, std::string_view field,
                                                          Result<Part> (*decode_part)(ByteView)) {
  Bytes encoded;
  if (!r.VarBytes(encoded, kMaxPartBytes, field)) return r.error();
  auto part = decode_part(encoded);
  if (!part.ok()) return part.error();
  auto block = ledger::DecodeBlock(bytes.subspan(r.offset()), p2p::kMaxPayloadBytes);
  if (!block.ok()) return block.error();
  return std::pair{std::move(*part), std::move(*block)};
}

Error Mismatch(std::string message) { return MakeError("wire.mismatch", std::move(message)); }

}  // namespace

Bytes EncodeConsensusMessage(const ConsensusMessage& message) {
  if (const auto* p = std::get_if<ProposalMessage>(&message)) {
    return WithPart(kProposalKind, consensus::EncodeProposal(p->proposal), ledger::EncodeBlock(p->block));
  }
  ledger::Writer w;
  if (const auto* v = std::get_if<consensus::Vote>(&message)) {
    w.U8(kVoteKind).Raw(consensus::EncodeVote(*v));
  } else {
    w.U8(kStatusKind).U64(std::get<StatusMessage>(message).height);
  }
  return std::move(w).take();
}

Result<ConsensusMessage> DecodeConsensusMessage(ByteView bytes) {
  if (bytes.size() > p2p::kMaxPayloadBytes) return MakeError("encoding.too_large", "consensus message too large");
  ledger::Reader r(bytes);
  std::uint8_t kind = 0;
  if (!r.U8(kind)) return r.error();
  switch (kind) {
    case kProposalKind: {
      auto decoded = DecodePartAndBlock(r, bytes, "proposal", consensus::DecodeProposal);
      if (!decoded.ok()) return decoded.error();
      auto& [proposal, block] = *decoded;
      if (ledger::BlockHash(block.header) != proposal.value) return Mismatch("the block is not the proposed value");
      return ConsensusMessage(ProposalMessage{proposal, std::move(block)});
    }
    case kVoteKind: {
      auto vote = consensus::DecodeVote(bytes.subspan(1));
      if (!vote.ok()) return vote.error();
      return ConsensusMessage(*vote);
    }
    case kStatusKind: {
      StatusMessage status;
      r.U64(status.height);
      JOBCARD_TRY_STATUS(r.Finish());
      return ConsensusMessage(status);
    }
    default:
      return MakeError("wire.kind", "unknown consensus message kind " + std::to_string(kind));
  }
}

Bytes EncodeSyncMessage(const SyncMessage& message) {
  if (const auto* c = std::get_if<CertifiedBlock>(&message)) {
    return WithPart(kBlockKind, ledger::EncodeCertificate(c->certificate), ledger::EncodeBlock(c->block));
  }
  const auto& request = std::get<BlockRequest>(message);
  ledger::Writer w;
  w.U8(kRequestKind).U64(request.from_height).U32(request.count);
  return std::move(w).take();
}

Result<SyncMessage> DecodeSyncMessage(ByteView bytes) {
  if (bytes.size() > p2p::kMaxPayloadBytes) return MakeError("encoding.too_large", "sync message too large");
  ledger::Reader r(bytes);
  std::uint8_t kind = 0;
  if (!r.U8(kind)) return r.error();
  if (kind == kRequestKind) {
    BlockRequest request;
    r.U64(request.from_height);
    r.U32(request.count);
    JOBCARD_TRY_STATUS(r.Finish());
    if (request.from_height == 0 || request.count == 0 || request.count > kMaxBlocksPerRequest) {
      return MakeError("wire.count", "a block request names heights from 1, 1 to " +
                                         std::to_string(kMaxBlocksPerRequest) + " at a time");
    }
    return SyncMessage(request);
  }
  if (kind != kBlockKind) return MakeError("wire.kind", "unknown sync message kind " + std::to_string(kind));
  auto decoded = DecodePartAndBlock(r, bytes, "certificate", ledger::DecodeCertificate);
  if (!decoded.ok()) return decoded.error();
  auto& [cert, block] = *decoded;
  if (cert.height != block.header.height || cert.block_hash != ledger::BlockHash(block.header)) {
    return Mismatch("the certificate is for another block");
  }
  return SyncMessage(CertifiedBlock{std::move(block), std::move(cert)});
}

Bytes EncodeTxBatch(const std::vector<Bytes>& encoded_txs) {
  assert(!encoded_txs.empty() && encoded_txs.size() <= kMaxTxsPerBatch);
  ledger::Writer w;
  w.U8(kTxBatchKind).U32(static_cast<std::uint32_t>(encoded_txs.size()));
  for (const Bytes& tx : encoded_txs) w.VarBytes(tx);
  return std::move(w).take();
}

Result<std::vector<GossipedTx>> DecodeTxBatch(ByteView bytes) {
  if (bytes.size() > p2p::kMaxPayloadBytes) return MakeError("encoding.too_large", "transaction batch too large");
  ledger::Reader r(bytes);
  std::uint8_t kind = 0;
  std::uint32_t count = 0;
  if (!r.U8(kind)) return r.error();
  if (kind != kTxBatchKind) return MakeError("wire.kind", "unknown transaction message kind " + std::to_string(kind));
  if (!r.U32(count)) return r.error();
  if (count == 0 || count > kMaxTxsPerBatch) {
    return MakeError("wire.count", "a transaction batch holds 1 to " + std::to_string(kMaxTxsPerBatch) +
                                       " transactions, not " + std::to_string(count));
  }
  // Each transaction takes at least its 4-byte length: a count the payload
  // cannot hold is refused before anything is reserved for it.
  if (r.remaining() / 4 < count) return MakeError("encoding.truncated", "transaction batch shorter than its count");
  std::vector<GossipedTx> txs;
  txs.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    Bytes encoded;
    if (!r.VarBytes(encoded, ledger::kMaxTxBytes, "transaction")) return r.error();
    auto tx = ledger::DecodeTx(encoded);
    if (!tx.ok()) return tx.error();
    txs.push_back(GossipedTx{std::move(tx).value(), std::move(encoded)});
  }
  JOBCARD_TRY_STATUS(r.Finish());
  return txs;
}

}  // namespace jobcard::node
