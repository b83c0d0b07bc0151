// Which pending transactions go out again (node/tx_regossip.h): only after
// a few gossip intervals, oldest first, a bounded number a tick, each at
// most once every few intervals; a transaction that left the pool is
// forgotten. Pure: the clock is the test's.
#include <gtest/gtest.h>

#include "node/tx_regossip.h"

namespace jobcard::node {
namespace {

ledger::EntryId Id(std::uint8_t n) {
  ledger::EntryId id{};
  id[0] = n;
  return id;
}

TxRegossipPolicy Policy() {
  TxRegossipPolicy policy;
  policy.interval_ms = 100;
  policy.after_intervals = 2;
  policy.every_intervals = 3;
  policy.max_per_interval = 2;
  return policy;
}

TEST(TxRegossip, APendingTransactionGoesOutAfterTwoIntervalsThenEveryThird) {
  TxRegossip regossip(Policy());
  const std::vector<ledger::EntryId> pool = {Id(1)};
  std::vector<std::uint64_t> sent_at;
  // Ticks 101 ms apart from t = 1000 (a timer is never early).
  for (std::uint64_t tick = 0; tick < 10; ++tick) {
    const std::uint64_t now = 1000 + tick * 101;
    if (!regossip.Due(now, pool).empty()) sent_at.push_back(tick);
  }
  EXPECT_EQ(sent_at, (std::vector<std::uint64_t>{2, 5, 8}));
}

TEST(TxRegossip, OldestFirstAndAtMostTheCapATick) {
  TxRegossip regossip(Policy());
  const std::vector<ledger::EntryId> pool = {Id(1), Id(2), Id(3), Id(4), Id(5)};
  EXPECT_TRUE(regossip.Due(0, pool).empty());
  EXPECT_TRUE(regossip.Due(100, pool).empty());
  EXPECT_EQ(regossip.Due(200, pool), (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(regossip.Due(300, pool), (std::vector<std::size_t>{2, 3}));
  EXPECT_EQ(regossip.Due(400, pool), (std::vector<std::size_t>{4}));
  // 0 and 1 were sent at 200: due again three intervals later.
  EXPECT_TRUE(regossip.Due(440, pool).empty());
  EXPECT_EQ(regossip.Due(500, pool), (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(regossip.tracked(), 5u);
}

TEST(TxRegossip, ATransactionThatLeftThePoolIsForgottenAndANewOneWaits) {
  TxRegossip regossip(Policy());
  EXPECT_TRUE(regossip.Due(0, {Id(1), Id(2)}).empty());
  // Id(1) committed; Id(3) arrived.
  EXPECT_TRUE(regossip.Due(100, {Id(2), Id(3)}).empty());
  EXPECT_EQ(regossip.tracked(), 2u);
  // Id(2) is two intervals old, Id(3) one: only the first is due.
  EXPECT_EQ(regossip.Due(200, {Id(2), Id(3)}), (std::vector<std::size_t>{0}));
  EXPECT_EQ(regossip.Due(300, {Id(2), Id(3)}), (std::vector<std::size_t>{1}));
  // Back in the pool after leaving it (dropped, then submitted again): new again.
  EXPECT_TRUE(regossip.Due(400, {}).empty());
  EXPECT_EQ(regossip.tracked(), 0u);
  EXPECT_TRUE(regossip.Due(500, {Id(2)}).empty());
}

}  // namespace
}  // namespace jobcard::node
