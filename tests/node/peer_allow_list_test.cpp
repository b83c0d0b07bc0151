// The p2p allow-list as a function of the committed validator set
// (node/peer_allow_list.h). The node's use of it, on real processes, is
// ChaosTest.ValidatorSetChange* and ChaosTest.RotatedValidatorKey*.
#include "node/peer_allow_list.h"

#include <gtest/gtest.h>

#include "tests/support/fixtures.h"

namespace jobcard::node {
namespace {

using testing::KeyFromByte;

ledger::ValidatorRecord Validator(std::uint8_t byte) { return {KeyFromByte(byte).public_key(), 1, "v"}; }

TEST(PeerAllowList, IsTheSetAndTheObserversSortedWithoutRepeats) {
  const auto list = PeerAllowList({Validator(3), Validator(1)}, {KeyFromByte(2).public_key(), KeyFromByte(1).public_key()});
  ASSERT_EQ(list.size(), 3u);
  EXPECT_TRUE(std::is_sorted(list.begin(), list.end()));
  for (std::uint8_t byte : {1, 2, 3}) EXPECT_TRUE(AllowListHas(list, KeyFromByte(byte).public_key())) << int(byte);
  EXPECT_FALSE(AllowListHas(list, KeyFromByte(4).public_key()));
}

TEST(PeerAllowList, FollowsAdmissionAndRemoval) {
  const std::vector<crypto::PublicKey> observers = {KeyFromByte(9).public_key()};
  const auto before = PeerAllowList({Validator(1), Validator(2)}, observers);
  const auto admitted = PeerAllowList({Validator(1), Validator(2), Validator(5)}, observers);
  const auto removed = PeerAllowList({Validator(2), Validator(5)}, observers);
  EXPECT_NE(before, admitted);
  EXPECT_FALSE(AllowListHas(before, KeyFromByte(5).public_key()));
  EXPECT_TRUE(AllowListHas(admitted, KeyFromByte(5).public_key()));
  EXPECT_FALSE(AllowListHas(removed, KeyFromByte(1).public_key()));
  // An observer stays allowed whatever the set.
  EXPECT_TRUE(AllowListHas(removed, KeyFromByte(9).public_key()));
  // The same keys in another order: no change to hand the transport.
  EXPECT_EQ(removed, PeerAllowList({Validator(5), Validator(2)}, observers));
}

}  // namespace
}  // namespace jobcard::node
