// FixedBytesLess orders exactly as std::less (so maps keyed by it iterate in
// the same order, and execution and commit write the same bytes), and
// FixedBytesHash spreads keys that share their first bytes.
#include "crypto/fixed_bytes_keys.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <random>
#include <unordered_set>
#include <vector>

namespace jobcard::crypto {
namespace {

TEST(FixedBytesLess, OrdersAsStdLessOnRandomAndNearKeys) {
  std::mt19937_64 rng(7);
  std::vector<Hash32> keys;
  for (int i = 0; i < 2000; ++i) {
    Hash32 k{};
    for (auto& b : k) b = static_cast<std::uint8_t>(rng());
    keys.push_back(k);
    // Keys equal in their first 8 bytes, or in all but the last: the memcmp part decides.
    Hash32 near = k;
    near[8 + rng() % 24] ^= static_cast<std::uint8_t>(1 + rng() % 255);
    keys.push_back(near);
    Hash32 last = k;
    last[31] ^= 0x80;
    keys.push_back(last);
    Hash32 first = k;
    first[0] ^= 0x80;  // the top bit: a signed or little-endian compare gets it wrong
    keys.push_back(first);
  }
  for (std::size_t i = 0; i + 1 < keys.size(); ++i) {
    for (std::size_t j : {i + 1, (i * 7919) % keys.size()}) {
      EXPECT_EQ(FixedBytesLess{}(keys[i], keys[j]), std::less<Hash32>{}(keys[i], keys[j])) << i << " " << j;
      EXPECT_EQ(FixedBytesLess{}(keys[j], keys[i]), std::less<Hash32>{}(keys[j], keys[i])) << i << " " << j;
    }
  }
  auto sorted = keys, expected = keys;
  std::sort(sorted.begin(), sorted.end(), FixedBytesLess{});
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(sorted, expected);
  EXPECT_FALSE(FixedBytesLess{}(keys[0], keys[0]));
}

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
