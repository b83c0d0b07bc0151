#include "ledger/memory_state.h"

#include <gtest/gtest.h>

#include "ledger/execution.h"
#include "tests/support/fixtures.h"

namespace jobcard::ledger {
namespace {

using jobcard::testing::Corp;
using jobcard::testing::KeyFromByte;

Genesis TestGenesis() {
  Genesis g;
  g.chain_id = jobcard::testing::kTestChainId;
  g.registrar_keys = {KeyFromByte(1).public_key()};
  g.validators = {{KeyFromByte(2).public_key(), 5, "validator-0"}};
  g.employers = {{Corp(1), "東京商事株式会社", {KeyFromByte(3).public_key()}}};
  g.matchers = {{KeyFromByte(4).public_key(), "札幌プロ人材センター"}};
  return g;
}

SubjectRecord Subject(std::uint8_t n, std::uint8_t key) {
  SubjectRecord r;
  r.id.fill(n);
  r.key = KeyFromByte(key).public_key();
  return r;
}

TEST(EmptyState, KnowsNothing) {
  const EmptyState empty;
  EXPECT_FALSE(empty.GetEmployer(Corp(1)));
  EXPECT_FALSE(empty.GetKeyOwner(KeyFromByte(1).public_key()));
  EXPECT_FALSE(empty.GetSubject(SubjectId{}));
  EXPECT_FALSE(empty.GetEntry(EntryId{}));
  EXPECT_FALSE(empty.GetTxLocation(EntryId{}));
  EXPECT_TRUE(empty.GetValidators().empty());
  EXPECT_FALSE(empty.GetMatcher(KeyFromByte(1).public_key()));
  EXPECT_EQ(empty.LogSize(), 0u);
}

TEST(MemoryState, FromGenesisHoldsTheGenesisRecords) {
  const MemoryState state = MemoryState::FromGenesis(TestGenesis());
  ASSERT_TRUE(state.GetEmployer(Corp(1)));
  EXPECT_EQ(state.GetEmployer(Corp(1))->name, "東京商事株式会社");
  EXPECT_EQ(state.GetKeyOwner(KeyFromByte(3).public_key()), Corp(1));
  ASSERT_EQ(state.GetValidators().size(), 1u);
  EXPECT_EQ(state.GetValidators()[0].power, 5u);
  EXPECT_TRUE(state.GetMatcher(KeyFromByte(4).public_key()));
  EXPECT_EQ(state.LogSize(), 0u);
}

TEST(MemoryState, ApplyMergesLaterValuesOverEarlierOnes) {
  MemoryState state = MemoryState::FromGenesis(TestGenesis());
  StateDelta first;
  first.subjects[Subject(1, 10).id] = Subject(1, 10);
  first.subjects[Subject(2, 20).id] = Subject(2, 20);
  first.tx_locations[EntryId{1}] = TxLocation{1, 0, 0};
  first.log_appends = {EntryId{1}};
  state.Apply(first);

  StateDelta second;
  second.subjects[Subject(1, 11).id] = Subject(1, 11);  // a recovered key
  second.log_appends = {EntryId{2}, EntryId{3}};
  state.Apply(second);

  EXPECT_EQ(state.GetSubject(Subject(1, 0).id)->key, KeyFromByte(11).public_key());
  EXPECT_EQ(state.GetSubject(Subject(2, 0).id)->key, KeyFromByte(20).public_key());
  EXPECT_EQ(state.GetTxLocation(EntryId{1}), (TxLocation{1, 0, 0}));
  EXPECT_EQ(state.LogSize(), 3u);
  EXPECT_EQ(state.contents().log_appends, (std::vector<EntryId>{EntryId{1}, EntryId{2}, EntryId{3}}));
  // The validator set changes only when a delta sets it.
  ASSERT_EQ(state.GetValidators().size(), 1u);
  StateDelta third;
  third.validators = std::vector<ValidatorRecord>{};
  state.Apply(third);
  EXPECT_TRUE(state.GetValidators().empty());
}

TEST(MemoryState, AppliesAnExecutedBlock) {
  const Genesis genesis = TestGenesis();
  MemoryState state = MemoryState::FromGenesis(genesis);
  Tx enroll;
  enroll.kind = TxKind::kEnrollSubject;
  enroll.body = EnrollSubject{Subject(7, 0).id, KeyFromByte(70).public_key()};
  SignTx(enroll, genesis.chain_id, KeyFromByte(1));
  const BlockExecution block = ExecuteTxs(state, {enroll}, TxContext{genesis, 1, 1000});
  ASSERT_EQ(block.accepted, 1u) << block.outcomes[0].status.error().message;
  state.Apply(block.delta);
  EXPECT_TRUE(state.GetSubject(Subject(7, 0).id));
  EXPECT_TRUE(state.GetTxLocation(TxId(genesis.chain_id, enroll)));
  EXPECT_EQ(state.LogSize(), 1u);
}

TEST(MemoryState, CopiesAreIndependentSnapshots) {
  MemoryState original = MemoryState::FromGenesis(TestGenesis());
  const MemoryState copy = original;
  MemoryState assigned;
  assigned = original;
  StateDelta delta;
  delta.subjects[Subject(1, 10).id] = Subject(1, 10);
  original.Apply(delta);
  EXPECT_TRUE(original.GetSubject(Subject(1, 0).id));
  EXPECT_FALSE(copy.GetSubject(Subject(1, 0).id));
  EXPECT_FALSE(assigned.GetSubject(Subject(1, 0).id));
  EXPECT_TRUE(assigned.GetEmployer(Corp(1)));
}

}  // namespace
}  // namespace jobcard::ledger
