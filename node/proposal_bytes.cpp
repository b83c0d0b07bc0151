#include "node/proposal_bytes.h"

#include <algorithm>

#include "node/p2p/message_bus.h"

namespace jobcard::node {

std::uint64_t ProposalTxBytes(std::uint64_t max_block_bytes, std::uint32_t max_txs) {
  const std::uint64_t overhead = kProposalFixedOverheadBytes + kProposalPerTxOverheadBytes * max_txs;
  const std::uint64_t room = p2p::kMaxPayloadBytes > overhead ? p2p::kMaxPayloadBytes - overhead : 0;
  return std::min(max_block_bytes, room);
}

}  // namespace jobcard::node
