// A proposed block's signatures: those the mempool verified are not verified
// again; every other one is, and an id match alone is not taken as proof.
#include "node/proposal_signatures.h"

#include <gtest/gtest.h>

#include "ledger/memory_state.h"
#include "tests/support/fixtures.h"

namespace jobcard::node {
namespace {

using jobcard::testing::KeyFromByte;
using jobcard::testing::kTestChainId;
using ledger::Tx;

constexpr std::uint64_t kBlockTimeMs = 1775034000000;

class ProposalSignaturesTest : public ::testing::Test {
 protected:
  ProposalSignaturesTest() : registrar_(KeyFromByte(1)) {
    genesis_.chain_id = kTestChainId;
    genesis_.genesis_time_ms = kBlockTimeMs - 3600 * 1000;
    genesis_.registrar_keys = {registrar_.public_key()};
    genesis_.validators = {{KeyFromByte(2).public_key(), 1, "validator-0"}};
    committed_ = ledger::MemoryState::FromGenesis(genesis_);
  }

  Tx Enroll(std::uint8_t n) const {
    Tx tx;
    tx.kind = ledger::TxKind::kEnrollSubject;
    tx.nonce = n;
    ledger::SubjectId subject{};
    subject.fill(n);
    tx.body = ledger::EnrollSubject{subject, KeyFromByte(static_cast<std::uint8_t>(100 + n)).public_key()};
    SignTx(tx, kTestChainId, registrar_);
    return tx;
  }

  void AddToPool(const Tx& tx) {
    ASSERT_TRUE(pool_.Add(tx, committed_, ledger::TxContext{genesis_, 1, kBlockTimeMs}).ok());
  }

  crypto::SigningKey registrar_;
  ledger::Genesis genesis_;
  ledger::MemoryState committed_;
  Mempool pool_;
};

TEST_F(ProposalSignaturesTest, TransactionsTheMempoolHoldsAreNotVerifiedAgain) {
  const Tx a = Enroll(1), b = Enroll(2), c = Enroll(3);
  AddToPool(a);
  AddToPool(b);
  auto check = CheckProposalSignatures(pool_, {a, b, c}, kTestChainId);
  ASSERT_TRUE(check.ok()) << check.error().message;
  EXPECT_EQ(check->verified_now, 1u);  // c only
  ASSERT_EQ(check->ids.size(), 3u);
  EXPECT_EQ(check->ids[0], ledger::TxId(kTestChainId, a));
  EXPECT_EQ(check->ids[2], ledger::TxId(kTestChainId, c));
}

TEST_F(ProposalSignaturesTest, SameIdWithAnotherSignatureIsVerifiedAndRefused) {
  const Tx held = Enroll(1);
  AddToPool(held);
  // The id does not cover the signatures: a proposer could pair a pending
  // transaction's id with a forged signature.
  Tx forged = held;
  forged.signatures[0].signature[0] ^= 0x01;
  ASSERT_EQ(ledger::TxId(kTestChainId, forged), ledger::TxId(kTestChainId, held));
  auto check = CheckProposalSignatures(pool_, {forged}, kTestChainId);
  ASSERT_FALSE(check.ok());
  EXPECT_EQ(check.error().code, "tx.bad_signature");
}

TEST_F(ProposalSignaturesTest, UnknownTransactionWithABadSignatureIsRefused) {
  Tx bad = Enroll(4);
  bad.signatures[0].signature[5] ^= 0x80;
  auto check = CheckProposalSignatures(pool_, {Enroll(5), bad}, kTestChainId);
  ASSERT_FALSE(check.ok());
  EXPECT_EQ(check.error().code, "tx.bad_signature");
}

// A block from another proposer may carry a transaction this pool never
// admitted. Its signatures are verified here, and rule S3's key check, which
// the pool's re-checks skip, still runs when the block is executed: the
// replay's context marks only the signatures as verified.
TEST_F(ProposalSignaturesTest, ABadKeyInABlockFromElsewhereIsStillRefused) {
  Tx bad;
  bad.kind = ledger::TxKind::kEnrollSubject;
  bad.nonce = 9;
  ledger::SubjectId subject{};
  subject.fill(9);
  crypto::PublicKey identity{};
  identity[0] = 1;  // small order
  bad.body = ledger::EnrollSubject{subject, identity};
  SignTx(bad, kTestChainId, registrar_);
  EXPECT_FALSE(pool_.Add(bad, committed_, ledger::TxContext{genesis_, 1, kBlockTimeMs}).ok());
  const Tx good = Enroll(1);
  AddToPool(good);
  auto check = CheckProposalSignatures(pool_, {good, bad}, kTestChainId);
  ASSERT_TRUE(check.ok()) << check.error().message;  // its signature is fine
  EXPECT_EQ(check->verified_now, 1u);
  ledger::TxContext replay{genesis_, 1, kBlockTimeMs};
  replay.skip_signature_check = true;  // as ChainStore::ReplayBlock(block, signatures_verified=true)
  const ledger::BlockExecution executed = ledger::ExecuteTxs(committed_, {good, bad}, replay, check->ids);
  EXPECT_EQ(executed.accepted, 1u);
  ASSERT_EQ(executed.outcomes.size(), 2u);
  ASSERT_FALSE(executed.outcomes[1].status.ok());
  EXPECT_EQ(executed.outcomes[1].status.error().code, "validation.bad_key");
}

}  // namespace
}  // namespace jobcard::node
