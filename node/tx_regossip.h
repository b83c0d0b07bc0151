// Which pending transactions to send to the peers again (spec/consensus.md
// §13, gossip). A transaction is flooded once, when it enters a pool; a link
// that resets at that moment loses it, and a node that never proposes (a
// full node) would hold it for as long as nothing else sends it. So a
// transaction that has stayed pending for a few gossip intervals goes out
// again, whether or not the chain makes progress meanwhile (under a steady
// load it always does): oldest first, at most `max_per_interval` a gossip
// interval, each at most once every `every_intervals`. A peer that holds it
// already refuses it as a duplicate before any signature check.
//
// Pure: the host hands in the clock and the ids of its pool's oldest
// transactions at each gossip tick, and broadcasts what comes back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

#include "ledger/tx.h"

namespace jobcard::node {

struct TxRegossipPolicy {
  std::uint64_t interval_ms = 1000;   // the gossip interval
  std::uint32_t after_intervals = 2;  // pending this long (since first seen here) before the first resend
  std::uint32_t every_intervals = 3;  // then at most once per this many intervals
  std::size_t max_per_interval = 64;  // resends a tick, oldest first
};

class TxRegossip {
 public:
  explicit TxRegossip(TxRegossipPolicy policy) : policy_(policy) {}

  // `oldest`: the ids of the pool's oldest pending transactions, oldest
  // first (the window looked at; a transaction that left the pool is
  // forgotten). Returns the positions in `oldest` to send again now,
  // ascending. A transaction is first seen at the tick that first lists it.
  std::vector<std::size_t> Due(std::uint64_t now_ms, const std::vector<ledger::EntryId>& oldest);

  std::size_t tracked() const { return seen_.size(); }

 private:
  struct Seen {
    std::uint64_t first_ms = 0;
    bool resent = false;
    std::uint64_t last_sent_ms = 0;  // when resent
  };
  // Whether `ms` has passed since `since`, give or take half an interval
  // (ticks are a timer's, never exactly an interval apart).
  bool Passed(std::uint64_t now_ms, std::uint64_t since_ms, std::uint64_t ms) const;

  TxRegossipPolicy policy_;
  std::map<ledger::EntryId, Seen> seen_;
};

}  // namespace jobcard::node
