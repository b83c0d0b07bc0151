// NodeService::Open's rules for the transport: a genesis with several
// validators needs peers in node.json; a node on a transport without a
// validator key needs a node key; a single validator without peers runs as
// before (no transport).
#include <gtest/gtest.h>

#include <fstream>

#include "ledger/genesis.h"
#include "node/node_service.h"
#include "tests/support/chain_fixture.h"
#include "tests/support/fixtures.h"
#include "tests/support/temp_dir.h"

namespace jobcard::node {
namespace {

class NodeServiceTransportTest : public ::testing::Test {
 protected:
  // Writes `genesis` into the home and returns a node.json with defaults.
  NodeConfig Home(const ledger::Genesis& genesis) {
    std::ofstream(dir_.path() / "genesis.json") << ledger::GenesisToJson(genesis).dump();
    return NodeConfig{};
  }
  testing::TempDir dir_;
  testing::TestChain chain_ = testing::MakeTestChain();
};

TEST_F(NodeServiceTransportTest, TransportIsOnOnlyWithPeersOrObservers) {
  NodeConfig config;
  EXPECT_FALSE(UsesTransport(config));
  config.p2p_observer_keys.push_back(testing::KeyFromByte(9).public_key());
  EXPECT_TRUE(UsesTransport(config));
  config.p2p_observer_keys.clear();
  config.p2p_peers.push_back({"127.0.0.1:26656", testing::KeyFromByte(8).public_key()});
  EXPECT_TRUE(UsesTransport(config));
}

TEST_F(NodeServiceTransportTest, SingleValidatorWithoutPeersOpens) {
  NodeConfig config = Home(chain_.genesis);
  auto service = NodeService::Open(dir_.path(), config, std::move(chain_.validator));
  ASSERT_TRUE(service.ok()) << service.error().message;
  EXPECT_TRUE((*service)->produces_blocks());
}

TEST_F(NodeServiceTransportTest, SeveralValidatorsNeedPeers) {
  crypto::SigningKey second = testing::KeyFromByte(7);
  chain_.genesis.validators.push_back({second.public_key(), 1, "validator-1"});
  NodeConfig config = Home(chain_.genesis);
  auto refused = NodeService::Open(dir_.path(), config, testing::KeyFromByte(7));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "node.needs_consensus");

  config.p2p_peers.push_back({"127.0.0.1:26656", chain_.validator.public_key()});
  auto opened = NodeService::Open(dir_.path(), config, testing::KeyFromByte(7));
  EXPECT_TRUE(opened.ok()) << opened.error().message;
}

TEST_F(NodeServiceTransportTest, FollowerOnATransportNeedsANodeKey) {
  NodeConfig config = Home(chain_.genesis);
  config.p2p_peers.push_back({"127.0.0.1:26656", chain_.validator.public_key()});
  auto refused = NodeService::Open(dir_.path(), config, std::nullopt);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "node.no_node_key");
  auto opened = NodeService::Open(dir_.path(), config, std::nullopt, testing::KeyFromByte(6));
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_FALSE((*opened)->produces_blocks());
}

TEST_F(NodeServiceTransportTest, BadPeerAddressIsRefusedAtOpen) {
  NodeConfig config = Home(chain_.genesis);
  config.p2p_peers.push_back({"no-port", chain_.validator.public_key()});
  auto refused = NodeService::Open(dir_.path(), config, std::move(chain_.validator));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "config.invalid");
}

}  // namespace
}  // namespace jobcard::node
