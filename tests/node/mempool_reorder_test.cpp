// The out-of-order re-check (spec/consensus.md §Mempool re-check after a
// block) on the two cases its rules exist for, and on one it must take:
// a committed block that holds a pending transaction which arrived after
// another pending one is handled by the incremental path only when that
// cannot change the other's validity. Each case compares a pool with the
// incremental path against one that always re-checks in full.
#include <gtest/gtest.h>

#include "ledger/entry_builder.h"
#include "ledger/memory_state.h"
#include "node/mempool.h"
#include "tests/support/fixtures.h"

namespace jobcard::node {
namespace {

using jobcard::testing::SmallGenesis;
using jobcard::testing::SubjectFromByte;
using jobcard::testing::TestEmployer;
using jobcard::testing::KeyFromByte;
using jobcard::testing::kTestChainId;
using ledger::EntryId;
using ledger::Tx;
using ledger::TxKind;

constexpr std::uint64_t kStartSeconds = 1775034000;  // 2026-04-01T09:00:00Z

class MempoolReorderTest : public ::testing::Test {
 protected:
  MempoolReorderTest()
      : registrar_(KeyFromByte(1)),
        employer_key_(KeyFromByte(3)),
        employer_(TestEmployer()),
        genesis_(SmallGenesis((kStartSeconds - 3600) * 1000, {employer_key_.public_key()})),
        state_(ledger::MemoryState::FromGenesis(genesis_)) {}

  ledger::TxContext Ctx() const { return ledger::TxContext{genesis_, height_ + 1, kStartSeconds * 1000 + height_ * 1000}; }

  void Commit(const std::vector<Tx>& txs) {
    ledger::BlockExecution block = ledger::ExecuteTxs(state_, txs, Ctx());
    for (const auto& outcome : block.outcomes) ASSERT_TRUE(outcome.status.ok()) << outcome.status.error().code;
    state_.Apply(block.delta);
    ++height_;
    committed_ids_ = block.delta.log_appends;
  }

  Tx Governance(TxKind kind, ledger::TxBody body) {
    Tx tx;
    tx.kind = kind;
    tx.body = std::move(body);
    SignTx(tx, kTestChainId, registrar_);
    return tx;
  }
  Tx Enroll(std::uint8_t n) { return Governance(TxKind::kEnrollSubject, ledger::EnrollSubject{Subject(n), KeyFromByte(100 + n).public_key()}); }

  Tx Entry(TxKind kind, std::uint8_t n, const crypto::SigningKey& signer, std::vector<EntryId> references = {}) {
    ledger::EntryDraft d;
    d.kind = kind;
    d.employer = employer_;
    d.subject = Subject(n);
    d.effective_date = *ledger::Date::Make(2026, 4, 1);
    d.recorded_at = kStartSeconds;
    d.nonce = next_nonce_++;
    d.references = std::move(references);
    if (kind == TxKind::kDispute) d.reason = static_cast<std::uint8_t>(ledger::DisputeReason::kInaccurate);
    d.payload.salt = Hash32{};
    d.payload.fields = {{ledger::PayloadFieldId::kPosition, "課長"}};
    d.subject_key = KeyFromByte(100 + n).public_key();
    d.employer_key = employer_key_.public_key();
    Tx tx = std::move(ledger::BuildEntry(d)).value();
    SignTx(tx, kTestChainId, signer);
    return tx;
  }

  static ledger::SubjectId Subject(std::uint8_t n) { return SubjectFromByte(n); }
  static std::vector<EntryId> Pending(const Mempool& pool) {
    std::vector<EntryId> ids;
    pool.Reap(pool.size(), SIZE_MAX, &ids);
    return ids;
  }

