// TxContext::skip_signature_check skips only the cryptographic check: who
// must sign is still enforced.
#include <gtest/gtest.h>

#include "ledger/execution.h"
#include "ledger/memory_state.h"
#include "tests/support/fixtures.h"

namespace jobcard::ledger {
namespace {

using jobcard::testing::KeyFromByte;

class SkipSignatureCheck : public ::testing::Test {
 protected:
  SkipSignatureCheck() {
    genesis_.chain_id = jobcard::testing::kTestChainId;
    genesis_.registrar_keys = {KeyFromByte(1).public_key()};
    genesis_.validators = {{KeyFromByte(2).public_key(), 1, "validator-0"}};
    state_ = MemoryState::FromGenesis(genesis_);
  }
  Tx Enroll(const crypto::SigningKey& signer) const {
    Tx tx;
    tx.kind = TxKind::kEnrollSubject;
    tx.body = EnrollSubject{SubjectId{9}, KeyFromByte(90).public_key()};
    SignTx(tx, genesis_.chain_id, signer);
    return tx;
  }
  Status Validate(const Tx& tx, bool skip) const {
    TxContext ctx{genesis_, 1, 1000};
    ctx.skip_signature_check = skip;
    return ValidateTx(state_, tx, TxId(genesis_.chain_id, tx), ctx);
  }
  Genesis genesis_;
  MemoryState state_;
};

TEST_F(SkipSignatureCheck, SkipsOnlyTheCryptographicCheck) {
  Tx tampered = Enroll(KeyFromByte(1));
  tampered.signatures[0].signature[10] ^= 0x80;
  Status checked = Validate(tampered, false);
  ASSERT_FALSE(checked.ok());
  EXPECT_EQ(checked.error().code, "tx.bad_signature");
  EXPECT_TRUE(Validate(tampered, true).ok());
}

TEST_F(SkipSignatureCheck, StillRequiresTheRightSigner) {
  Status status = Validate(Enroll(KeyFromByte(5)), true);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, "validation.unexpected_signer");
}

}  // namespace
}  // namespace jobcard::ledger
