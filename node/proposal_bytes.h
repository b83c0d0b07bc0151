// How many bytes of transactions a proposal may carry, so that it can be
// sent at all.
//
// A proposal travels as one kConsensus payload (the proposal and the whole
// block) and a committed block as one kSync payload (the block and its
// certificate), each at most p2p::kMaxPayloadBytes. The mempool counts only
// the transactions' encodings; the block adds a 4-byte length to each, plus
// its header, and the sync payload a certificate of up to kMaxValidators
// signatures. Reaping up to the genesis's max_block_bytes (4 MiB on the
// devnet, the payload limit's size) therefore built, under a backlog,
// proposals the bus refused to send (the blocks just before held ~10,800
// transactions): every round the same, so the chain stopped for good
// (BENCHMARKS.md, "Hot maps, no relay among validators, a proposal too large
// to send"). The bound below leaves room for all of that.
#pragma once

#include <cstdint>

namespace jobcard::node {

// Room kept in a payload for everything but the transactions and their
// length prefixes: header, proposal, certificate of kMaxValidators, kinds.
inline constexpr std::uint64_t kProposalFixedOverheadBytes = 64 * 1024;
inline constexpr std::uint64_t kProposalPerTxOverheadBytes = 4;

// The most transaction bytes (sum of their encodings) to reap for a block of
// at most `max_txs` transactions: the genesis's max_block_bytes, or less when
// the payload limit is closer.
std::uint64_t ProposalTxBytes(std::uint64_t max_block_bytes, std::uint32_t max_txs);

}  // namespace jobcard::node
