// The consensus and sync messages a peer sends inside a p2p frame
// (node/consensus_wire.cpp: DecodeConsensusMessage, DecodeSyncMessage), the
// layer between the frame (p2p_frame_fuzz) and the proposal, vote, block and
// certificate decoders (consensus_message_fuzz, block_fuzz, certificate_fuzz)
// that none of those reaches: the kind byte, the length-prefixed part, the
// block after it and the checks binding the two. Byte 0 picks the channel
// (even: consensus, odd: sync), the rest is the payload, as
// ConsensusHost::OnMessage gets it.
// Invariants: canonical (re-encodes to the same bytes); a proposal's block
// hashes to the proposed value; a certified block's certificate names that
// block at its height; a block request asks for 1..kMaxBlocksPerRequest
// blocks from height 1 up.
#include "ledger/block.h"
#include "node/consensus_wire.h"
#include "tests/fuzz/fuzz_check.h"

using namespace jobcard;

JOBCARD_FUZZ_TARGET {
  if (size == 0) return 0;
  const bool sync_channel = (data[0] & 1) != 0;
  const ByteView payload = fuzz::Input(data + 1, size - 1);
  const Bytes original(payload.begin(), payload.end());

  if (!sync_channel) {
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
