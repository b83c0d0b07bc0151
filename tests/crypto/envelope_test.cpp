#include "crypto/envelope.h"

#include <gtest/gtest.h>

namespace jobcard::crypto {
namespace {

SigningKey KeyFromByte(std::uint8_t b) {
  Bytes seed(32, b);
  return std::move(SigningKey::FromSeed(seed)).value();
}

TEST(Envelope, EachRecipientOpensAndOutsiderCannot) {
  SigningKey subject = KeyFromByte(1), employer = KeyFromByte(2), validator = KeyFromByte(3);
  Bytes plain = {'c', 'a', 'r', 'e', 'e', 'r'};
  Bytes aad = {9, 9};
  auto sealed = EncryptPayload(plain, aad, {subject.public_key(), employer.public_key()});
  ASSERT_TRUE(sealed.ok());
  ASSERT_EQ(sealed->wrapped.size(), 2u);
  EXPECT_EQ(*DecryptPayload(*sealed, 0, aad, subject), plain);
  EXPECT_EQ(*DecryptPayload(*sealed, 1, aad, employer), plain);
  EXPECT_EQ(*DecryptPayloadAnySlot(*sealed, aad, employer), plain);
  EXPECT_EQ(DecryptPayloadAnySlot(*sealed, aad, validator).error().code, "envelope.not_recipient");
}

TEST(Envelope, TamperOrWrongContextFails) {
  SigningKey subject = KeyFromByte(4);
  Bytes plain(100, 0x42);
  Bytes aad = {1};
  auto sealed = EncryptPayload(plain, aad, {subject.public_key()});
  ASSERT_TRUE(sealed.ok());
  Bytes other_aad = {2};
  EXPECT_EQ(DecryptPayload(*sealed, 0, other_aad, subject).error().code, "envelope.corrupt");
  EncryptedPayload tampered = *sealed;
  tampered.ciphertext[5] ^= 1;
  EXPECT_EQ(DecryptPayload(tampered, 0, aad, subject).error().code, "envelope.corrupt");
  EncryptedPayload bad_wrap = *sealed;
  bad_wrap.wrapped[0][40] ^= 1;
  EXPECT_EQ(DecryptPayload(bad_wrap, 0, aad, subject).error().code, "envelope.not_recipient");
}

TEST(Envelope, CiphertextDoesNotContainPlaintext) {
  SigningKey subject = KeyFromByte(5);
  std::string secret = "Section head, Sales, Sapporo";
  auto sealed = EncryptPayload(AsBytes(secret), {}, {subject.public_key()});
  ASSERT_TRUE(sealed.ok());
  std::string ct(sealed->ciphertext.begin(), sealed->ciphertext.end());
  EXPECT_EQ(ct.find("Sapporo"), std::string::npos);
}

}  // namespace
}  // namespace jobcard::crypto
