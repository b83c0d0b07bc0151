// GrowOnlyMap (ledger/grow_only_map.h): random inserts, assignments and
// look-ups agree with std::unordered_map, also when every key collides, and
// across growth and Clear.
#include "ledger/grow_only_map.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace jobcard::ledger {
namespace {

using Key = std::array<std::uint8_t, 33>;

struct GoodHash {
  std::size_t operator()(const Key& key) const {
    return std::hash<std::string_view>{}(std::string_view(reinterpret_cast<const char*>(key.data()), key.size()));
  }
};
// Every key in one of four slots, with one tag: probing does all the work.
struct CollidingHash {
  std::size_t operator()(const Key& key) const { return key[0] % 4; }
};
struct KeyHash {
  std::size_t operator()(const Key& key) const { return GoodHash{}(key); }
};

Key KeyOf(std::uint32_t n) {
  Key key{};
  for (int i = 0; i < 4; ++i) key[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(n >> (8 * i));
  key[32] = static_cast<std::uint8_t>(n * 7);
  return key;
}

template <typename Hash>
void AgreesWithUnorderedMap(std::uint32_t seed, std::uint32_t key_space, int operations) {
  std::mt19937 rng(seed);
  GrowOnlyMap<Key, int, Hash> map;
  std::unordered_map<Key, int, KeyHash> reference;
  std::vector<Key> order;  // the reference's insertion order
  for (int op = 0; op < operations; ++op) {
    const Key key = KeyOf(rng() % key_space);
    const int choice = static_cast<int>(rng() % 100);
    if (choice < 50) {
      auto [value, inserted] = map.TryEmplace(key);
      const bool new_in_reference = reference.find(key) == reference.end();
      ASSERT_EQ(inserted, new_in_reference) << "op " << op;
      if (inserted) {
        EXPECT_EQ(*value, 0) << "a new value is value-initialised";
        order.push_back(key);
      }
      *value = op;
      reference[key] = op;
    } else if (choice < 99) {
      const int* value = map.Find(key);
      auto it = reference.find(key);
      ASSERT_EQ(value != nullptr, it != reference.end()) << "op " << op;
      if (value) {
        EXPECT_EQ(*value, it->second);
      }
    } else {
      map.Clear();
      reference.clear();
      order.clear();
    }
    ASSERT_EQ(map.size(), reference.size());
  }
  std::vector<Key> visited;
  map.ForEach([&](const Key& key, int value) {
    visited.push_back(key);
    EXPECT_EQ(value, reference.at(key));
  });
  EXPECT_EQ(visited, order) << "ForEach visits in insertion order";
}

TEST(GrowOnlyMapTest, AgreesWithUnorderedMapOverRandomOperations) {
  for (std::uint32_t seed = 1; seed <= 5; ++seed) AgreesWithUnorderedMap<GoodHash>(seed, 3000, 20000);
}

TEST(GrowOnlyMapTest, AgreesWhenEveryKeyCollides) {
  for (std::uint32_t seed = 1; seed <= 3; ++seed) AgreesWithUnorderedMap<CollidingHash>(seed, 300, 5000);
}

TEST(GrowOnlyMapTest, AnEmptyMapFindsNothingAndKeysSurviveGrowth) {
  GrowOnlyMap<Key, int, GoodHash> map;
  EXPECT_EQ(map.Find(KeyOf(1)), nullptr);
  EXPECT_TRUE(map.empty());
  for (std::uint32_t n = 0; n < 100000; ++n) *map.TryEmplace(KeyOf(n)).first = static_cast<int>(n);
  ASSERT_EQ(map.size(), 100000u);
  for (std::uint32_t n = 0; n < 100000; n += 997) {
    const int* value = map.Find(KeyOf(n));
    ASSERT_NE(value, nullptr) << n;
    EXPECT_EQ(*value, static_cast<int>(n));
  }
  EXPECT_EQ(map.Find(KeyOf(100000)), nullptr);
  map.Clear();
  EXPECT_TRUE(map.empty());
  EXPECT_EQ(map.Find(KeyOf(5)), nullptr);
  EXPECT_TRUE(map.TryEmplace(KeyOf(5)).second);
}

}  // namespace
}  // namespace jobcard::ledger
