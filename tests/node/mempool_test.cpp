// The mempool: arrival-order validation, limits, FIFO reaping and the
// re-check after a block commits, on an in-memory committed state.
#include "node/mempool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <thread>

#include "ledger/entry_builder.h"
#include "ledger/memory_state.h"
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

constexpr std::uint64_t kBlockTimeSeconds = 1775034000;  // 2026-04-01T09:00:00Z

class MempoolTest : public ::testing::Test {
 protected:
  MempoolTest()
      : registrar_(KeyFromByte(1)),
        employer_key_(KeyFromByte(3)),
        employer_(TestEmployer()),
        genesis_(SmallGenesis((kBlockTimeSeconds - 3600) * 1000, {employer_key_.public_key()})),
        committed_(ledger::MemoryState::FromGenesis(genesis_)) {}

  ledger::TxContext Ctx(std::uint64_t height = 1) const {
    return ledger::TxContext{genesis_, height, (kBlockTimeSeconds + height) * 1000};
  }

  // An enroll_subject for subject number `n`, signed by the registrar.
  Tx Enroll(std::uint8_t n) const {
    Tx tx;
    tx.kind = TxKind::kEnrollSubject;
    tx.nonce = n;
    tx.body = ledger::EnrollSubject{Subject(n), KeyFromByte(static_cast<std::uint8_t>(100 + n)).public_key()};
    SignTx(tx, kTestChainId, registrar_);
    return tx;
  }

  // A career entry about subject `n` by the employer; corrections reference `target`.
  Tx Entry(TxKind kind, std::uint8_t n, std::uint64_t nonce, const EntryId& target = {}) const {
    ledger::EntryDraft d;
    d.kind = kind;
    d.employer = employer_;
    d.subject = Subject(n);
    d.effective_date = *ledger::Date::Make(2026, 4, 1);
    d.recorded_at = kBlockTimeSeconds - 60;
    d.nonce = nonce;
    if (kind == TxKind::kCorrection) {
      d.references = {target};
      d.reason = static_cast<std::uint8_t>(ledger::CorrectionReason::kClerical);
    }
    d.payload.salt = Hash32{};
    d.payload.fields = {{ledger::PayloadFieldId::kPosition, "課長"}, {ledger::PayloadFieldId::kDepartment, "札幌支店 営業部"}};
    d.subject_key = KeyFromByte(static_cast<std::uint8_t>(100 + n)).public_key();
    d.employer_key = employer_key_.public_key();
    Tx tx = std::move(ledger::BuildEntry(d)).value();
    SignTx(tx, kTestChainId, employer_key_);
    return tx;
  }

  static ledger::SubjectId Subject(std::uint8_t n) { return SubjectFromByte(n); }

  EntryId Id(const Tx& tx) const { return ledger::TxId(kTestChainId, tx); }

  // Commits `txs` as block `height` into committed_, as a node would.
  void Commit(const std::vector<Tx>& txs, std::uint64_t height) {
    ledger::BlockExecution block = ledger::ExecuteTxs(committed_, txs, Ctx(height));
    ASSERT_EQ(block.accepted, txs.size());
    committed_.Apply(block.delta);
  }

  static std::size_t Size(const Tx& tx) { return ledger::EncodeTx(tx).size(); }

  crypto::SigningKey registrar_;
  crypto::SigningKey employer_key_;
  ledger::CorporateNumber employer_;
  ledger::Genesis genesis_;
  ledger::MemoryState committed_;
};

TEST_F(MempoolTest, AHireForAPendingEnrollmentEnters) {
  Mempool pool;
  const Tx enroll = Enroll(1);
  const Tx hire = Entry(TxKind::kHire, 1, 7);
  auto enroll_id = pool.Add(enroll, committed_, Ctx());
  ASSERT_TRUE(enroll_id.ok()) << enroll_id.error().message;
  auto hire_id = pool.Add(hire, committed_, Ctx());
  ASSERT_TRUE(hire_id.ok()) << hire_id.error().code << ": " << hire_id.error().message;

  EXPECT_EQ(*enroll_id, Id(enroll));
  EXPECT_EQ(*hire_id, Id(hire));
  EXPECT_EQ(pool.size(), 2u);
  EXPECT_EQ(pool.bytes(), Size(enroll) + Size(hire));
  EXPECT_TRUE(pool.Contains(*enroll_id));
  EXPECT_EQ(pool.Get(*hire_id), hire);
  EXPECT_EQ(pool.Get(Id(Enroll(2))), std::nullopt);
}

