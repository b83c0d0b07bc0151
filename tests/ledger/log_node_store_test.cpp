#include "ledger/log_node_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace jobcard::ledger {
namespace {

TEST(LogNodeKey, IsLevelThenBigEndianIndex) {
  const auto key = EncodeLogNodeKey(LogNodeId{3, 0x0102030405060708ull});
  EXPECT_EQ(ToHex(key), "030102030405060708");
  auto back = DecodeLogNodeKey(key);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, (LogNodeId{3, 0x0102030405060708ull}));
}

TEST(LogNodeKey, ByteOrderIsLevelThenIndexOrder) {
  // RocksDB's default comparator is bytewise: a level's nodes must be
  // contiguous and in leaf order for range scans and tail appends.
  const std::vector<LogNodeId> ids = {{0, 0}, {0, 1}, {0, 255}, {0, 256}, {0, UINT64_MAX - 1},
                                      {1, 0}, {1, 7}, {63, 0}};
  for (std::size_t i = 0; i + 1 < ids.size(); ++i) {
    const auto a = EncodeLogNodeKey(ids[i]);
    const auto b = EncodeLogNodeKey(ids[i + 1]);
    EXPECT_TRUE(std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end())) << i;
  }
}

TEST(LogNodeKey, DecodeRejectsMalformedKeys) {
  const auto good = EncodeLogNodeKey(LogNodeId{0, 5});
  EXPECT_EQ(DecodeLogNodeKey(ByteView(good.data(), 8)).error().code, "merkle.bad_node_key");
  Bytes longer(good.begin(), good.end());
  longer.push_back(0);
  EXPECT_EQ(DecodeLogNodeKey(longer).error().code, "merkle.bad_node_key");

  auto level64 = good;
  level64[0] = 64;
  EXPECT_EQ(DecodeLogNodeKey(level64).error().code, "merkle.bad_node_key");

  // The last nodes a 2^64 - 1 leaf log can have at levels 0 and 63, and the
  // first ones past them.
  EXPECT_TRUE(DecodeLogNodeKey(EncodeLogNodeKey({0, UINT64_MAX - 1})).ok());
  EXPECT_FALSE(DecodeLogNodeKey(EncodeLogNodeKey({0, UINT64_MAX})).ok());
  EXPECT_TRUE(DecodeLogNodeKey(EncodeLogNodeKey({63, 0})).ok());
  EXPECT_FALSE(DecodeLogNodeKey(EncodeLogNodeKey({63, 1})).ok());
}

TEST(MemoryLogNodeStore, AppliesWritesIdempotently) {
  MemoryLogNodeStore store;
  Hash32 a{};
  a[0] = 1;
  Hash32 b{};
  b[0] = 2;
  EXPECT_FALSE(store.Get(0, 0).has_value());
  store.Apply({{{0, 0}, a}, {{1, 0}, b}});
  store.Apply({{{0, 0}, a}});  // rewriting the same node with the same hash is harmless
  EXPECT_EQ(store.Get(0, 0), a);
  EXPECT_EQ(store.Get(1, 0), b);
  EXPECT_FALSE(store.Get(0, 1).has_value());
  EXPECT_EQ(store.node_count(), 2u);
}

}  // namespace
}  // namespace jobcard::ledger
