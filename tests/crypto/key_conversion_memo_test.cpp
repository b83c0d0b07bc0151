// crypto/key_conversion_memo.h and its use by X25519PublicKeyOf: remembering
// a conversion must never change its answer, must save the conversion, and
// must stay bounded.
#include "crypto/key_conversion_memo.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include "crypto/sign.h"

namespace jobcard::crypto {
namespace {

FixedBytes<32> KeyNumber(std::uint32_t n) {
  FixedBytes<32> key{};
  for (std::size_t i = 0; i < 4; ++i) key[i] = static_cast<std::uint8_t>(n >> (8 * i));
  return key;
}

TEST(KeyConversionMemo, HoldsAtMostTwoGenerationsAndTheNewestKeys) {
  KeyConversionMemo memo(4);
  for (std::uint32_t n = 0; n < 20; ++n) memo.Remember(KeyNumber(n), KeyNumber(1000 + n));
  EXPECT_LE(memo.Stats().remembered, 8u);
  for (std::uint32_t n = 16; n < 20; ++n) {
    auto found = memo.Find(KeyNumber(n));
    ASSERT_TRUE(found.has_value()) << n;
    EXPECT_EQ(**found, KeyNumber(1000 + n));
  }
  EXPECT_FALSE(memo.Find(KeyNumber(0)).has_value());
  const KeyConversionStats stats = memo.Stats();
  EXPECT_EQ(stats.hits, 4u);
  EXPECT_EQ(stats.misses, 1u);
}

TEST(KeyConversionMemo, AKeyFoundInTheOlderGenerationOutlivesTheNextTurnover) {
  KeyConversionMemo memo(2);
  memo.Remember(KeyNumber(1), KeyNumber(101));
  memo.Remember(KeyNumber(2), KeyNumber(102));
  memo.Remember(KeyNumber(3), KeyNumber(103));  // 1 and 2 are now the older generation
  ASSERT_TRUE(memo.Find(KeyNumber(1)).has_value());  // moved to the newer one
  memo.Remember(KeyNumber(4), KeyNumber(104));  // the newer generation {3, 1} turns over
  EXPECT_TRUE(memo.Find(KeyNumber(1)).has_value());
  EXPECT_FALSE(memo.Find(KeyNumber(2)).has_value());
}

TEST(KeyConversionMemo, RemembersThatAKeyIsNotConvertible) {
  KeyConversionMemo memo(4);
  memo.Remember(KeyNumber(7), std::nullopt);
  auto found = memo.Find(KeyNumber(7));
  ASSERT_TRUE(found.has_value());
  EXPECT_FALSE(found->has_value());
}

TEST(X25519, ASecondConversionOfAKeyIsRememberedAndGivesTheSameKey) {
  const SigningKey key = SigningKey::Generate();
  // The X25519 public key of the key's own X25519 secret: what the
  // conversion must give, computed without it.
  X25519PublicKey expected{};
  ASSERT_EQ(crypto_scalarmult_base(expected.data(), key.X25519Secret().data()), 0);

  const KeyConversionStats before = X25519ConversionMemo().Stats();
  auto first = X25519PublicKeyOf(key.public_key());
  auto second = X25519PublicKeyOf(key.public_key());
  const KeyConversionStats after = X25519ConversionMemo().Stats();
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*first, expected);
  EXPECT_EQ(*second, expected);
  EXPECT_EQ(after.misses - before.misses, 1u);
  EXPECT_EQ(after.hits - before.hits, 1u);
}

TEST(X25519, AnUnusableKeyIsRefusedAgainFromTheMemo) {
  PublicKey identity{};  // small order: never convertible
  identity[0] = 1;
  const KeyConversionStats before = X25519ConversionMemo().Stats();
  auto first = X25519PublicKeyOf(identity);
  auto second = X25519PublicKeyOf(identity);
  ASSERT_FALSE(first.ok());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, "key.not_convertible");
  EXPECT_GE(X25519ConversionMemo().Stats().hits - before.hits, 1u);
}

}  // namespace
}  // namespace jobcard::crypto