TEST_F(MempoolTest, AHireWithoutEnrollmentIsRejectedByValidation) {
  Mempool pool;
  auto r = pool.Add(Entry(TxKind::kHire, 1, 7), committed_, Ctx());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "validation.subject_not_enrolled");
  EXPECT_EQ(pool.size(), 0u);
  EXPECT_EQ(pool.bytes(), 0u);
}

TEST_F(MempoolTest, APendingDuplicateIsRejected) {
  Mempool pool;
  ASSERT_TRUE(pool.Add(Enroll(1), committed_, Ctx()).ok());
  auto again = pool.Add(Enroll(1), committed_, Ctx());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "mempool.duplicate");
  EXPECT_EQ(pool.size(), 1u);
}

TEST_F(MempoolTest, ACommittedDuplicateIsRejectedByValidation) {
  Commit({Enroll(1)}, 1);
  Mempool pool;
  auto r = pool.Add(Enroll(1), committed_, Ctx(2));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "validation.duplicate_tx");
}

TEST_F(MempoolTest, ABadSignatureIsRejected) {
  Mempool pool;
  Tx tx = Enroll(1);
  tx.signatures[0].signature[0] ^= 0x01;
  auto r = pool.Add(tx, committed_, Ctx());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "tx.bad_signature");
  EXPECT_FALSE(pool.Contains(Id(tx)));
}

// Rule S3 (an introduced key must be a usable Ed25519 key) is checked once,
// at admission; the re-checks after each block skip it
// (ledger::ValidateTxPrechecked), so admission must never let a bad key in.
TEST_F(MempoolTest, AnEnrolmentWithAnUnusableKeyIsRefusedAtAdmission) {
  Mempool pool;
  Tx tx;
  tx.kind = TxKind::kEnrollSubject;
  tx.nonce = 7;
  crypto::PublicKey identity{};
  identity[0] = 1;  // the neutral point: small order
  tx.body = ledger::EnrollSubject{Subject(7), identity};
  SignTx(tx, kTestChainId, registrar_);
  auto r = pool.Add(tx, committed_, Ctx());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "validation.bad_key");
  EXPECT_FALSE(pool.Contains(Id(tx)));
  // A good one beside it still enters, and survives a re-check.
  ASSERT_TRUE(pool.Add(Enroll(8), committed_, Ctx()).ok());
  EXPECT_TRUE(pool.Update(committed_, Ctx(2), {}).empty());
  EXPECT_EQ(pool.size(), 1u);
}

TEST_F(MempoolTest, TheTransactionLimitIsEnforced) {
  Mempool pool(MempoolLimits{2, 1 << 20});
  ASSERT_TRUE(pool.Add(Enroll(1), committed_, Ctx()).ok());
  ASSERT_TRUE(pool.Add(Enroll(2), committed_, Ctx()).ok());
  auto r = pool.Add(Enroll(3), committed_, Ctx());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "mempool.full");
  EXPECT_NE(r.error().message.find("2 transactions"), std::string::npos) << r.error().message;
  EXPECT_EQ(pool.size(), 2u);
}

TEST_F(MempoolTest, TheByteLimitIsEnforced) {
  const std::size_t one = Size(Enroll(1));
  Mempool pool(MempoolLimits{100, 2 * one + one / 2});
  ASSERT_TRUE(pool.Add(Enroll(1), committed_, Ctx()).ok());
  ASSERT_TRUE(pool.Add(Enroll(2), committed_, Ctx()).ok());
  auto r = pool.Add(Enroll(3), committed_, Ctx());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "mempool.full");
  EXPECT_NE(r.error().message.find("byte limit"), std::string::npos) << r.error().message;
  EXPECT_EQ(pool.bytes(), 2 * one);
}

