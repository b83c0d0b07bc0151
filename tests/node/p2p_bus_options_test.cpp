// node.json + genesis -> TcpBusOptions (node/p2p/bus_options.h).
#include <gtest/gtest.h>

#include "node/p2p/bus_options.h"
#include "tests/support/fixtures.h"

namespace jobcard::node::p2p {
namespace {

TEST(BusOptions, SplitHostPortHandlesIpv4Ipv6AndNames) {
  auto v4 = SplitHostPort("10.0.0.5:26656");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->first, "10.0.0.5");
  EXPECT_EQ(v4->second, 26656);
  auto v6 = SplitHostPort("[::1]:7");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->first, "::1");
  EXPECT_EQ(v6->second, 7);
  auto name = SplitHostPort("validator-2.example:26656");
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(name->first, "validator-2.example");
  for (const char* bad : {"", ":1", "host", "host:", "host:65536", "host:12a", "[]:5"}) {
    auto r = SplitHostPort(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "config.invalid");
  }
}

TEST(BusOptions, AllowedKeysAreValidatorsAndObservers) {
  ledger::Genesis genesis;
  genesis.chain_id = "jobcard-test";
  genesis.validators = {{jobcard::testing::KeyFromByte(1).public_key(), 1, "v1"},
                        {jobcard::testing::KeyFromByte(2).public_key(), 1, "v2"}};
  NodeConfig config;
  config.p2p_listen = "0.0.0.0:26656";
  config.p2p_peers = {{"127.0.0.1:26001", jobcard::testing::KeyFromByte(2).public_key()}};
  config.p2p_observer_keys = {jobcard::testing::KeyFromByte(9).public_key()};
  auto options = TcpBusOptionsFor(config, genesis);
  ASSERT_TRUE(options.ok()) << options.error().message;
  EXPECT_EQ(options->chain_id, "jobcard-test");
  EXPECT_EQ(options->listen_host, "0.0.0.0");
  EXPECT_EQ(options->listen_port, 26656);
  ASSERT_EQ(options->peers.size(), 1u);
  EXPECT_EQ(options->peers[0].host, "127.0.0.1");
  EXPECT_EQ(options->peers[0].port, 26001);
  EXPECT_EQ(options->peers[0].key, jobcard::testing::KeyFromByte(2).public_key());
  const std::vector<crypto::PublicKey> expected = {jobcard::testing::KeyFromByte(1).public_key(),
                                                   jobcard::testing::KeyFromByte(2).public_key(),
                                                   jobcard::testing::KeyFromByte(9).public_key()};
  EXPECT_EQ(options->allowed_keys, expected);
}

}  // namespace
}  // namespace jobcard::node::p2p
