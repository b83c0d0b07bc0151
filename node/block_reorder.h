// Whether the mempool may keep its remaining transactions' validity when a
// committed block holds pending transactions in an order other than the
// pool's oldest-first prefix (spec/consensus.md §Mempool re-check after a
// block, "out of order").
//
// The pool applied its transactions in arrival order; the chain applied the
// block's transactions first, in block order, and the remaining ones come
// after. A valid transaction's validation and application read only keys its
// application writes, plus employer records (ledger/execution.cpp). So the
// remaining transactions see what they saw before when:
//   1. no block transaction wrote a governance record (employers, employer
//      keys, matchers, the validator set), which others read without writing;
//   2. for every key a block transaction wrote, every block transaction that
//      wrote it comes, in the pool, before every remaining transaction that
//      wrote it; and the block holds those block transactions in pool order.
// Then each block transaction saw, in the block, what it saw in the pool
// (same writers of its keys, same order), so wrote the same values; and each
// remaining transaction sees them followed by the same remaining writers.
//
// Pure: write sets and arrival sequences in, a verdict out.
#pragma once

#include <cstdint>
#include <vector>

#include "node/pending_overlay.h"

namespace jobcard::node {

struct SequencedWrites {
  std::uint64_t sequence = 0;  // arrival order in the pool
  const PendingWrites* writes = nullptr;
};

// `block`: the block's transactions in block order. `remaining`: the
// pending transactions that stay and arrived before the last-arrived block
// transaction (later ones come after every block transaction anyway), in
// any order.
bool BlockReorderKeepsValidity(const std::vector<SequencedWrites>& block, const std::vector<SequencedWrites>& remaining);

}  // namespace jobcard::node
