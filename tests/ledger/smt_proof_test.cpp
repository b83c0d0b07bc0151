#include "ledger/smt_proof.h"

#include <gtest/gtest.h>

#include "ledger/encoding.h"
#include "ledger/sparse_merkle.h"
#include "tests/ledger/smt_test_support.h"

namespace jobcard::ledger {
namespace {

using smt_test::FlipBit;
using smt_test::HashOf;
using smt_test::RandomHash;
using smt_test::Tree;

std::string VerifyCode(const Hash32& root, const Hash32& key, const std::optional<Hash32>& value,
                       const SmtProof& proof) {
  const Status status = VerifySmtProof(root, key, value, proof);
  return status.ok() ? "ok" : status.error().code;
}

// Every truncation and a trailing byte are rejected; the whole round-trips.
void ExpectEncodingIsStrict(const SmtProof& proof) {
  const Bytes bytes = EncodeSmtProof(proof);
  auto decoded = DecodeSmtProof(bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.error().code;
  EXPECT_EQ(*decoded, proof);
  for (std::size_t len = 0; len < bytes.size(); ++len) {
    auto cut = DecodeSmtProof(ByteView(bytes.data(), len));
    ASSERT_FALSE(cut.ok()) << "length " << len;
    EXPECT_EQ(cut.error().code, "encoding.truncated") << "length " << len;
  }
  Bytes longer = bytes;
  longer.push_back(0);
  EXPECT_EQ(DecodeSmtProof(longer).error().code, "encoding.trailing_bytes");
}

// The levels whose sibling a test alters: every non-empty sibling, and the
// empty ones near the root, at the end and every 16th level. Altering an empty
// sibling works the same at every level, and altering all of a 256-level
// proof costs 256 x 256 hashes.
std::vector<std::size_t> LevelsToAlter(const SmtProof& proof) {
  std::vector<std::size_t> levels;
  for (std::size_t d = 0; d < proof.siblings.size(); ++d) {
    const bool empty = proof.siblings[d] == kSmtEmptyHash;
    if (!empty || d < 32 || d % 16 == 0 || d + 1 == proof.siblings.size()) levels.push_back(d);
  }
  return levels;
}

void ExpectInclusionProofIsTight(const Hash32& root, const Hash32& key, const Hash32& value,
                                 const SmtProof& proof) {
  ASSERT_EQ(VerifyCode(root, key, value, proof), "ok");
  EXPECT_EQ(VerifyCode(root, key, std::nullopt, proof), "smt.key_present");
  EXPECT_EQ(VerifyCode(root, key, FlipBit(value, 0), proof), "smt.value_mismatch");
  EXPECT_EQ(VerifyCode(FlipBit(root, 255), key, value, proof), "smt.root_mismatch");
  // Any other key fails the same way; try those that differ on the path, just
  // below it and at every 16th bit.
  for (std::size_t bit = 0; bit < kSmtDepth; ++bit) {
    if (bit > proof.siblings.size() + 1 && bit % 16 != 15) continue;
    EXPECT_EQ(VerifyCode(root, FlipBit(key, bit), value, proof), "smt.key_absent") << "bit " << bit;
  }
  for (std::size_t d : LevelsToAlter(proof)) {
    SmtProof altered = proof;
    altered.siblings[d] = FlipBit(altered.siblings[d], 7);
    EXPECT_EQ(VerifyCode(root, key, value, altered), "smt.root_mismatch") << "sibling " << d;
  }
}

// `model` says which keys are really absent: a non-inclusion proof for one
// key also proves every other key that takes the same path and misses the leaf.
void ExpectNonInclusionProofIsTight(const Hash32& root, const Hash32& key, const SmtProof& proof,
                                    const smt_test::Model& model) {
  ASSERT_EQ(VerifyCode(root, key, std::nullopt, proof), "ok");
  EXPECT_EQ(VerifyCode(root, key, HashOf("some value"), proof), "smt.key_absent");
  if (proof.leaf.has_value()) {
    EXPECT_EQ(VerifyCode(root, key, proof.leaf->value_hash, proof), "smt.key_absent");
  }
  EXPECT_EQ(VerifyCode(FlipBit(root, 0), key, std::nullopt, proof), "smt.root_mismatch");
  const std::size_t depth = proof.siblings.size();
  for (std::size_t bit : LevelsToAlter(proof)) {
    EXPECT_NE(VerifyCode(root, FlipBit(key, bit), std::nullopt, proof), "ok") << "bit " << bit;
  }
  for (std::size_t bit : {depth, (depth + kSmtDepth) / 2, kSmtDepth - 1}) {
    if (bit >= kSmtDepth) continue;
    const Hash32 other = FlipBit(key, bit);
    EXPECT_EQ(VerifyCode(root, other, std::nullopt, proof) == "ok", !model.contains(other)) << "bit " << bit;
  }
  for (std::size_t d : LevelsToAlter(proof)) {
    SmtProof altered = proof;
    altered.siblings[d] = FlipBit(altered.siblings[d], 7);
    EXPECT_EQ(VerifyCode(root, key, std::nullopt, altered), "smt.root_mismatch") << "sibling " << d;
  }
  if (proof.leaf.has_value()) {
    SmtProof altered = proof;
    altered.leaf->value_hash = FlipBit(altered.leaf->value_hash, 0);
    EXPECT_EQ(VerifyCode(root, key, std::nullopt, altered), "smt.root_mismatch");
  } else if (depth > 0) {
    SmtProof altered = proof;  // claiming another key's leaf where the path ends empty
    altered.leaf = SmtLeaf{FlipBit(key, kSmtDepth - 1), HashOf("v")};
    EXPECT_EQ(VerifyCode(root, key, std::nullopt, altered), "smt.root_mismatch");
  }
}

TEST(SmtProof, RandomTreesProofsVerifyAndEveryAlterationFails) {
  std::size_t inclusion = 0;
  std::size_t leaf_ended = 0;
  std::size_t empty_ended = 0;
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed * 1000);
    Tree tree;
    smt_test::GrowTo(tree, rng, 60, 10);
    for (const auto& [key, value] : tree.model) {
      auto proof = SmtProve(tree.store, tree.root, key);
      ASSERT_TRUE(proof.ok());
      ExpectInclusionProofIsTight(tree.root, key, value, *proof);
      if (seed <= 2) ExpectEncodingIsStrict(*proof);
      ++inclusion;
      // Absent neighbours: sharing all but the last bit, and a random key.
      for (const Hash32& absent : {FlipBit(key, kSmtDepth - 1), RandomHash(rng)}) {
        if (tree.model.contains(absent)) continue;
        auto non = SmtProve(tree.store, tree.root, absent);
        ASSERT_TRUE(non.ok());
        ExpectNonInclusionProofIsTight(tree.root, absent, *non, tree.model);
        if (seed <= 2) ExpectEncodingIsStrict(*non);
        ++(non->leaf.has_value() ? leaf_ended : empty_ended);
      }
    }
  }
  // Both kinds of non-inclusion proof were exercised.
  EXPECT_GT(inclusion, 2000u);
  EXPECT_GT(leaf_ended, 100u);
  EXPECT_GT(empty_ended, 100u);
}

// The sampling above checked exhaustively on the longest possible proofs.
TEST(SmtProof, EveryLevelOfTheDeepestProofsMatters) {
  Tree tree;
  const Hash32 key = HashOf("a");
  tree.Apply({{key, HashOf("va")}, {FlipBit(key, 255), HashOf("vb")}});
  auto proof = SmtProve(tree.store, tree.root, key);
  ASSERT_TRUE(proof.ok());
  ASSERT_EQ(proof->siblings.size(), kSmtDepth);
  const Hash32 absent = FlipBit(key, 254);  // its path ends empty at depth 255
  auto non = SmtProve(tree.store, tree.root, absent);
  ASSERT_TRUE(non.ok());
  ASSERT_EQ(non->siblings.size(), kSmtDepth - 1);
  ASSERT_FALSE(non->leaf.has_value());
  for (std::size_t d = 0; d < kSmtDepth; ++d) {
    SmtProof altered = *proof;
    altered.siblings[d] = FlipBit(altered.siblings[d], 7);
    EXPECT_EQ(VerifyCode(tree.root, key, HashOf("va"), altered), "smt.root_mismatch") << d;
    if (d == kSmtDepth - 1) break;
    altered = *non;
    altered.siblings[d] = FlipBit(altered.siblings[d], 7);
    EXPECT_EQ(VerifyCode(tree.root, absent, std::nullopt, altered), "smt.root_mismatch") << d;
    EXPECT_EQ(VerifyCode(tree.root, FlipBit(absent, d), std::nullopt, *non), "smt.root_mismatch") << d;
  }
}

TEST(SmtProof, ProofForAnotherRootFails) {
  Tree tree;
  const Hash32 key = HashOf("k");
  tree.Apply({{key, HashOf("v1")}, {HashOf("other"), HashOf("v")}});
  const Hash32 old_root = tree.root;
  auto old_proof = SmtProve(tree.store, old_root, key);
  ASSERT_TRUE(old_proof.ok());
  tree.Apply({{key, HashOf("v2")}});
  EXPECT_EQ(VerifyCode(tree.root, key, HashOf("v1"), *old_proof), "smt.root_mismatch");
  EXPECT_EQ(VerifyCode(old_root, key, HashOf("v1"), *old_proof), "ok");
}

TEST(SmtProof, VerifierRejectsMalformedProofs) {
  SmtProof too_deep;
  too_deep.siblings.assign(kSmtDepth + 1, HashOf("s"));
  EXPECT_EQ(VerifyCode(HashOf("root"), HashOf("k"), std::nullopt, too_deep), "smt.proof_malformed");

  // A leaf off the key's path proves nothing about the key.
  const Hash32 key{};  // first bit 0
  SmtProof off_path;
  off_path.leaf = SmtLeaf{FlipBit(key, 0), HashOf("v")};
  off_path.siblings = {HashOf("s")};
  const Hash32 root = SmtInternalHash(SmtLeafHash(*off_path.leaf), HashOf("s"));
  EXPECT_EQ(VerifyCode(root, key, std::nullopt, off_path), "smt.proof_malformed");
}

TEST(SmtProof, LargestProofRoundTrips) {
  SmtProof proof;
  proof.leaf = SmtLeaf{HashOf("k"), HashOf("v")};
  for (std::size_t d = 0; d < kSmtDepth; ++d) proof.siblings.push_back(HashOf(std::to_string(d)));
  EXPECT_EQ(EncodeSmtProof(proof).size(), kSmtMaxProofBytes);
  ExpectEncodingIsStrict(proof);
  ExpectEncodingIsStrict(SmtProof{});
}

// Hand-built encodings: (terminal, depth, bitmap, count, siblings).
Bytes Encoding(std::uint8_t terminal, std::uint16_t depth, const Hash32& bitmap, std::uint16_t count,
               const std::vector<Hash32>& siblings) {
  Writer w;
  w.U8(terminal);
  if (terminal == 1) w.Fixed(HashOf("k")).Fixed(HashOf("v"));
  w.U16(depth).Fixed(bitmap).U16(count);
  for (const Hash32& s : siblings) w.Fixed(s);
  return std::move(w).take();
}

std::string DecodeCode(const Bytes& bytes) {
  auto decoded = DecodeSmtProof(bytes);
  return decoded.ok() ? "ok" : decoded.error().code;
}

TEST(SmtProof, DecoderRejectsNonCanonicalAndOversizeInput) {
  Hash32 first_bit{};
  first_bit[0] = 0x80;
  const Hash32 s = HashOf("s");
  EXPECT_EQ(DecodeCode(Encoding(0, 1, first_bit, 1, {s})), "ok");
  EXPECT_EQ(DecodeCode(Encoding(1, 1, first_bit, 1, {s})), "ok");
  EXPECT_EQ(DecodeCode(Encoding(2, 1, first_bit, 1, {s})), "smt.proof_malformed");
  EXPECT_EQ(DecodeCode(Encoding(0, 257, first_bit, 1, {s})), "encoding.too_many");
  EXPECT_EQ(DecodeCode(Encoding(0, 0xffff, first_bit, 1, {s})), "encoding.too_many");
  EXPECT_EQ(DecodeCode(Encoding(0, 1, first_bit, 257, {s})), "encoding.too_many");
  EXPECT_EQ(DecodeCode(Encoding(0, 1, first_bit, 0xffff, {s})), "encoding.too_many");
  EXPECT_EQ(DecodeCode(Encoding(0, 1, first_bit, 0, {})), "smt.proof_malformed");      // count < bitmap
  EXPECT_EQ(DecodeCode(Encoding(0, 1, first_bit, 2, {s, s})), "smt.proof_malformed");  // count > bitmap
  EXPECT_EQ(DecodeCode(Encoding(0, 0, first_bit, 1, {s})), "smt.proof_malformed");     // bit below the end
  Hash32 last_bit{};
  last_bit[31] = 0x01;
  EXPECT_EQ(DecodeCode(Encoding(0, 255, last_bit, 1, {s})), "smt.proof_malformed");
  EXPECT_EQ(DecodeCode(Encoding(0, 256, last_bit, 1, {s})), "ok");
  EXPECT_EQ(DecodeCode(Encoding(0, 1, first_bit, 1, {kSmtEmptyHash})), "smt.proof_malformed");
  EXPECT_EQ(DecodeCode(Encoding(0, 1, Hash32{}, 0, {})), "ok");  // one empty sibling
  EXPECT_EQ(DecodeCode({}), "encoding.truncated");
}

}  // namespace
}  // namespace jobcard::ledger
