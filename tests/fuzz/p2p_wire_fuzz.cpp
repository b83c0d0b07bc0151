// The consensus, sync and transaction messages a peer sends inside a p2p frame
// (node/consensus_wire.cpp: DecodeConsensusMessage, DecodeSyncMessage,
// DecodeTxBatch), the
// layer between the frame (p2p_frame_fuzz) and the proposal, vote, block and
// certificate decoders (consensus_message_fuzz, block_fuzz, certificate_fuzz)
// that none of those reaches: the kind byte, the length-prefixed part, the
// block after it and the checks binding the two, the batch's count and
// lengths. Byte 0 picks the channel (modulo 3: 0 consensus, 1 sync, 2
// transactions), the rest is the payload, as ConsensusHost::OnMessage gets it.
// Invariants: canonical (re-encodes to the same bytes); a proposal's block
// hashes to the proposed value; a certified block's certificate names that
// block at its height; a block request asks for 1..kMaxBlocksPerRequest
// blocks from height 1 up; a transaction batch holds 1..kMaxTxsPerBatch
// transactions, each of which re-encodes to the bytes it arrived as.
#include "ledger/block.h"
#include "ledger/tx.h"
#include "node/consensus_wire.h"
#include "tests/fuzz/fuzz_check.h"

using namespace jobcard;

JOBCARD_FUZZ_TARGET {
  if (size == 0) return 0;
  const int channel = data[0] % 3;
  const ByteView payload = fuzz::Input(data + 1, size - 1);
  const Bytes original(payload.begin(), payload.end());

  if (channel == 2) {
    auto batch = node::DecodeTxBatch(payload);
    if (!batch.ok()) return 0;
    FUZZ_CHECK(!batch->empty() && batch->size() <= node::kMaxTxsPerBatch);
    std::vector<Bytes> encoded;
    for (const auto& gossiped : *batch) {
      FUZZ_CHECK(ledger::EncodeTx(gossiped.tx) == gossiped.encoded);
      encoded.push_back(gossiped.encoded);
    }
    FUZZ_CHECK(node::EncodeTxBatch(encoded) == original);
    return 0;
  }
  if (channel == 0) {
    auto message = node::DecodeConsensusMessage(payload);
    if (!message.ok()) return 0;
    FUZZ_CHECK(node::EncodeConsensusMessage(*message) == original);
    if (const auto* p = std::get_if<node::ProposalMessage>(&*message)) {
      FUZZ_CHECK(ledger::BlockHash(p->block.header) == p->proposal.value);
      FUZZ_CHECK(p->block.header.tx_count == p->block.txs.size());
    }
    return 0;
  }

  auto message = node::DecodeSyncMessage(payload);
  if (!message.ok()) return 0;
  FUZZ_CHECK(node::EncodeSyncMessage(*message) == original);
  if (const auto* r = std::get_if<node::BlockRequest>(&*message)) {
    FUZZ_CHECK(r->from_height >= 1 && r->count >= 1 && r->count <= node::kMaxBlocksPerRequest);
  } else {
    const auto& c = std::get<node::CertifiedBlock>(*message);
    FUZZ_CHECK(c.certificate.height == c.block.header.height);
    FUZZ_CHECK(c.certificate.block_hash == ledger::BlockHash(c.block.header));
  }
  return 0;
}
