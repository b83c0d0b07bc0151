// Known-answer vectors published with the public RFC 6962 / RFC 9162
// reference implementation (RFC 9162 keeps RFC 6962's tree, hashes and proof
// definitions, so the vectors carry over). Only the values are taken:
//   transparency-dev/merkle, proof/verify_test.go
//     (commit 02194e9afb6c1d95b5381350007963aa70fff472): the 8 leaves,
//     the roots of sizes 1..8, inclusion and consistency proofs;
//   transparency-dev/merkle, rfc6962/rfc6962_test.go
//     (commit 78493b07ef9b552e3379abf9e23d4da26fbe797c): empty root and
//     leaf hashes.
// verify_test.go numbers leaves from 1; the indices below are 0-based.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ledger/log_node_store.h"
#include "ledger/merkle_log.h"
#include "ledger/merkle_log_tree.h"

namespace jobcard::ledger {
namespace {

Bytes Hex(std::string_view hex) {
  auto bytes = FromHex(hex);
  EXPECT_TRUE(bytes.ok());
  return bytes.ok() ? *bytes : Bytes{};
}

Hash32 H(std::string_view hex) {
  auto hash = FixedFromHex<32>(hex);
  EXPECT_TRUE(hash.ok());
  return hash.ok() ? *hash : Hash32{};
}

const std::vector<std::string_view> kLeaves = {
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
};

// kRoots[n - 1] is the root of the first n leaves.
const std::vector<std::string_view> kRoots = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

struct InclusionVector {
  std::uint64_t index;
  std::uint64_t size;
  std::vector<std::string_view> proof;
};

const std::vector<InclusionVector> kInclusion = {
    {0, 1, {}},
    {0, 8,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {5, 8,
     {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2, 3, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
    {1, 5,
     {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
};

struct ConsistencyVector {
  std::uint64_t size1;
  std::uint64_t size2;
  std::vector<std::string_view> proof;
};

const std::vector<ConsistencyVector> kConsistency = {
    {1, 1, {}},
    {1, 8,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {6, 8,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2, 5,
     {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
    {6, 7,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
};

std::vector<Hash32> Hashes(const std::vector<std::string_view>& hex) {
  std::vector<Hash32> out;
  for (std::string_view h : hex) out.push_back(H(h));
  return out;
}

// The 8-leaf log, appended in one batch.
struct VectorLog {
  MemoryLogNodeStore store;
  std::uint64_t size = 0;
};

VectorLog BuildVectorLog() {
  std::vector<Hash32> leaves;
  for (std::string_view leaf : kLeaves) leaves.push_back(LeafHash(Hex(leaf)));
  VectorLog log;
  auto appended = MerkleLog::Append(log.store, 0, leaves);
  EXPECT_TRUE(appended.ok());
  if (appended.ok()) {
    log.store.Apply(appended->writes);
    log.size = appended->new_size;
  }
  return log;
}

TEST(MerkleLogVectors, HashesMatchRfc6962HasherVectors) {
  EXPECT_EQ(EmptyRoot(), H("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
  EXPECT_EQ(LeafHash(ByteView()),
            H("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"));
  EXPECT_EQ(LeafHash(AsBytes("L123456")),
            H("395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56"));
}

TEST(MerkleLogVectors, RootsOfSizesOneToEight) {
  const VectorLog log = BuildVectorLog();
  ASSERT_EQ(log.size, 8u);
  for (std::uint64_t n = 1; n <= 8; ++n) {
    auto root = MerkleLog::Root(log.store, log.size, n);
    ASSERT_TRUE(root.ok());
    EXPECT_EQ(*root, H(kRoots[n - 1])) << "size " << n;
  }
}

TEST(MerkleLogVectors, InclusionProofs) {
  const VectorLog log = BuildVectorLog();
  for (const InclusionVector& v : kInclusion) {
    SCOPED_TRACE("leaf " + std::to_string(v.index) + " of " + std::to_string(v.size));
    const std::vector<Hash32> want = Hashes(v.proof);
    auto proof = MerkleLog::InclusionProof(log.store, log.size, v.index, v.size);
    ASSERT_TRUE(proof.ok());
    EXPECT_EQ(*proof, want);
    const Hash32 leaf = LeafHash(Hex(kLeaves[v.index]));
    EXPECT_TRUE(VerifyInclusion(leaf, v.index, v.size, want, H(kRoots[v.size - 1])).ok());
  }
}

TEST(MerkleLogVectors, ConsistencyProofs) {
  const VectorLog log = BuildVectorLog();
  for (const ConsistencyVector& v : kConsistency) {
    SCOPED_TRACE("from " + std::to_string(v.size1) + " to " + std::to_string(v.size2));
    const std::vector<Hash32> want = Hashes(v.proof);
    auto proof = MerkleLog::ConsistencyProof(log.store, log.size, v.size1, v.size2);
    ASSERT_TRUE(proof.ok());
    EXPECT_EQ(*proof, want);
    EXPECT_TRUE(VerifyConsistency(v.size1, v.size2, H(kRoots[v.size1 - 1]),
                                  H(kRoots[v.size2 - 1]), want)
                    .ok());
  }
}

}  // namespace
}  // namespace jobcard::ledger
