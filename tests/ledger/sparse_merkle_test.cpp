#include "ledger/sparse_merkle.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "tests/ledger/smt_test_support.h"

namespace jobcard::ledger {
namespace {

using smt_test::FlipBit;
using smt_test::HashOf;
using smt_test::InterestingKey;
using smt_test::Model;
using smt_test::RandomBatch;
using smt_test::RandomHash;
using smt_test::ReferenceRoot;
using smt_test::Tree;

// Nodes reachable from `root`, counted by a walk of the whole tree.
std::size_t CountReachable(const SmtNodeStore& store, const Hash32& root) {
  if (root == kSmtEmptyHash) return 0;
  auto node = store.GetNode(root, SmtNodePosition{});  // a memory store ignores positions
  EXPECT_TRUE(node.ok()) << "missing " << ToHex(root);
  if (!node.ok()) return 0;
  if (std::holds_alternative<SmtLeaf>(*node)) return 1;
  const auto& internal = std::get<SmtInternal>(*node);
  return 1 + CountReachable(store, internal.left) + CountReachable(store, internal.right);
}

Hash32 ExpectGet(const SmtNodeStore& store, const Hash32& root, const Hash32& key) {
  auto got = SmtGet(store, root, key);
  EXPECT_TRUE(got.ok());
  EXPECT_TRUE(got.ok() && got->has_value());
  return got.ok() && got->has_value() ? **got : Hash32{};
}

TEST(SparseMerkle, EmptyTree) {
  MemorySmtNodeStore store;
  const Hash32 key = HashOf("anyone");
  auto got = SmtGet(store, kSmtEmptyRoot, key);
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->has_value());
  auto proof = SmtProve(store, kSmtEmptyRoot, key);
  ASSERT_TRUE(proof.ok());
  EXPECT_TRUE(proof->siblings.empty());
  EXPECT_TRUE(VerifySmtProof(kSmtEmptyRoot, key, std::nullopt, *proof).ok());
  EXPECT_EQ(ReferenceRoot({}), kSmtEmptyRoot);
}

// 50 seeds x 200 changes in random batches, with pruning, against the model.
TEST(SparseMerkle, RandomChangesMatchTheReference) {
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed);
    Tree tree;
    tree.prune = true;
    for (std::size_t changes = 0, batches = 0; changes < 200; ++batches) {
      const SmtChanges batch = RandomBatch(rng, tree.model, seed % 2 == 0 ? 1 : 12);
      changes += batch.size();
      tree.Apply(batch);
      ASSERT_EQ(ToHex(tree.root), ToHex(ReferenceRoot(tree.model)));
      // Writes and stale are exact: the store holds the latest tree and no
      // more. A miss would persist, so checking now and then is enough.
      if (batches % 10 == 0) {
        ASSERT_EQ(tree.store.size(), CountReachable(tree.store, tree.root));
      }
    }
    ASSERT_EQ(tree.store.size(), CountReachable(tree.store, tree.root));
    for (const auto& [key, value] : tree.model) {
      EXPECT_EQ(ExpectGet(tree.store, tree.root, key), value);
      auto absent = SmtGet(tree.store, tree.root, FlipBit(key, 255));
      ASSERT_TRUE(absent.ok());
      EXPECT_EQ(absent->has_value(), tree.model.contains(FlipBit(key, 255)));
    }
  }
}

TEST(SparseMerkle, RootIsIndependentOfOrderAndBatching) {
  std::mt19937_64 rng(7);
  Model target;
  while (target.size() < 300) target[InterestingKey(rng, target)] = RandomHash(rng);
  SmtChanges all(target.begin(), target.end());
  const Hash32 expected = ReferenceRoot(target);
  for (int round = 0; round < 6; ++round) {
    std::shuffle(all.begin(), all.end(), rng);
    Tree tree;
    for (std::size_t i = 0; i < all.size();) {
      const std::size_t n = round == 0 ? all.size() : std::min<std::size_t>(1 + rng() % 40, all.size() - i);
      tree.Apply(SmtChanges(all.begin() + static_cast<std::ptrdiff_t>(i),
                            all.begin() + static_cast<std::ptrdiff_t>(i + n)));
      i += n;
    }
    EXPECT_EQ(ToHex(tree.root), ToHex(expected)) << "round " << round;
  }
}