TEST_F(MempoolTest, ReapIsFifoWithinBothLimitsAndRemovesNothing) {
  Mempool pool;
  std::vector<Tx> added;
  for (std::uint8_t n = 1; n <= 5; ++n) {
    added.push_back(Enroll(n));
    ASSERT_TRUE(pool.Add(added.back(), committed_, Ctx()).ok());
  }
  EXPECT_EQ(pool.Reap(3, 1 << 20), std::vector<Tx>(added.begin(), added.begin() + 3));
  EXPECT_EQ(pool.Reap(100, Size(added[0]) + Size(added[1]) + 1), std::vector<Tx>(added.begin(), added.begin() + 2));
  EXPECT_EQ(pool.Reap(100, 1 << 20), added);
  EXPECT_TRUE(pool.Reap(0, 1 << 20).empty());
  EXPECT_TRUE(pool.Reap(100, Size(added[0]) - 1).empty());
  EXPECT_EQ(pool.size(), 5u);
}

TEST_F(MempoolTest, ReapStopsAtTheFirstTransactionThatDoesNotFit) {
  // The second enrollment would fit after the first, but the hire before
  // it does not: taking it anyway could put a transaction ahead of one it
  // depends on, so reaping stops.
  Mempool pool;
  const Tx enroll = Enroll(1), hire = Entry(TxKind::kHire, 1, 7), enroll2 = Enroll(2);
  ASSERT_GT(Size(hire), Size(enroll2));
  for (const Tx& tx : {enroll, hire, enroll2}) ASSERT_TRUE(pool.Add(tx, committed_, Ctx()).ok());
  EXPECT_EQ(pool.Reap(100, Size(enroll) + Size(enroll2)), std::vector<Tx>{enroll});
}

TEST_F(MempoolTest, UpdateRemovesCommittedTransactionsAndKeepsTheirDependents) {
  Mempool pool;
  const Tx enroll = Enroll(1), hire = Entry(TxKind::kHire, 1, 7), other = Enroll(2);
  for (const Tx& tx : {enroll, hire, other}) ASSERT_TRUE(pool.Add(tx, committed_, Ctx()).ok());

  Commit({enroll}, 1);
  std::vector<DroppedTx> dropped = pool.Update(committed_, Ctx(2), {Id(enroll)});
  EXPECT_TRUE(dropped.empty());
  EXPECT_FALSE(pool.Contains(Id(enroll)));
  EXPECT_TRUE(pool.Contains(Id(hire)));  // its subject is now committed
  EXPECT_EQ(pool.Reap(100, 1 << 20), (std::vector<Tx>{hire, other}));
  EXPECT_EQ(pool.bytes(), Size(hire) + Size(other));
}

// A submission that reads the store's tip after a commit but reaches the
// pool before its Update (the usual case under load: thousands a second,
// a commit every second or two) is validated at the pool's height, so the
// Update after that block still takes the incremental path instead of
// re-checking the whole backlog; and the pool ends as a full re-check's.
TEST_F(MempoolTest, ASubmissionBetweenCommitAndUpdateKeepsTheIncrementalPath) {
  Mempool pool;
  Mempool reference(MempoolLimits{50000, 64 * 1024 * 1024, false});
  const Tx enroll = Enroll(1), hire = Entry(TxKind::kHire, 1, 7), other = Enroll(2);
  for (const Tx& tx : {enroll, other}) {
    ASSERT_TRUE(pool.Add(tx, committed_, Ctx()).ok());
    ASSERT_TRUE(reference.Add(tx, committed_, Ctx()).ok());
  }
  Commit({enroll}, 1);
  // In the window: the caller's context is already the next block's.
  ASSERT_TRUE(pool.Add(hire, committed_, Ctx(2)).ok());
  ASSERT_TRUE(reference.Add(hire, committed_, Ctx(2)).ok());
  EXPECT_TRUE(pool.Update(committed_, Ctx(2), {Id(enroll)}).empty());
  EXPECT_TRUE(reference.Update(committed_, Ctx(2), {Id(enroll)}).empty());
  EXPECT_TRUE(pool.last_update_incremental()) << pool.last_full_recheck_reason();
  EXPECT_EQ(pool.Reap(100, 1 << 20), reference.Reap(100, 1 << 20));
  EXPECT_EQ(pool.Reap(100, 1 << 20), (std::vector<Tx>{other, hire}));

  // The other way round: a caller that read the tip before that commit but
  // reaches the pool after its Update; the next block is again incremental.
  const Tx late = Enroll(3);
  ASSERT_TRUE(pool.Add(late, committed_, Ctx(1)).ok());
  Commit({other}, 2);
  EXPECT_TRUE(pool.Update(committed_, Ctx(3), {Id(other)}).empty());
  EXPECT_TRUE(pool.last_update_incremental()) << pool.last_full_recheck_reason();
  EXPECT_EQ(pool.Reap(100, 1 << 20), (std::vector<Tx>{hire, late}));
}

