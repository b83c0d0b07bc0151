#include "crypto/sign.h"

#include <gtest/gtest.h>

#include "crypto/hash.h"

namespace jobcard::crypto {
namespace {

SigningKey KeyFromByte(std::uint8_t b) {
  Bytes seed(32, b);
  return std::move(SigningKey::FromSeed(seed)).value();
}

TEST(Sha256, MatchesFips180Vector) {
  EXPECT_EQ(ToHex(Sha256(AsBytes("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(ToHex(Sha256(ByteView())),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256, IncrementalEqualsOneShot) {
  Hash32 parts = Sha256Hasher().Update("ab").Update("c").Finish();
  EXPECT_EQ(parts, Sha256(AsBytes("abc")));
}

TEST(TaggedHash, DependsOnTag) {
  EXPECT_NE(TaggedHash("a", AsBytes("x")), TaggedHash("b", AsBytes("x")));
  // The prefix is length||tag, so ("ab","c") and ("a","bc") cannot collide.
  EXPECT_NE(TaggedHash("ab", AsBytes("c")), TaggedHash("a", AsBytes("bc")));
}

TEST(Ed25519, Rfc8032SeedGivesKnownPublicKey) {
  // RFC 8032 section 7.1, TEST 1.
  auto seed = FromHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  auto key = SigningKey::FromSeed(*seed);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(ToHex(key->public_key()), "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
}

TEST(Ed25519, SignVerifyWithTag) {
  SigningKey key = KeyFromByte(7);
  Bytes msg = {1, 2, 3};
  Signature sig = key.Sign("jobcard.test", msg);
  EXPECT_TRUE(Verify(key.public_key(), "jobcard.test", msg, sig));
  EXPECT_FALSE(Verify(key.public_key(), "jobcard.other", msg, sig)) << "tag must bind";
  EXPECT_FALSE(Verify(KeyFromByte(8).public_key(), "jobcard.test", msg, sig));
}

TEST(Ed25519, EverySingleBitFlipOfMessageOrSignatureFails) {
  SigningKey key = KeyFromByte(9);
  Bytes msg(48);
  for (std::size_t i = 0; i < msg.size(); ++i) msg[i] = static_cast<std::uint8_t>(i * 37);
  Signature sig = key.Sign("jobcard.test", msg);
  ASSERT_TRUE(Verify(key.public_key(), "jobcard.test", msg, sig));
  for (std::size_t bit = 0; bit < msg.size() * 8; ++bit) {
    Bytes flipped = msg;
    flipped[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    EXPECT_FALSE(Verify(key.public_key(), "jobcard.test", flipped, sig)) << "message bit " << bit;
  }
  for (std::size_t bit = 0; bit < sig.size() * 8; ++bit) {
    Signature flipped = sig;
    flipped[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    EXPECT_FALSE(Verify(key.public_key(), "jobcard.test", msg, flipped)) << "signature bit " << bit;
  }
}

TEST(Ed25519, RejectsWrongSeedSize) {
  Bytes seed(31, 1);
  EXPECT_EQ(SigningKey::FromSeed(seed).error().code, "key.seed_size");
}

TEST(X25519, SmallOrderEd25519KeyIsRejected) {
  PublicKey identity{};  // the neutral element: encoding 0x01 followed by zeros
  identity[0] = 1;
  EXPECT_FALSE(X25519PublicKeyOf(identity).ok());
}

}  // namespace
}  // namespace jobcard::crypto