TEST(SparseMerkle, DeletingEverythingGivesTheEmptyRootAndAnEmptyStore) {
  std::mt19937_64 rng(11);
  Tree tree;
  tree.prune = true;
  smt_test::GrowTo(tree, rng, 300, 30);
  std::vector<Hash32> keys;
  for (const auto& entry : tree.model) keys.push_back(entry.first);
  std::shuffle(keys.begin(), keys.end(), rng);
  for (std::size_t i = 0; i < keys.size(); i += 17) {
    SmtChanges deletes;
    for (std::size_t j = i; j < std::min(i + 17, keys.size()); ++j) deletes.emplace_back(keys[j], std::nullopt);
    tree.Apply(deletes);
    ASSERT_EQ(tree.root, ReferenceRoot(tree.model));
  }
  EXPECT_EQ(tree.root, kSmtEmptyRoot);
  EXPECT_EQ(tree.store.size(), 0u);
}

TEST(SparseMerkle, KeysDifferingInTheLastBit) {
  Tree tree;
  tree.prune = true;
  const Hash32 a = HashOf("a");
  const Hash32 b = FlipBit(a, 255);
  tree.Apply({{a, HashOf("va")}, {b, HashOf("vb")}});
  EXPECT_EQ(tree.root, ReferenceRoot(tree.model));
  EXPECT_EQ(tree.store.size(), 2u + 256u);  // two leaves under a chain of 256 internal nodes
  auto proof = SmtProve(tree.store, tree.root, a);
  ASSERT_TRUE(proof.ok());
  EXPECT_EQ(proof->siblings.size(), 256u);
  EXPECT_TRUE(VerifySmtProof(tree.root, a, HashOf("va"), *proof).ok());
  EXPECT_EQ(EncodeSmtProof(*proof).size(), 1u + 64 + 2 + 32 + 2 + 32);  // one non-empty sibling

  // Deleting one lifts the other to the root.
  tree.Apply({{b, std::nullopt}});
  EXPECT_EQ(tree.root, SmtLeafHash(SmtLeaf{a, HashOf("va")}));
  EXPECT_EQ(tree.store.size(), 1u);
}

TEST(SparseMerkle, NoOpChangesKeepTheRootAndWriteNothing) {
  std::mt19937_64 rng(3);
  Tree tree;
  smt_test::GrowTo(tree, rng, 50, 10);
  SmtChanges same(tree.model.begin(), tree.model.end());
  same.emplace_back(RandomHash(rng), std::nullopt);  // deleting an absent key
  auto update = SmtApply(tree.store, tree.root, same);
  ASSERT_TRUE(update.ok());
  EXPECT_EQ(update->root, tree.root);
  EXPECT_TRUE(update->writes.empty());
  EXPECT_TRUE(update->stale.empty());
}

// Content addressing keeps old roots' nodes, so old roots stay readable.
TEST(SparseMerkle, HistoricalRootsStayProvable) {
  std::mt19937_64 rng(5);
  Tree tree;
  std::vector<std::pair<Hash32, Model>> history;
  for (int block = 0; block < 30; ++block) {
    tree.Apply(RandomBatch(rng, tree.model, 10));
    history.emplace_back(tree.root, tree.model);
  }
  for (const auto& [root, model] : history) {
    ASSERT_EQ(root, ReferenceRoot(model));
    for (const auto& [key, value] : model) {
      auto proof = SmtProve(tree.store, root, key);
      ASSERT_TRUE(proof.ok());
      EXPECT_TRUE(VerifySmtProof(root, key, value, *proof).ok());
    }
  }
}

