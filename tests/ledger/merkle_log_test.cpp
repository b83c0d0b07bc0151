// The Merkle log against the naive RFC 9162 reference: every root, every
// inclusion proof and every consistency proof of every tree up to 64 leaves,
// read back from one stored log of 64 leaves (so historical sizes are served
// from the same nodes as the latest), and every single mutation of them.
#include "ledger/merkle_log.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crypto/hash.h"
#include "ledger/merkle_log_tree.h"
#include "tests/ledger/merkle_test_util.h"
#include "tests/ledger/rfc9162_reference.h"

namespace jobcard::ledger {
namespace {

using testing::BuildLogOneByOne;
using testing::BuiltLog;
using testing::Code;
using testing::LeafDataRange;

constexpr std::uint64_t kMaxSize = 64;

// The reference covers one leaf more than the log, for sizes mutated upwards.
const reference::Tree& Reference() {
  static const reference::Tree tree(LeafDataRange(kMaxSize + 1));
  return tree;
}

const BuiltLog& Log() {
  static const BuiltLog log = BuildLogOneByOne(LeafDataRange(kMaxSize));
  return log;
}

Hash32 Flip(Hash32 hash, std::size_t byte) {
  hash[byte % hash.size()] ^= 0x10;
  return hash;
}

// What a verifier computes depends only on the proof's shape, so a mutated
// (index, size) must be rejected exactly when its shape differs from the
// original's. (Equal shapes do occur: leaf 0's proof in a tree of 3 also
// proves it in a tree of 4 whose right half hashes to leaf 2's hash; the
// size is bound to the root by the signed header, not by the proof.)
//
// Shapes of every (index or size1, size) up to kMaxSize + 1, computed once:
// the mutation tests ask for each many times.
using ShapeTable = std::vector<std::vector<std::string>>;

const ShapeTable& InclusionShapes() {
  static const ShapeTable table = [] {
    ShapeTable t(kMaxSize + 2, std::vector<std::string>(kMaxSize + 2, "invalid"));
    for (std::uint64_t n = 1; n <= kMaxSize + 1; ++n) {
      for (std::uint64_t i = 0; i < n; ++i) t[i][n] = Reference().Path(i, n).shape;
    }
    return t;
  }();
  return table;
}

const ShapeTable& ConsistencyShapes() {
  static const ShapeTable table = [] {
    ShapeTable t(kMaxSize + 2, std::vector<std::string>(kMaxSize + 2, "invalid"));
    for (std::uint64_t n = 0; n <= kMaxSize + 1; ++n) {
      t[0][n] = "from-empty";  // also needs root1 == EmptyRoot()
      for (std::uint64_t m = 1; m <= n; ++m) t[m][n] = Reference().Consistency(m, n).shape;
    }
    return t;
  }();
  return table;
}

const std::string& InclusionShape(std::uint64_t index, std::uint64_t size) {
  return InclusionShapes()[index][size];
}
const std::string& ConsistencyShape(std::uint64_t size1, std::uint64_t size2) {
  return ConsistencyShapes()[size1][size2];
}

TEST(MerkleLog, HashesUseRfc9162Prefixes) {
  const Bytes data = {1, 2, 3};
  EXPECT_EQ(LeafHash(data), crypto::Sha256(Bytes{0, 1, 2, 3}));
  const Hash32 a = LeafHash(AsBytes("a"));
  const Hash32 b = LeafHash(AsBytes("b"));
  EXPECT_EQ(NodeHash(a, b), crypto::Sha256(Concat({Bytes{1}, a, b})));
  EXPECT_EQ(EmptyRoot(), crypto::Sha256(ByteView()));
}

TEST(MerkleLog, RootsEqualReferenceForEverySize) {
  const BuiltLog& log = Log();
  for (std::uint64_t n = 0; n <= kMaxSize; ++n) {
    SCOPED_TRACE("size " + std::to_string(n));
    EXPECT_EQ(log.roots[n], Reference().Root(n));  // returned by Append
    auto root = MerkleLog::Root(log.store, log.size, n);  // historical, from the store
    ASSERT_TRUE(root.ok()) << root.error().message;
    EXPECT_EQ(*root, Reference().Root(n));
  }
}

TEST(MerkleLog, InclusionProofsEqualReferenceAndVerify) {
  const BuiltLog& log = Log();
  for (std::uint64_t n = 1; n <= kMaxSize; ++n) {
    for (std::uint64_t i = 0; i < n; ++i) {
      SCOPED_TRACE("leaf " + std::to_string(i) + " of " + std::to_string(n));
      auto proof = MerkleLog::InclusionProof(log.store, log.size, i, n);
      ASSERT_TRUE(proof.ok()) << proof.error().message;
      const reference::Proof want = Reference().Path(i, n);
      EXPECT_EQ(*proof, want.hashes);
      EXPECT_EQ(InclusionProofLength(i, n), want.hashes.size());
      const Hash32 leaf = Reference().Mth(i, i + 1);
      EXPECT_EQ(Code(VerifyInclusion(leaf, i, n, *proof, Reference().Root(n))), "ok");
    }
  }
}

TEST(MerkleLog, ConsistencyProofsEqualReferenceAndVerify) {
  const BuiltLog& log = Log();
  for (std::uint64_t n = 0; n <= kMaxSize; ++n) {
    for (std::uint64_t m = 0; m <= n; ++m) {
      SCOPED_TRACE("from " + std::to_string(m) + " to " + std::to_string(n));
      auto proof = MerkleLog::ConsistencyProof(log.store, log.size, m, n);
      ASSERT_TRUE(proof.ok()) << proof.error().message;
      const reference::Proof want = Reference().Consistency(m, n);
      EXPECT_EQ(*proof, want.hashes);
      EXPECT_EQ(ConsistencyProofLength(m, n), want.hashes.size());
      EXPECT_EQ(Code(VerifyConsistency(m, n, Reference().Root(m), Reference().Root(n), *proof)),
                "ok");
    }
  }
}

TEST(MerkleLog, EveryMutatedInclusionProofFails) {
  std::size_t size_aliases = 0;  // mutations the RFC cannot reject (see InclusionShape)
  for (std::uint64_t n = 1; n <= kMaxSize; ++n) {
    const Hash32 root = Reference().Root(n);
    for (std::uint64_t i = 0; i < n; ++i) {
      SCOPED_TRACE("leaf " + std::to_string(i) + " of " + std::to_string(n));
      const std::vector<Hash32> proof = Reference().Path(i, n).hashes;
      const Hash32 leaf = Reference().Mth(i, i + 1);
      const std::string& shape = InclusionShape(i, n);

      for (std::size_t k = 0; k < proof.size(); ++k) {
        std::vector<Hash32> bad = proof;
        bad[k] = Flip(bad[k], k);
        EXPECT_EQ(Code(VerifyInclusion(leaf, i, n, bad, root)), "merkle.root_mismatch");
      }
      EXPECT_EQ(Code(VerifyInclusion(Flip(leaf, i), i, n, proof, root)), "merkle.root_mismatch");
      EXPECT_EQ(Code(VerifyInclusion(leaf, i, n, proof, Flip(root, n))), "merkle.root_mismatch");
      std::vector<Hash32> longer = proof;
      longer.push_back(root);
      EXPECT_EQ(Code(VerifyInclusion(leaf, i, n, longer, root)), "merkle.proof_length");
      if (!proof.empty()) {
        std::vector<Hash32> shorter(proof.begin(), proof.end() - 1);
        EXPECT_EQ(Code(VerifyInclusion(leaf, i, n, shorter, root)), "merkle.proof_length");
      }
      for (std::uint64_t other = 0; other <= kMaxSize + 1; ++other) {
        if (other == i) continue;
        const bool same = InclusionShape(other, n) == shape;
        EXPECT_EQ(VerifyInclusion(leaf, other, n, proof, root).ok(), same) << "index " << other;
      }
      for (std::uint64_t other = 0; other <= kMaxSize + 1; ++other) {
        if (other == n) continue;
        const bool same = InclusionShape(i, other) == shape;
        size_aliases += same ? 1 : 0;
        EXPECT_EQ(VerifyInclusion(leaf, i, other, proof, root).ok(), same) << "size " << other;
      }
    }
  }
  EXPECT_GT(size_aliases, 0u);  // the oracle is exercised both ways
}

TEST(MerkleLog, EveryMutatedConsistencyProofFails) {
  for (std::uint64_t n = 1; n <= kMaxSize; ++n) {
    for (std::uint64_t m = 1; m <= n; ++m) {
      SCOPED_TRACE("from " + std::to_string(m) + " to " + std::to_string(n));
      const std::vector<Hash32> proof = Reference().Consistency(m, n).hashes;
      const Hash32 root1 = Reference().Root(m);
      const Hash32 root2 = Reference().Root(n);
      const std::string& shape = ConsistencyShape(m, n);

      for (std::size_t k = 0; k < proof.size(); ++k) {
        std::vector<Hash32> bad = proof;
        bad[k] = Flip(bad[k], k);
        EXPECT_EQ(Code(VerifyConsistency(m, n, root1, root2, bad)), "merkle.root_mismatch");
      }
      EXPECT_EQ(Code(VerifyConsistency(m, n, Flip(root1, m), root2, proof)),
                "merkle.root_mismatch");
      EXPECT_EQ(Code(VerifyConsistency(m, n, root1, Flip(root2, n), proof)),
                "merkle.root_mismatch");
      if (m != n) {
        EXPECT_EQ(Code(VerifyConsistency(m, n, root2, root1, proof)), "merkle.root_mismatch");
      }
      std::vector<Hash32> longer = proof;
      longer.push_back(root2);
      EXPECT_EQ(Code(VerifyConsistency(m, n, root1, root2, longer)), "merkle.proof_length");
      if (!proof.empty()) {
        std::vector<Hash32> shorter(proof.begin() + 1, proof.end());
        EXPECT_EQ(Code(VerifyConsistency(m, n, root1, root2, shorter)), "merkle.proof_length");
      }
      for (std::uint64_t other = 0; other <= kMaxSize + 1; ++other) {
        if (other == m) continue;
        const bool same = ConsistencyShape(other, n) == shape;
        EXPECT_EQ(VerifyConsistency(other, n, root1, root2, proof).ok(), same) << "size1 " << other;
      }
      for (std::uint64_t other = 0; other <= kMaxSize + 1; ++other) {
        if (other == n) continue;
        const bool same = ConsistencyShape(m, other) == shape;
        EXPECT_EQ(VerifyConsistency(m, other, root1, root2, proof).ok(), same) << "size2 " << other;
      }
    }
  }
}

TEST(MerkleLog, VerifiersRejectMalformedInputsWithCodes) {
  const Hash32 leaf = Reference().Mth(0, 1);
  EXPECT_EQ(Code(VerifyInclusion(leaf, 0, 0, {}, EmptyRoot())), "merkle.bad_index");
  EXPECT_EQ(Code(VerifyInclusion(leaf, 5, 5, {}, EmptyRoot())), "merkle.bad_index");
  EXPECT_EQ(Code(VerifyInclusion(leaf, 0, 1, {leaf}, leaf)), "merkle.proof_length");
  EXPECT_EQ(Code(VerifyInclusion(leaf, 0, 1, {}, leaf)), "ok");
  const std::vector<Hash32> too_long(kMaxInclusionProofHashes + 1, leaf);
  EXPECT_EQ(Code(VerifyInclusion(leaf, 0, UINT64_MAX, too_long, leaf)), "merkle.proof_length");

  const Hash32 root3 = Reference().Root(3);
  EXPECT_EQ(Code(VerifyConsistency(4, 3, root3, root3, {})), "merkle.bad_size");
  EXPECT_EQ(Code(VerifyConsistency(3, 3, root3, root3, {})), "ok");
  EXPECT_EQ(Code(VerifyConsistency(3, 3, root3, leaf, {})), "merkle.root_mismatch");
  EXPECT_EQ(Code(VerifyConsistency(3, 3, root3, root3, {root3})), "merkle.proof_length");
  EXPECT_EQ(Code(VerifyConsistency(0, 3, EmptyRoot(), root3, {})), "ok");
  EXPECT_EQ(Code(VerifyConsistency(0, 3, leaf, root3, {})), "merkle.root_mismatch");
  EXPECT_EQ(Code(VerifyConsistency(0, 0, EmptyRoot(), EmptyRoot(), {})), "ok");
  EXPECT_EQ(Code(VerifyConsistency(1, 3, leaf, root3, {})), "merkle.proof_length");
}

}  // namespace
}  // namespace jobcard::ledger
