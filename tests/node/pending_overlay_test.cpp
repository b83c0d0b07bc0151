// PendingOverlay: each transaction's write set is its own, and dropping the
// oldest transactions (now committed) leaves the younger ones' effects on
// the new base, including a key both wrote.
#include "node/pending_overlay.h"

#include <gtest/gtest.h>

#include "ledger/memory_state.h"
#include "tests/support/fixtures.h"

namespace jobcard::node {
namespace {

using jobcard::testing::KeyFromByte;
using jobcard::testing::kTestChainId;

class PendingOverlayTest : public ::testing::Test {
 protected:
  PendingOverlayTest()
      : registrar_(KeyFromByte(1)),
        genesis_(jobcard::testing::SmallGenesis(0, {})),
        base_(ledger::MemoryState::FromGenesis(genesis_)) {}

  ledger::Tx Enroll(std::uint8_t subject) const {
    ledger::Tx tx;
    tx.kind = ledger::TxKind::kEnrollSubject;
    tx.body = ledger::EnrollSubject{Subject(subject), KeyFromByte(static_cast<std::uint8_t>(100 + subject)).public_key()};
    ledger::SignTx(tx, kTestChainId, registrar_);
    return tx;
  }
  // Gives subject 1 a new key: writes the subject record an enrollment wrote.
  ledger::Tx Recover(std::uint8_t key_byte) const {
    ledger::Tx tx;
    tx.kind = ledger::TxKind::kRecoverSubjectKey;
    tx.body = ledger::RecoverSubjectKey{Subject(1), KeyFromByte(key_byte).public_key()};
    ledger::SignTx(tx, kTestChainId, registrar_);
    return tx;
  }
  static ledger::SubjectId Subject(std::uint8_t n) { return jobcard::testing::SubjectFromByte(n); }
  ledger::TxContext Ctx() const { return ledger::TxContext{genesis_, 1, 1000}; }
  ledger::EntryId Id(const ledger::Tx& tx) const { return ledger::TxId(kTestChainId, tx); }
  template <class Keys>
  static auto Listed(const Keys& keys) {
    return std::vector<typename Keys::value_type>(keys.begin(), keys.end());
  }

  crypto::SigningKey registrar_;
  ledger::Genesis genesis_;
  ledger::MemoryState base_;
};

TEST_F(PendingOverlayTest, EachWriteSetHoldsOnlyItsOwnTransactionsKeys) {
  PendingOverlay overlay(base_);
  const ledger::Tx first = Enroll(1), second = Enroll(2);
  const PendingWrites a = overlay.Apply(first, Id(first), 0, Ctx());
  const PendingWrites b = overlay.Apply(second, Id(second), 1, Ctx());
  EXPECT_EQ(Listed(a.subjects), std::vector<ledger::SubjectId>{Subject(1)});
  EXPECT_EQ(Listed(b.subjects), std::vector<ledger::SubjectId>{Subject(2)});
  EXPECT_EQ(Listed(b.tx_locations), std::vector<ledger::EntryId>{Id(second)});
  EXPECT_EQ(overlay.view().LogSize(), base_.LogSize() + 2);
  EXPECT_FALSE(a.IntroducedEmployerKey());
}

// Apply runs each transaction on a scratch overlay it keeps: a validator set
// one transaction wrote moves into the overlay, and the next transaction's
// write set does not claim it.
TEST_F(PendingOverlayTest, OnlyTheTransactionThatChangedTheValidatorSetClaimsIt) {
  PendingOverlay overlay(base_);
  ledger::Tx add;
  add.kind = ledger::TxKind::kAddValidator;
  add.body = ledger::AddValidator{KeyFromByte(50).public_key(), 1, "bank"};
  ledger::SignTx(add, kTestChainId, registrar_);
  const ledger::Tx enroll = Enroll(1);
  const PendingWrites add_writes = overlay.Apply(add, Id(add), 0, Ctx());
  const PendingWrites enroll_writes = overlay.Apply(enroll, Id(enroll), 1, Ctx());
  EXPECT_TRUE(add_writes.validators);
  EXPECT_FALSE(enroll_writes.validators);
  EXPECT_TRUE(enroll_writes.tx_locations.size() == 1 && enroll_writes.tx_locations[0] == Id(enroll));
  const auto validators = overlay.view().GetValidators();
  ASSERT_EQ(validators.size(), base_.GetValidators().size() + 1);
  EXPECT_EQ(validators.back().key, KeyFromByte(50).public_key());
  EXPECT_EQ(overlay.view().LogSize(), base_.LogSize() + 2);
}

TEST_F(PendingOverlayTest, DroppingTheCommittedPrefixKeepsWhatAYoungerTransactionWrote) {
  PendingOverlay overlay(base_);
  const ledger::Tx enroll = Enroll(1), recover = Recover(200), other = Enroll(3);
  const PendingWrites enroll_writes = overlay.Apply(enroll, Id(enroll), 0, Ctx());
  overlay.Apply(recover, Id(recover), 1, Ctx());
  overlay.Apply(other, Id(other), 2, Ctx());

  // The block commits the enrollment only.
  ledger::MemoryState next = base_;
  ledger::BlockExecution block = ledger::ExecuteTxs(next, {enroll}, Ctx());
  ASSERT_EQ(block.accepted, 1u);
  next.Apply(block.delta);
  overlay.DropOldest({&enroll_writes});
  overlay.Rebase(next);

  const ledger::StateView& view = overlay.view();
  EXPECT_EQ(view.LogSize(), next.LogSize() + 2);
  // Subject 1's record was written by both: the recovery's value stays.
  ASSERT_TRUE(view.GetSubject(Subject(1)));
  EXPECT_EQ(view.GetSubject(Subject(1))->key, KeyFromByte(200).public_key());
  EXPECT_TRUE(view.GetSubject(Subject(3)));
  // The enrollment's location now comes from the base (height 1 there too).
  EXPECT_EQ(view.GetTxLocation(Id(enroll)), next.GetTxLocation(Id(enroll)));
  EXPECT_TRUE(view.GetTxLocation(Id(recover)));
  // The enrollment's old subject key: the base says subject 1, the recovery freed it.
  EXPECT_EQ(view.GetSubjectByKey(KeyFromByte(101).public_key()), std::nullopt);

  // A transaction applied after the rebase sees the new base plus what is
  // still pending, and its write set is its own (Apply's scratch overlay
  // sits on the rebased overlay, not the one before it).
  const ledger::Tx again = Recover(201);
  const PendingWrites again_writes = overlay.Apply(again, Id(again), 0, Ctx());
  EXPECT_EQ(Listed(again_writes.subjects), std::vector<ledger::SubjectId>{Subject(1)});
  EXPECT_EQ(Listed(again_writes.tx_locations), std::vector<ledger::EntryId>{Id(again)});
  EXPECT_EQ(view.LogSize(), next.LogSize() + 3);
  EXPECT_EQ(view.GetSubject(Subject(1))->key, KeyFromByte(201).public_key());
  EXPECT_EQ(view.GetSubjectByKey(KeyFromByte(200).public_key()), std::nullopt);
  EXPECT_EQ(view.GetSubjectByKey(KeyFromByte(201).public_key()), Subject(1));
}

}  // namespace
}  // namespace jobcard::node
