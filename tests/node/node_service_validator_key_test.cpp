// NodeService::Open and the validator key: a key of the genesis set or of the
// set committed on this node's store opens; any other key is refused with
// node.not_a_validator. A validator admitted after genesis (add-validator),
// or an operator's rotated key, is only in the committed set: before the fix
// found by the chaos harness (ChaosTest.ValidatorSetChange*), Open looked at
// the genesis alone, so neither could ever start as a validator.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "ledger/chain_store.h"
#include "ledger/genesis.h"
#include "node/node_service.h"
#include "node/solo_producer.h"
#include "tests/support/chain_fixture.h"
#include "tests/support/fixtures.h"
#include "tests/support/temp_dir.h"

namespace jobcard::node {
namespace {

class NodeServiceValidatorKeyTest : public ::testing::Test {
 protected:
  void SetUp() override { std::ofstream(dir_.path() / "genesis.json") << ledger::GenesisToJson(chain_.genesis).dump(); }

  // Commits, on the home's store, a block admitting `key` as a validator.
  void CommitAddValidator(const crypto::PublicKey& key) {
    auto store = ledger::ChainStore::Open((dir_.path() / "data").string(), chain_.genesis);
    ASSERT_TRUE(store.ok()) << store.error().message;
    ledger::Tx tx{ledger::TxKind::kAddValidator, 7, ledger::AddValidator{key, 1, "admitted-later"}, {}};
    ledger::SignTx(tx, chain_.genesis.chain_id, chain_.registrar);
    auto prepared = PrepareNextBlock(**store, {tx}, chain_.genesis.genesis_time_ms + 1000, chain_.validator.public_key(), false);
    ASSERT_TRUE(prepared.ok()) << prepared.error().message;
    ASSERT_EQ(prepared->block.txs.size(), 1u) << "the add-validator transaction was not valid";
    ledger::CommitCertificate cert;
    cert.height = prepared->block.header.height;
    cert.block_hash = prepared->block_hash;
    cert.signatures.push_back(ledger::SignPrecommit(chain_.genesis.chain_id, cert.height, 0, cert.block_hash, chain_.validator));
    Status committed = (*store)->Commit(*prepared, cert);
    ASSERT_TRUE(committed.ok()) << committed.error().message;
    const auto set = (*store)->GetValidators();
    ASSERT_TRUE(std::any_of(set.begin(), set.end(), [&](const auto& v) { return v.key == key; }));
  }

  testing::TempDir dir_;
  testing::TestChain chain_ = testing::MakeTestChain();
};

TEST_F(NodeServiceValidatorKeyTest, AKeyInNeitherSetIsRefused) {
  auto refused = NodeService::Open(dir_.path(), NodeConfig{}, testing::KeyFromByte(0x44));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "node.not_a_validator");
}

TEST_F(NodeServiceValidatorKeyTest, AValidatorAdmittedAfterGenesisOpensWithItsKey) {
  const crypto::SigningKey admitted = testing::KeyFromByte(0x45);
  ASSERT_NO_FATAL_FAILURE(CommitAddValidator(admitted.public_key()));
  auto opened = NodeService::Open(dir_.path(), NodeConfig{}, testing::KeyFromByte(0x45));
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_TRUE((*opened)->produces_blocks());
  opened->reset();  // the store's lock, before the next Open
  auto other = NodeService::Open(dir_.path(), NodeConfig{}, testing::KeyFromByte(0x46));
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, "node.not_a_validator");
}

}  // namespace
}  // namespace jobcard::node