// The pool's time never steps back: an Update whose context is earlier than
// a time a pending transaction was validated at (a submission that read the
// clock after the committing thread did, and took the lock first) re-checks
// at the later time, so it neither drops that transaction nor needs the full
// re-check.
TEST_F(MempoolTest, AnUpdateNeverRechecksAtAnEarlierTimeThanThePoolValidatedAt) {
  Mempool pool;
  const Tx enroll = Enroll(1), other = Enroll(2);
  ASSERT_TRUE(pool.Add(enroll, committed_, Ctx()).ok());
  // recorded_at is kBlockTimeSeconds - 60: valid at Ctx(1), in the future for a
  // block time more than the skew earlier.
  const Tx hire = Entry(TxKind::kHire, 1, 7);
  ASSERT_TRUE(pool.Add(hire, committed_, Ctx()).ok());
  ASSERT_TRUE(pool.Add(other, committed_, Ctx()).ok());
  Commit({enroll}, 1);
  ledger::TxContext earlier = Ctx(2);
  earlier.block_time_ms = (kBlockTimeSeconds - 60 - genesis_.params.max_clock_skew_seconds - 5) * 1000;
  EXPECT_TRUE(pool.Update(committed_, earlier, {Id(enroll)}).empty());
  EXPECT_TRUE(pool.last_update_incremental()) << pool.last_full_recheck_reason();
  EXPECT_EQ(pool.Reap(100, 1 << 20), (std::vector<Tx>{hire, other}));
}

TEST_F(MempoolTest, UpdateDropsATransactionAConflictingCommitInvalidated) {
  const Tx enroll = Enroll(1), hire = Entry(TxKind::kHire, 1, 7);
  Commit({enroll, hire}, 1);
  const Tx ours = Entry(TxKind::kCorrection, 1, 8, Id(hire));
  const Tx theirs = Entry(TxKind::kCorrection, 1, 9, Id(hire));
  Mempool pool;
  ASSERT_TRUE(pool.Add(ours, committed_, Ctx(2)).ok());
  ASSERT_TRUE(pool.Add(Enroll(2), committed_, Ctx(2)).ok());

  // Another proposer's block corrected the same entry first.
  Commit({theirs}, 2);
  std::vector<DroppedTx> dropped = pool.Update(committed_, Ctx(3), {Id(theirs)});
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_EQ(dropped[0].id, Id(ours));
  EXPECT_EQ(dropped[0].reason.code, "validation.already_superseded");
  EXPECT_FALSE(pool.Contains(Id(ours)));
  EXPECT_EQ(pool.size(), 1u);
  EXPECT_EQ(pool.bytes(), Size(Enroll(2)));
}

TEST_F(MempoolTest, AddOnANewCommittedViewRechecksThePendingTransactions) {
  Mempool pool;
  ASSERT_TRUE(pool.Add(Enroll(1), committed_, Ctx()).ok());
  ledger::MemoryState next = committed_;
  ledger::BlockExecution block = ledger::ExecuteTxs(next, {Enroll(1)}, Ctx());
  next.Apply(block.delta);

  ASSERT_TRUE(pool.Add(Enroll(2), next, Ctx(2)).ok());
  EXPECT_FALSE(pool.Contains(Id(Enroll(1))));  // already on the ledger: validation.duplicate
  EXPECT_EQ(pool.size(), 1u);
}