TEST(SparseMerkle, Errors) {
  MemorySmtNodeStore store;
  const Hash32 key = HashOf("k");
  auto duplicate = SmtApply(store, kSmtEmptyRoot, {{key, HashOf("1")}, {key, std::nullopt}});
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().code, "smt.duplicate_key");
  const Hash32 unknown_root = HashOf("not a root");
  auto missing = SmtApply(store, unknown_root, {{key, HashOf("1")}});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "smt.missing_node");
  auto prove = SmtProve(store, unknown_root, key);
  ASSERT_FALSE(prove.ok());
  EXPECT_EQ(prove.error().code, "smt.missing_node");
}

TEST(SmtNode, EncodingRoundTripsAndRejectsBadInput) {
  const SmtNode leaf = SmtLeaf{HashOf("k"), HashOf("v")};
  const SmtNode internal = SmtInternal{HashOf("l"), kSmtEmptyHash};
  for (const SmtNode& node : {leaf, internal}) {
    const Bytes bytes = EncodeSmtNode(node);
    ASSERT_EQ(bytes.size(), 65u);
    auto decoded = DecodeSmtNode(bytes);
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(*decoded, node);
    for (std::size_t len = 0; len < bytes.size(); ++len) {
      EXPECT_FALSE(DecodeSmtNode(ByteView(bytes.data(), len)).ok());
    }
    Bytes longer = bytes;
    longer.push_back(0);
    EXPECT_EQ(DecodeSmtNode(longer).error().code, "encoding.trailing_bytes");
    Bytes bad_kind = bytes;
    bad_kind[0] = 2;
    EXPECT_EQ(DecodeSmtNode(bad_kind).error().code, "smt.bad_node");
  }
}

// Golden vectors, also listed in spec/state-index.md.
TEST(SparseMerkle, GoldenVectors) {
  Tree tree;
  const Hash32 k1 = HashOf("key 1");
  const Hash32 k2 = HashOf("key 2");
  const Hash32 k3 = HashOf("key 3");
  tree.Apply({{k1, HashOf("value 1")}});
  EXPECT_EQ(ToHex(tree.root), "414db4cb7b47ab67d862e54f29a7a4b3c62f85326358ed64e7546d819c960f6e");
  tree.Apply({{k2, HashOf("value 2")}, {k3, HashOf("value 3")}});
  EXPECT_EQ(ToHex(tree.root), "4806683a761df6202b7a869aae7250f7d269d0c7c333c4fde5ea9e5ce15cdbbb");
  auto proof = SmtProve(tree.store, tree.root, k2);
  ASSERT_TRUE(proof.ok());
  EXPECT_EQ(ToHex(EncodeSmtProof(*proof)),
            "0108f225fe08e94a5b1da2da4079fcd1a7647d375cc95624a6c6d65a6fc84b32"
            "43e0a44d3c544c8895dacc7c32952766ee4db44122af955826e45c9486639ef5"
            "e40003"
            "2000000000000000000000000000000000000000000000000000000000000000"
            "0001"
            "f2058dca29dcd88f491f43f688d8eb6399b4bc31333874cf361417d11857003d");
}

// Not a correctness test: prints the time for 100k inserts in batches of 1000.
// Run in a Release build with --gtest_also_run_disabled_tests.
TEST(SparseMerkle, DISABLED_Timing100kInsertsInBatchesOf1000) {
  std::mt19937_64 rng(1);
  MemorySmtNodeStore store;
  Hash32 root = kSmtEmptyRoot;
  using Clock = std::chrono::steady_clock;
  Clock::duration applying{};
  Clock::duration committing{};
  for (int batch = 0; batch < 100; ++batch) {
    SmtChanges changes;
    for (int i = 0; i < 1000; ++i) changes.emplace_back(RandomHash(rng), RandomHash(rng));
    const auto start = Clock::now();
    auto update = SmtApply(store, root, changes);
    const auto applied = Clock::now();
    ASSERT_TRUE(update.ok());
    store.Commit(*update);
    root = update->root;
    applying += applied - start;
    committing += Clock::now() - applied;
  }
  std::printf("100k inserts in batches of 1000: SmtApply %.3f s, MemorySmtNodeStore::Commit %.3f s, %zu nodes\n",
              std::chrono::duration<double>(applying).count(), std::chrono::duration<double>(committing).count(),
              store.size());
}

}  // namespace
}  // namespace jobcard::ledger
