// When the next height starts after a commit: at once when a backlog waits,
// else after the block interval.
//
// The block interval (genesis `block_interval_ms`, node.json
// `consensus_block_interval_ms`) paces a lightly loaded chain: it lets a few
// transactions gather into one block instead of one block each. Under a
// backlog it is pure idle time: the lead's Release devnet at 2,000 entries/s
// spent 1,000 ms of every 3-4 s height waiting with 16,000 transactions
// pending (BENCHMARKS.md, devnet5), while the block size was already capped
// by what the proposer can execute (proposal_budget.h). So when the pool holds
// at least a block's worth, or the block just committed was full to that
// capacity (the load outruns the blocks), the next height starts right after
// the commit, as CometBFT's `skip_timeout_commit` does.
//
// Only the next height's proposer starts at once. The others keep the
// interval as a fallback and start when the proposal (or any signed message
// of that height) reaches them, which the host does already: a validator that
// started on its own right after its commit would start its propose timeout
// then, and the proposer's commit can be seconds later on a loaded machine
// (its mempool re-check after the same block can take that much longer). The
// first devnet run that let every node start at once had 16 round timeouts
// where the interval had none (BENCHMARKS.md, devnet5).
//
// No grace period after the decision is needed for the certificate: the
// machine decides with, and the host stores, the 2f+1 precommits it holds at
// that moment; a late precommit is only checked for equivocation
// (spec/consensus.md §7, §13).
//
// Pure: numbers in, a delay out; the host feeds it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace jobcard::node {

struct PacingInputs {
  std::size_t pending_txs = 0;      // in the pool after the re-check
  std::size_t last_block_txs = 0;   // transactions of the block just committed
  std::uint32_t block_capacity = 0; // what this node would propose now (ProposalBudget at round 0, within max_block_txs)
  std::uint64_t block_interval_ms = 0;
  bool proposes_next = false;       // this node proposes round 0 of the next height
};

// 0 under a backlog (see above) for the next height's proposer, else
// `block_interval_ms`.
std::uint64_t NextHeightDelayMs(const PacingInputs& in);

}  // namespace jobcard::node
