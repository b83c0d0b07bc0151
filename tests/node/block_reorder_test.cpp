// BlockReorderKeepsValidity (node/block_reorder.h) on hand-made write sets:
// each rule of the out-of-order re-check refuses its case and only that.
// The property test against the full re-check is mempool_incremental_test.cpp.
#include <gtest/gtest.h>

#include "node/block_reorder.h"

namespace jobcard::node {
namespace {

ledger::SubjectId Subject(std::uint8_t n) {
  ledger::SubjectId id{};
  id.fill(n);
  return id;
}

PendingWrites WritesSubject(std::uint8_t n) {
  PendingWrites writes;
  writes.subjects = {Subject(n)};
  return writes;
}

TEST(BlockReorderTest, DisjointWritesKeepValidity) {
  const PendingWrites a = WritesSubject(1), b = WritesSubject(2), c = WritesSubject(3);
  // The block took the transactions that arrived 3rd and 1st; the 2nd stays.
  EXPECT_TRUE(BlockReorderKeepsValidity({{3, &c}, {1, &a}}, {{2, &b}}));
}

TEST(BlockReorderTest, ARemainingWriterThatArrivedBeforeABlockWriterRefuses) {
  const PendingWrites early = WritesSubject(1), late = WritesSubject(1);
  EXPECT_FALSE(BlockReorderKeepsValidity({{5, &late}}, {{2, &early}}));
  // The same key written first by the block transaction is fine.
  EXPECT_TRUE(BlockReorderKeepsValidity({{2, &early}}, {{5, &late}}));
}

TEST(BlockReorderTest, EveryKeyKindIsCompared) {
  PendingWrites block_tx, remaining_tx;
  block_tx.subject_keys = {crypto::PublicKey{7}};
  remaining_tx.subject_keys = {crypto::PublicKey{7}};
  EXPECT_FALSE(BlockReorderKeepsValidity({{5, &block_tx}}, {{2, &remaining_tx}}));
  PendingWrites block_entry, remaining_entry;
  block_entry.entries = {ledger::EntryId{9}};
  remaining_entry.entries = {ledger::EntryId{9}};
  EXPECT_FALSE(BlockReorderKeepsValidity({{5, &block_entry}}, {{2, &remaining_entry}}));
}

TEST(BlockReorderTest, BlockWritersOfOneKeyOutOfPoolOrderRefuse) {
  const PendingWrites first = WritesSubject(1), second = WritesSubject(1);
  EXPECT_FALSE(BlockReorderKeepsValidity({{4, &second}, {2, &first}}, {}));
  EXPECT_TRUE(BlockReorderKeepsValidity({{2, &first}, {4, &second}}, {}));
}

TEST(BlockReorderTest, AGovernanceRecordInTheBlockRefuses) {
  const PendingWrites remaining = WritesSubject(1);
  PendingWrites suspend;
  suspend.employers = {ledger::CorporateNumber{}};
  EXPECT_FALSE(BlockReorderKeepsValidity({{5, &suspend}}, {{2, &remaining}}));
  PendingWrites key;
  key.key_owners = {crypto::PublicKey{1}};
  EXPECT_FALSE(BlockReorderKeepsValidity({{5, &key}}, {}));
  PendingWrites matcher;
  matcher.matchers = {crypto::PublicKey{1}};
  EXPECT_FALSE(BlockReorderKeepsValidity({{5, &matcher}}, {}));
  PendingWrites validators;
  validators.validators = true;
  EXPECT_FALSE(BlockReorderKeepsValidity({{5, &validators}}, {}));
}

}  // namespace
}  // namespace jobcard::node
