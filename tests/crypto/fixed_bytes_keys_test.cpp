// FixedBytesHash spreads keys that share their first bytes.
#include "crypto/fixed_bytes_keys.h"

#include <gtest/gtest.h>

#include <unordered_set>

namespace jobcard::crypto {
namespace {

TEST(FixedBytesHash, KeysSharingTheirFirstBytesStillSpread) {
  // Keys alike in their first 8 bytes (as a grinder would make them) differ
  // in bytes 8..15, which the hash mixes in too.
  std::unordered_set<std::size_t> hashes;
  for (std::uint32_t i = 0; i < 1000; ++i) {
    Hash32 k{};
    k[8] = static_cast<std::uint8_t>(i);
    k[9] = static_cast<std::uint8_t>(i >> 8);
    hashes.insert(FixedBytesHash{}(k));
  }
  EXPECT_EQ(hashes.size(), 1000u);
  // Equal keys, equal hashes.
  Hash32 a{}, b{};
  a[3] = b[3] = 9;
  EXPECT_EQ(FixedBytesHash{}(a), FixedBytesHash{}(b));
}

}  // namespace
}  // namespace jobcard::crypto
