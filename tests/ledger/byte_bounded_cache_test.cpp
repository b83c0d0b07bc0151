#include "ledger/byte_bounded_cache.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <map>
#include <string>

namespace jobcard::ledger {
namespace {

std::size_t LengthOf(const std::string& s) { return s.size(); }

TEST(ByteBoundedCache, EvictsTheLeastRecentlyUsedPastTheBudget) {
  ByteBoundedCache<int, std::string> cache(10, &LengthOf);
  cache.Insert(1, "aaaa");
  cache.Insert(2, "bbbb");
  ASSERT_EQ(cache.Get(1), "aaaa");  // 1 is now the most recently used
  cache.Insert(3, "cccc");          // 12 bytes > 10: 2 goes
  EXPECT_EQ(cache.Get(2), std::nullopt);
  EXPECT_EQ(cache.Get(1), "aaaa");
  EXPECT_EQ(cache.Get(3), "cccc");
  EXPECT_EQ(cache.bytes(), 8u);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.hits(), 3u);
  EXPECT_EQ(cache.misses(), 1u);
}

TEST(ByteBoundedCache, ReplacingAValueRechargesItsBytes) {
  ByteBoundedCache<int, std::string> cache(10, &LengthOf);
  cache.Insert(1, "aaaaaaaa");
  cache.Insert(1, "a");
  cache.Insert(2, "bbbbbbbbb");
  EXPECT_EQ(cache.bytes(), 10u);
  EXPECT_EQ(cache.Get(1), "a");
}

// A replacement takes the old entry's place in the index and moves it to
// the front: the entry that was not touched is the one evicted.
TEST(ByteBoundedCache, ReplacingAValueMakesItTheMostRecentlyUsed) {
  ByteBoundedCache<int, std::string> cache(10, &LengthOf);
  cache.Insert(1, "aaaa");
  cache.Insert(2, "bbbb");
  cache.Insert(1, "AAAA");  // 1 is now the most recently used
  cache.Insert(3, "cccc");  // 12 bytes > 10: 2 goes
  EXPECT_EQ(cache.Get(2), std::nullopt);
  EXPECT_EQ(cache.Get(1), "AAAA");
  EXPECT_EQ(cache.Get(3), "cccc");
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.bytes(), 8u);
}

TEST(ByteBoundedCache, AReplacementLargerThanTheBudgetDropsTheOldValue) {
  ByteBoundedCache<int, std::string> cache(4, &LengthOf);
  cache.Insert(1, "aa");
  cache.Insert(2, "bb");
  cache.Insert(1, "aaaaaa");  // the stale "aa" must not stay behind
  EXPECT_EQ(cache.Get(1), std::nullopt);
  EXPECT_EQ(cache.Get(2), "bb");
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.bytes(), 2u);
}

// UpdateFrom is Update for values the caller keeps: it copies them in and
// starts a new generation, so a read from before it cannot be offered back.
TEST(ByteBoundedCache, UpdateFromCopiesTheCommittedValuesAndStartsAGeneration) {
  ByteBoundedCache<int, std::string> cache(100, &LengthOf);
  cache.Insert(1, "old");
  const std::uint64_t before = cache.generation();
  const std::map<int, std::string> committed{{1, "newer"}, {2, "two"}};
  cache.UpdateFrom([&](auto put) {
    for (const auto& [key, value] : committed) put(key, value);
  });
  EXPECT_EQ(committed.at(1), "newer");  // copied, not moved from
  EXPECT_GT(cache.generation(), before);
  cache.InsertIfUnchanged(2, "stale", before);
  EXPECT_EQ(cache.Get(1), "newer");
  EXPECT_EQ(cache.Get(2), "two");
  EXPECT_EQ(cache.bytes(), 8u);
}

TEST(ByteBoundedCache, AValueLargerThanTheBudgetIsNotKept) {
  ByteBoundedCache<int, std::string> cache(4, &LengthOf);
  cache.Insert(1, "aa");
  cache.Insert(2, "bbbbbb");
  EXPECT_EQ(cache.Get(2), std::nullopt);
  EXPECT_EQ(cache.Get(1), "aa");
}

TEST(ByteBoundedCache, AValueReadBeforeACommitCannotShadowTheCommittedOne) {
  ByteBoundedCache<int, std::string> cache(100, &LengthOf);
  const std::uint64_t before = cache.generation();  // a reader misses and reads the old value...
  cache.Update(std::map<int, std::string>{{1, "new"}});  // ...while a commit writes the new one
  cache.InsertIfUnchanged(1, "old", before);           // the late reader offers the old value
  EXPECT_EQ(cache.Get(1), "new");
  cache.InsertIfUnchanged(2, "fresh", cache.generation());
  EXPECT_EQ(cache.Get(2), "fresh");
}

// GetOrRead keeps the same rule: a read overtaken by a commit is returned to
// its caller but not cached; a read that was not is cached, and a miss is not.
TEST(ByteBoundedCache, GetOrReadDoesNotCacheAReadOvertakenByACommit) {
  ByteBoundedCache<int, std::string> cache(100, &LengthOf);
  auto overtaken = cache.GetOrRead(1, [&] {
    cache.Update(std::map<int, std::string>{{2, "other"}});  // a commit lands during the read
    return std::optional<std::string>("old");
  });
  EXPECT_EQ(overtaken, "old");
  EXPECT_EQ(cache.size(), 1u);  // only the committed value
  int reads = 0;
  auto read = [&] {
    ++reads;
    return std::optional<std::string>("kept");
  };
  EXPECT_EQ(cache.GetOrRead(1, read), "kept");
  EXPECT_EQ(cache.GetOrRead(1, read), "kept");
  EXPECT_EQ(reads, 1);
  EXPECT_EQ(cache.GetOrRead(3, [] { return std::optional<std::string>(); }), std::nullopt);
  EXPECT_EQ(cache.size(), 2u);
}

// The index hashes the key's bytes: keys differing only in their last byte,
// or in a byte of a struct key, stay distinct entries.
TEST(ByteBoundedCache, KeysThatDifferInOneByteAreDistinct) {
  using Key = std::array<std::uint8_t, 32>;
  ByteBoundedCache<Key, std::string> cache(100, &LengthOf);
  Key a{}, b{};
  b[31] = 1;
  cache.Insert(a, "a");
  cache.Insert(b, "b");
  EXPECT_EQ(cache.Get(a), "a");
  EXPECT_EQ(cache.Get(b), "b");
  struct Digits {
    std::array<char, 13> digits{};
    bool operator==(const Digits&) const = default;
  };
  ByteBoundedCache<Digits, std::string> by_struct(100, &LengthOf);
  Digits one{}, two{};
  one.digits.fill('1');
  two.digits = one.digits;
  two.digits[0] = '2';
  by_struct.Insert(one, "one");
  EXPECT_EQ(by_struct.Get(two), std::nullopt);
  by_struct.Insert(two, "two");
  EXPECT_EQ(by_struct.Get(one), "one");
  EXPECT_EQ(by_struct.size(), 2u);
}

}  // namespace
}  // namespace jobcard::ledger
