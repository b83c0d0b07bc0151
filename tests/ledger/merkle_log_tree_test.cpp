// MerkleLog over a store: batched appends, the exact writes and bounded
// reads, errors, and logs near 2^64 - 1 leaves.
#include "ledger/merkle_log_tree.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <set>
#include <utility>
#include <vector>

#include "ledger/merkle_log.h"
#include "tests/ledger/merkle_test_util.h"

namespace jobcard::ledger {
namespace {

using testing::BuildLogOneByOne;
using testing::BuiltLog;
using testing::Code;
using testing::CountingStore;
using testing::LeafData;
using testing::LeafDataRange;
using testing::UniformStore;

std::vector<Hash32> LeafHashes(std::uint64_t begin, std::uint64_t end) {
  std::vector<Hash32> out;
  for (std::uint64_t i = begin; i < end; ++i) out.push_back(LeafHash(LeafData(i)));
  return out;
}

TEST(MerkleLogAppend, BatchesGiveTheSameRootsAndNodesAsOneByOne) {
  constexpr std::uint64_t kTotal = 300;
  const BuiltLog single = BuildLogOneByOne(LeafDataRange(kTotal));
  const std::vector<std::vector<std::uint64_t>> patterns = {
      {kTotal},
      {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24},
      {0, 7, 0, 13, 1, 43, 64, 128, 44},
      {63, 1, 64, 2, 126, 44},
      {255, 1, 1, 43},
  };
  for (const auto& pattern : patterns) {
    MemoryLogNodeStore store;
    std::uint64_t size = 0;
    for (std::uint64_t batch : pattern) {
      SCOPED_TRACE("batch of " + std::to_string(batch) + " at " + std::to_string(size));
      auto appended = MerkleLog::Append(store, size, LeafHashes(size, size + batch));
      ASSERT_TRUE(appended.ok()) << appended.error().message;
      store.Apply(appended->writes);
      size = appended->new_size;
      ASSERT_LE(size, kTotal);
      EXPECT_EQ(appended->root, single.roots[size]);
    }
    ASSERT_EQ(size, kTotal);
    EXPECT_EQ(store.node_count(), single.store.node_count());
    for (const LogNodeWrite& write : single.all_writes) {
      EXPECT_EQ(store.Get(write.id.level, write.id.index), write.hash);
    }
  }
}

TEST(MerkleLogAppend, WritesExactlyTheNewlyCompleteSubtreesAfterLogarithmicReads) {
  constexpr std::uint64_t kMax = 80;
  const BuiltLog log = BuildLogOneByOne(LeafDataRange(kMax));
  for (std::uint64_t old_size = 0; old_size <= kMax; ++old_size) {
    for (std::uint64_t new_size = old_size; new_size <= kMax; ++new_size) {
      CountingStore counting(log.store);  // nodes beyond old_size are never read
      auto appended = MerkleLog::Append(counting, old_size, LeafHashes(old_size, new_size));
      ASSERT_TRUE(appended.ok()) << appended.error().message;
      EXPECT_EQ(counting.reads, static_cast<std::size_t>(std::popcount(old_size)));
      EXPECT_EQ(appended->root, log.roots[new_size]);

      // Brute force: the complete subtrees that end in (old_size, new_size].
      std::set<std::pair<std::uint8_t, std::uint64_t>> want;
      for (std::uint8_t level = 0; (std::uint64_t{1} << level) <= new_size; ++level) {
        for (std::uint64_t index = 0; (index + 1) << level <= new_size; ++index) {
          if ((index + 1) << level > old_size) want.insert({level, index});
        }
      }
      std::set<std::pair<std::uint8_t, std::uint64_t>> got;
      for (const LogNodeWrite& write : appended->writes) {
        EXPECT_TRUE(got.insert({write.id.level, write.id.index}).second) << "written twice";
        EXPECT_EQ(log.store.Get(write.id.level, write.id.index), write.hash);
      }
      EXPECT_EQ(got, want) << old_size << " -> " << new_size;
    }
  }
}

TEST(MerkleLogProofs, ServeEveryHistoricalSizeWithLogarithmicReads) {
  constexpr std::uint64_t kSize = 200;
  const BuiltLog log = BuildLogOneByOne(LeafDataRange(kSize));
  for (std::uint64_t n = 1; n <= kSize; ++n) {
    const std::size_t read_bound = 2 * static_cast<std::size_t>(std::bit_width(n));
    for (std::uint64_t i = 0; i < n; ++i) {
      CountingStore counting(log.store);
      auto proof = MerkleLog::InclusionProof(counting, log.size, i, n);
      ASSERT_TRUE(proof.ok()) << proof.error().message;
      EXPECT_LE(counting.reads, read_bound) << i << " in " << n;
      EXPECT_TRUE(VerifyInclusion(LeafHash(LeafData(i)), i, n, *proof, log.roots[n]).ok());
    }
    for (std::uint64_t m = 0; m <= n; ++m) {
      CountingStore counting(log.store);
      auto proof = MerkleLog::ConsistencyProof(counting, log.size, m, n);
      ASSERT_TRUE(proof.ok()) << proof.error().message;
      EXPECT_LE(counting.reads, read_bound) << m << " to " << n;
      EXPECT_TRUE(VerifyConsistency(m, n, log.roots[m], log.roots[n], *proof).ok());
    }
    CountingStore counting(log.store);
    auto root = MerkleLog::Root(counting, log.size, n);
    ASSERT_TRUE(root.ok());
    EXPECT_EQ(*root, log.roots[n]);
    EXPECT_EQ(counting.reads, static_cast<std::size_t>(std::popcount(n)));
  }
}

TEST(MerkleLogErrors, RequestsBeyondTheLogOrMissingNodesAreErrors) {
  const BuiltLog log = BuildLogOneByOne(LeafDataRange(10));
  EXPECT_EQ(Code(MerkleLog::Root(log.store, 10, 11)), "merkle.bad_size");
  EXPECT_EQ(Code(MerkleLog::InclusionProof(log.store, 10, 0, 11)), "merkle.bad_size");
  EXPECT_EQ(Code(MerkleLog::InclusionProof(log.store, 10, 7, 7)), "merkle.bad_index");
  EXPECT_EQ(Code(MerkleLog::InclusionProof(log.store, 10, 0, 0)), "merkle.bad_index");
  EXPECT_EQ(Code(MerkleLog::ConsistencyProof(log.store, 10, 3, 11)), "merkle.bad_size");
  EXPECT_EQ(Code(MerkleLog::ConsistencyProof(log.store, 10, 4, 3)), "merkle.bad_size");
  EXPECT_EQ(Code(MerkleLog::Root(log.store, 10, 0)), "ok");

  // A store that does not hold what the size claims: corruption, reported.
  const MemoryLogNodeStore empty;
  EXPECT_EQ(Code(MerkleLog::Append(empty, 5, LeafHashes(5, 6))), "merkle.missing_node");
  EXPECT_EQ(Code(MerkleLog::Root(empty, 5, 5)), "merkle.missing_node");
  EXPECT_EQ(Code(MerkleLog::InclusionProof(empty, 5, 1, 5)), "merkle.missing_node");
  EXPECT_EQ(Code(MerkleLog::ConsistencyProof(empty, 5, 3, 5)), "merkle.missing_node");
  EXPECT_EQ(Code(MerkleLog::Root(log.store, 12, 12)), "merkle.missing_node");

  auto nothing = MerkleLog::Append(log.store, 10, {});
  ASSERT_TRUE(nothing.ok());
  EXPECT_EQ(nothing->new_size, 10u);
  EXPECT_EQ(nothing->root, log.roots[10]);
  EXPECT_TRUE(nothing->writes.empty());
}

// MTH of n uniform leaves by the RFC's split, from UniformStore's level hashes.
Hash32 UniformRoot(const UniformStore& store, std::uint64_t n) {
  if (std::has_single_bit(n)) return store.level_hash(static_cast<unsigned>(std::countr_zero(n)));
  const std::uint64_t k = std::bit_floor(n - 1);
  return NodeHash(UniformRoot(store, k), UniformRoot(store, n - k));
}

TEST(MerkleLogHuge, SizesUpToTwoToTheSixtyFourMinusOne) {
  constexpr std::uint64_t kFull = UINT64_MAX;
  const Hash32 leaf = LeafHash(AsBytes("same"));
  const UniformStore store(leaf, kFull);

  const std::vector<std::uint64_t> sizes = {1,           3,           (1ull << 63) - 1, 1ull << 63,
                                            kFull - 1,   kFull,       0xAAAAAAAAAAAAAAAAull};
  for (std::uint64_t n : sizes) {
    auto root = MerkleLog::Root(store, kFull, n);
    ASSERT_TRUE(root.ok());
    EXPECT_EQ(*root, UniformRoot(store, n)) << n;
  }
  auto root = [&](std::uint64_t n) { return UniformRoot(store, n); };

  for (std::uint64_t index : {std::uint64_t{0}, kFull / 2, kFull - 2, kFull - 1}) {
    auto proof = MerkleLog::InclusionProof(store, kFull, index, kFull);
    ASSERT_TRUE(proof.ok()) << proof.error().message;
    EXPECT_LE(proof->size(), kMaxInclusionProofHashes);
    EXPECT_EQ(Code(VerifyInclusion(leaf, index, kFull, *proof, root(kFull))), "ok") << index;
  }
  EXPECT_EQ(InclusionProofLength(0, kFull), kMaxInclusionProofHashes);

  // (3, 2^64 - 1) needs the longest consistency proof there is.
  auto longest = MerkleLog::ConsistencyProof(store, kFull, 3, kFull);
  ASSERT_TRUE(longest.ok()) << longest.error().message;
  EXPECT_EQ(longest->size(), kMaxConsistencyProofHashes);
  EXPECT_EQ(Code(VerifyConsistency(3, kFull, root(3), root(kFull), *longest)), "ok");
  for (auto [m, n] : std::vector<std::pair<std::uint64_t, std::uint64_t>>{
           {1, kFull}, {1ull << 63, kFull}, {kFull - 1, kFull}, {5, (1ull << 63) + 1}}) {
    auto proof = MerkleLog::ConsistencyProof(store, kFull, m, n);
    ASSERT_TRUE(proof.ok()) << proof.error().message;
    EXPECT_EQ(Code(VerifyConsistency(m, n, root(m), root(n), *proof)), "ok") << m << " " << n;
  }

  // The last leaf a log can take, then no more.
  const UniformStore almost(leaf, kFull - 1);
  auto last = MerkleLog::Append(almost, kFull - 1, {leaf});
  ASSERT_TRUE(last.ok()) << last.error().message;
  EXPECT_EQ(last->new_size, kFull);
  EXPECT_EQ(last->root, root(kFull));
  EXPECT_EQ(last->writes.size(), 1u);  // 2^64 - 1 is odd: the leaf completes nothing
  EXPECT_EQ(Code(MerkleLog::Append(store, kFull, {leaf})), "merkle.log_full");
  EXPECT_EQ(Code(MerkleLog::Append(almost, kFull - 1, {leaf, leaf})), "merkle.log_full");
}

TEST(MerkleLogHuge, ProofLengthsNeverExceedTheBounds) {
  // Spread over every bit width; the bounds are reached as tested above.
  std::uint64_t x = 0x9E3779B97F4A7C15ull;
  for (int round = 0; round < 20000; ++round) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    const std::uint64_t n = x >> (round % 64);
    if (n == 0) continue;
    const std::uint64_t m = (x * 0x2545F4914F6CDD1Dull) % n + 1;  // 1..n
    EXPECT_LE(InclusionProofLength(m - 1, n), kMaxInclusionProofHashes);
    EXPECT_LE(ConsistencyProofLength(m, n), kMaxConsistencyProofHashes);
  }
}

}  // namespace
}  // namespace jobcard::ledger
