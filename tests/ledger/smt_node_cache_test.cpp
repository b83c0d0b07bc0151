#include "ledger/smt_node_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

namespace jobcard::ledger {
namespace {

Hash32 Filled(std::uint8_t a, std::uint8_t b = 0) {
  Hash32 h{};
  h.fill(a);
  h[31] = b;
  return h;
}

SmtNode LeafNode(std::uint8_t i) { return SmtLeaf{Filled(i, 1), Filled(i, 2)}; }
SmtNode InternalNode(std::uint8_t i) { return SmtInternal{Filled(i, 3), Filled(i, 4)}; }

// A cache of one set (kWays nodes): every node competes for the same ways.
SmtNodeCache OneSet() { return SmtNodeCache(1); }

TEST(SmtNodeCache, ReturnsLeavesAndInternalNodesAsInsertedAndMissesOthers) {
  SmtNodeCache cache(1 << 20);
  cache.Insert(Filled(1), LeafNode(1));
  cache.Insert(Filled(2), InternalNode(2));
  EXPECT_EQ(cache.Get(Filled(1)), LeafNode(1));
  EXPECT_EQ(cache.Get(Filled(2)), InternalNode(2));
  EXPECT_EQ(cache.Get(Filled(3)), std::nullopt);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.hits(), 2u);
  EXPECT_EQ(cache.misses(), 1u);
}

TEST(SmtNodeCache, HoldsAboutItsBudgetInWholeSets) {
  const std::size_t budget = 1 << 20;
  SmtNodeCache cache(budget);
  EXPECT_EQ(cache.capacity() % SmtNodeCache::kWays, 0u);
  EXPECT_LE(cache.capacity() * SmtNodeCache::SlotBytes(), budget);
  EXPECT_GT(cache.capacity() * SmtNodeCache::SlotBytes(), budget / 3);  // a power of two of sets: about half or more
  EXPECT_EQ(OneSet().capacity(), SmtNodeCache::kWays);
}

TEST(SmtNodeCache, AFullSetForgetsANodeNotReadSinceTheHandPassed) {
  SmtNodeCache cache = OneSet();
  for (std::uint8_t i = 1; i <= 4; ++i) cache.Insert(Filled(i), LeafNode(i));
  ASSERT_EQ(cache.size(), 4u);
  ASSERT_EQ(cache.Get(Filled(1)), LeafNode(1));  // read: kept one more round
  cache.Insert(Filled(5), LeafNode(5));          // the hand passes 1 and takes 2
  EXPECT_EQ(cache.Get(Filled(2)), std::nullopt);
  EXPECT_EQ(cache.Get(Filled(1)), LeafNode(1));
  EXPECT_EQ(cache.Get(Filled(5)), LeafNode(5));
  EXPECT_EQ(cache.size(), 4u);
}

TEST(SmtNodeCache, ANodeAlreadyHeldIsNotInsertedTwice) {
  SmtNodeCache cache = OneSet();
  for (std::uint8_t i = 1; i <= 4; ++i) cache.Insert(Filled(i), InternalNode(i));
  cache.Insert(Filled(3), InternalNode(3));
  cache.Insert(Filled(4), InternalNode(4));
  for (std::uint8_t i = 1; i <= 4; ++i) EXPECT_EQ(cache.Get(Filled(i)), InternalNode(i)) << int(i);
}

TEST(SmtNodeCache, EverySetIsBoundedWhateverIsInserted) {
  SmtNodeCache cache(64 * SmtNodeCache::SlotBytes());
  for (int i = 0; i < 2000; ++i) {
    Hash32 h{};
    h[0] = static_cast<std::uint8_t>(i);
    h[1] = static_cast<std::uint8_t>(i >> 8);
    cache.Insert(h, LeafNode(static_cast<std::uint8_t>(i)));
  }
  EXPECT_EQ(cache.size(), cache.capacity());
}

// Readers on other threads while the block loop inserts: a read returns the
// node of its hash or nothing, never a mix of two slots' bytes.
TEST(SmtNodeCache, ConcurrentReadersSeeWholeNodesOrNothing) {
  SmtNodeCache cache(8 * SmtNodeCache::SlotBytes());  // small: constant eviction
  std::atomic<bool> wrong{false};
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    for (int round = 0; round < 200000 && !stop.load(); ++round) {
      const auto i = static_cast<std::uint8_t>(round % 64);
      if (auto node = cache.Get(Filled(i)); node && *node != LeafNode(i)) wrong = true;
    }
  });
  for (int round = 0; round < 200000; ++round) {
    const auto i = static_cast<std::uint8_t>(round % 64);
    cache.Insert(Filled(i), LeafNode(i));
  }
  stop = true;
  reader.join();
  EXPECT_FALSE(wrong.load());
  EXPECT_GT(cache.hits() + cache.misses(), 0u);
}

}  // namespace
}  // namespace jobcard::ledger
