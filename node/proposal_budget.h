// How many transactions this validator may put in a proposal, from how fast
// it has been executing blocks.
//
// A proposal only counts if the proposer builds it and every other validator
// executes it before their propose timeout ends; otherwise they prevote nil,
// the backlog (and so the next proposal, if it reaps the whole mempool)
// grows, and the timeouts, growing by a fixed delta per round, never catch
// up. That was the devnet stall of issue 5: blocks of 9,000-11,000
// transactions that took 4-10 s to build or execute against a 3 s propose
// timeout, one height failing round after round (BENCHMARKS.md, devnet).
//
// So the proposer reaps at most what it can execute in a quarter of the
// round's propose timeout (the other quarters: the others executing it,
// sending it, and their event loops being busy with other work), at the
// per-transaction cost it has measured on recent blocks it built or executed.
// Pure: observations in, a number out; the host feeds it.
#pragma once

#include <cstdint>
#include <optional>

namespace jobcard::node {

class ProposalBudget {
 public:
  // Never fewer than this, so a slow measurement cannot stop progress.
  static constexpr std::uint32_t kMinTxs = 100;
  // Blocks smaller than this are not measured: their fixed costs (roots,
  // one write batch) would inflate the per-transaction figure.
  static constexpr std::size_t kMinObservedTxs = 64;
  // Before any measurement: about a millisecond per transaction, what a
  // loaded 2-core machine running four validators showed.
  static constexpr double kInitialMsPerTx = 1.0;

  // Building (PrepareBlock) or executing (ReplayBlock) `txs` transactions took `elapsed_ms`.
  void Observe(std::size_t txs, std::uint64_t elapsed_ms);
  // At most `cap` (the node's max_block_txs), at least min(kMinTxs, cap).
  std::uint32_t MaxTxs(std::uint64_t propose_timeout_ms, std::uint32_t cap) const;
  double ms_per_tx() const { return ms_per_tx_.value_or(kInitialMsPerTx); }

 private:
  std::optional<double> ms_per_tx_;
};

}  // namespace jobcard::node
