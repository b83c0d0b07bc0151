#include "node/tx_regossip.h"

namespace jobcard::node {

bool TxRegossip::Passed(std::uint64_t now_ms, std::uint64_t since_ms, std::uint64_t ms) const {
  return now_ms + policy_.interval_ms / 2 >= since_ms + ms;
}

std::vector<std::size_t> TxRegossip::Due(std::uint64_t now_ms, const std::vector<ledger::EntryId>& oldest) {
  std::map<ledger::EntryId, Seen> still_pending;
  std::vector<std::size_t> due;
  for (std::size_t i = 0; i < oldest.size(); ++i) {
    auto it = seen_.find(oldest[i]);
    Seen seen = it != seen_.end() ? it->second : Seen{now_ms, false, 0};
    const bool ripe = !seen.resent
                          ? Passed(now_ms, seen.first_ms, policy_.after_intervals * policy_.interval_ms)
                          : Passed(now_ms, seen.last_sent_ms, policy_.every_intervals * policy_.interval_ms);
    if (ripe && due.size() < policy_.max_per_interval) {
      due.push_back(i);
      seen.resent = true;
      seen.last_sent_ms = now_ms;
    }
    still_pending.emplace(oldest[i], seen);
  }
  seen_ = std::move(still_pending);
  return due;
}

}  // namespace jobcard::node