  // Adds `txs` to both pools, commits `block`, updates both; both must agree.
  void Run(const std::vector<Tx>& txs, const std::vector<Tx>& block) {
    for (const Tx& tx : txs) {
      ASSERT_TRUE(incremental_.Add(tx, state_, Ctx()).ok());
      ASSERT_TRUE(full_.Add(tx, state_, Ctx()).ok());
    }
    ASSERT_NO_FATAL_FAILURE(Commit(block));
    dropped_incremental_ = incremental_.Update(state_, Ctx(), committed_ids_);
    dropped_full_ = full_.Update(state_, Ctx(), committed_ids_);
    EXPECT_EQ(Pending(incremental_), Pending(full_));
    ASSERT_EQ(dropped_incremental_.size(), dropped_full_.size());
    for (std::size_t i = 0; i < dropped_full_.size(); ++i) {
      EXPECT_EQ(dropped_incremental_[i].id, dropped_full_[i].id);
      EXPECT_EQ(dropped_incremental_[i].reason.code, dropped_full_[i].reason.code);
    }
  }

  crypto::SigningKey registrar_, employer_key_;
  ledger::CorporateNumber employer_;
  ledger::Genesis genesis_;
  ledger::MemoryState state_;
  std::uint64_t height_ = 0;
  std::uint64_t next_nonce_ = 1;
  std::vector<EntryId> committed_ids_;
  Mempool incremental_;
  Mempool full_{MempoolLimits{50000, 64 * 1024 * 1024, false}};
  std::vector<DroppedTx> dropped_incremental_, dropped_full_;
};

// A dispute signed with the subject's key, then a recovery of that key: the
// block commits the recovery alone, ahead of the dispute, which is then
// signed by a key that is no longer the subject's (rule 2: both write the
// subject's record and the dispute arrived first).
TEST_F(MempoolReorderTest, ARecoveryCommittedAheadOfAPendingDisputeDropsIt) {
  const Tx hire = Entry(TxKind::kHire, 1, employer_key_);
  ASSERT_NO_FATAL_FAILURE(Commit({Enroll(1), hire}));
  const Tx dispute = Entry(TxKind::kDispute, 1, KeyFromByte(101), {ledger::TxId(kTestChainId, hire)});
  const Tx recovery = Governance(TxKind::kRecoverSubjectKey, ledger::RecoverSubjectKey{Subject(1), KeyFromByte(150).public_key()});
  ASSERT_NO_FATAL_FAILURE(Run({dispute, recovery}, {recovery}));
  ASSERT_EQ(dropped_full_.size(), 1u);
  EXPECT_EQ(dropped_full_[0].reason.code, "validation.missing_signature");
  EXPECT_FALSE(incremental_.last_update_incremental());
}

// A hire, then the employer's suspension: the block commits the suspension
// alone; the hire reads the employer's status without writing it (rule 1).
TEST_F(MempoolReorderTest, ASuspensionCommittedAheadOfAPendingHireDropsIt) {
  ASSERT_NO_FATAL_FAILURE(Commit({Enroll(1)}));
  const Tx hire = Entry(TxKind::kHire, 1, employer_key_);
  const Tx suspension =
      Governance(TxKind::kSetEmployerStatus, ledger::SetEmployerStatus{employer_, ledger::EmployerStatus::kSuspended});
  ASSERT_NO_FATAL_FAILURE(Run({hire, suspension}, {suspension}));
  ASSERT_EQ(dropped_full_.size(), 1u);
  EXPECT_EQ(dropped_full_[0].reason.code, "validation.employer_not_active");
  EXPECT_FALSE(incremental_.last_update_incremental());
}

// Two enrolments and a hire that share nothing with the block's: the block
// commits the last to arrive; the others stay without a re-check.
TEST_F(MempoolReorderTest, AReorderedBlockWithoutConflictsTakesTheIncrementalPath) {
  ASSERT_NO_FATAL_FAILURE(Commit({Enroll(1)}));
  const Tx first = Enroll(2), hire = Entry(TxKind::kHire, 1, employer_key_), last = Enroll(3);
  ASSERT_NO_FATAL_FAILURE(Run({first, hire, last}, {last}));
  EXPECT_TRUE(dropped_full_.empty());
  EXPECT_TRUE(incremental_.last_update_incremental());
  EXPECT_TRUE(incremental_.last_update_reordered());
  EXPECT_EQ(Pending(incremental_), (std::vector<EntryId>{ledger::TxId(kTestChainId, first), ledger::TxId(kTestChainId, hire)}));
}

}  // namespace
}  // namespace jobcard::node