TEST_F(MempoolTest, ConcurrentAddsAllEnter) {
  Mempool pool;
  constexpr int kThreads = 4, kPerThread = 25;
  std::vector<std::thread> threads;
  std::vector<std::vector<EntryId>> ids(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto id = pool.Add(Enroll(static_cast<std::uint8_t>(1 + t * kPerThread + i)), committed_, Ctx());
        if (id.ok()) ids[static_cast<std::size_t>(t)].push_back(*id);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(pool.size(), static_cast<std::size_t>(kThreads * kPerThread));
  for (const auto& per_thread : ids) {
    ASSERT_EQ(per_thread.size(), static_cast<std::size_t>(kPerThread));
    for (const EntryId& id : per_thread) EXPECT_TRUE(pool.Contains(id));
  }
}

TEST_F(MempoolTest, APendingDuplicateIsRefusedBeforeItsSignaturesAreChecked) {
  // Gossip brings every transaction from every peer: the duplicate check
  // comes first, so a copy costs no signature verification.
  Mempool pool;
  const Tx enroll = Enroll(1);
  ASSERT_TRUE(pool.Add(enroll, committed_, Ctx()).ok());
  Tx forged = enroll;
  forged.signatures[0].signature[0] ^= 0x01;  // same id: the id does not cover signatures
  auto r = pool.Add(forged, committed_, Ctx());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "mempool.duplicate");
  EXPECT_TRUE(pool.HoldsIdentical(Id(enroll), enroll));
}

// The gossip path hands in the signing message and id it built to drop
// pending copies; the pool then checks the signatures against that message.
TEST_F(MempoolTest, AddWithAKnownMessageAndIdAdmitsAndRefusesAsAddDoes) {
  Mempool pool;
  const Tx enroll = Enroll(1);
  const auto known = ledger::MessageAndIdOf(kTestChainId, enroll);
  EXPECT_EQ(known.id, Id(enroll));
  auto added = pool.Add(enroll, committed_, Ctx(), known);
  ASSERT_TRUE(added.ok()) << added.error().message;
  EXPECT_EQ(*added, Id(enroll));
  EXPECT_TRUE(pool.HoldsIdentical(Id(enroll), enroll));

  Tx forged = Enroll(2);
  forged.signatures[0].signature[0] ^= 0x01;
  auto refused = pool.Add(forged, committed_, Ctx(), ledger::MessageAndIdOf(kTestChainId, forged));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "tx.bad_signature");
  EXPECT_EQ(pool.size(), 1u);
}

TEST_F(MempoolTest, ConcurrentAddsOfOverlappingAndDependentTransactionsKeepTheInvariant) {
  // Four threads submit the same enrollments and hires (as gossip and the API
  // do), each in its own order; verification runs outside the lock, so the
  // pool must still take each exactly once and stay valid as a whole.
  constexpr int kSubjects = 24, kThreads = 4;
  std::vector<Tx> txs;
  for (int n = 1; n <= kSubjects; ++n) {
    txs.push_back(Enroll(static_cast<std::uint8_t>(n)));
    txs.push_back(Entry(TxKind::kHire, static_cast<std::uint8_t>(n), 7));
  }
  Mempool pool;
  std::vector<int> accepted(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::vector<std::size_t> order(txs.size());
      for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
      // Thread t starts at a different subject and goes round.
      std::rotate(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(t * 12), order.end());
      for (std::size_t i : order) {
        if (pool.Add(txs[i], committed_, Ctx()).ok()) ++accepted[static_cast<std::size_t>(t)];
      }
    });
  }
  for (auto& thread : threads) thread.join();

  int total = 0;
  for (int a : accepted) total += a;
  // Each thread adds a subject's enrollment before its hire, so every
  // transaction enters, exactly once.
  EXPECT_EQ(static_cast<std::size_t>(total), txs.size());
  EXPECT_EQ(pool.size(), txs.size());
  std::vector<EntryId> ids;
  const std::vector<Tx> pending = pool.Reap(pool.size(), SIZE_MAX, &ids);
  std::set<EntryId> distinct(ids.begin(), ids.end());
  EXPECT_EQ(distinct.size(), ids.size());
  // The pool as a block is valid as a whole.
  ledger::BlockExecution block = ledger::ExecuteTxs(committed_, pending, Ctx());
  EXPECT_EQ(block.accepted, pending.size());
}

}  // namespace
}  // namespace jobcard::node
