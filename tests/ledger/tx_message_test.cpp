// The mempool builds a transaction's signing message once and derives both
// its id and its signature check from it (ledger/tx.h, TxIdOfMessage,
// VerifyTxSignaturesOfMessage). These pin that the shortcut is the same
// function as the long way, and still refuses what the long way refuses.
#include <gtest/gtest.h>

#include "ledger/tx_message.h"
#include "tests/support/chain_fixture.h"

namespace jobcard::ledger {
namespace {

TEST(TxMessage, TheIdFromTheMessageIsTheTxId) {
  const auto chain = testing::MakeTestChain();
  const auto txs = testing::SyntheticBlockTxs(chain, 2, 3);  // career entries (height 1 enrols)
  const auto enrolments = testing::SyntheticBlockTxs(chain, 1, 3);
  ASSERT_FALSE(txs.empty());
  ASSERT_FALSE(enrolments.empty());
  for (const auto* batch : {&txs, &enrolments}) {
    for (const Tx& tx : *batch) {
      const Bytes message = SigningMessage(chain.genesis.chain_id, tx);
      EXPECT_EQ(TxIdOfMessage(tx, message), TxId(chain.genesis.chain_id, tx));
      EXPECT_NE(TxIdOfMessage(tx, SigningMessage("another-chain", tx)), TxId(chain.genesis.chain_id, tx));
      EXPECT_TRUE(VerifyTxSignaturesOfMessage(tx, message).ok());
    }
  }
}

TEST(TxMessage, TheCheckFromTheMessageRefusesWhatTheLongWayRefuses) {
  const auto chain = testing::MakeTestChain();
  Tx tx = testing::SyntheticBlockTxs(chain, 1, 1).at(0);
  // Signed for this chain: the message of another chain does not verify.
  auto other_chain = VerifyTxSignaturesOfMessage(tx, SigningMessage("another-chain", tx));
  ASSERT_FALSE(other_chain.ok());
  EXPECT_EQ(other_chain.error().code, "tx.bad_signature");
  // A flipped signature byte fails both ways, with the same code.
  Tx altered = tx;
  altered.signatures.at(0).signature[0] ^= 0x01;
  const Bytes message = SigningMessage(chain.genesis.chain_id, altered);
  EXPECT_EQ(VerifyTxSignaturesOfMessage(altered, message).error().code, "tx.bad_signature");
  EXPECT_EQ(VerifyTxSignatures(altered, chain.genesis.chain_id).error().code, "tx.bad_signature");
  // No signature at all.
  Tx unsigned_tx = tx;
  unsigned_tx.signatures.clear();
  EXPECT_EQ(VerifyTxSignaturesOfMessage(unsigned_tx, message).error().code, "tx.unsigned");
  EXPECT_EQ(VerifyTxSignatures(unsigned_tx, chain.genesis.chain_id).error().code, "tx.unsigned");
}

}  // namespace
}  // namespace jobcard::ledger
