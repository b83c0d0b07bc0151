#include "crypto/sign.h"

#include <sodium.h>

#include "crypto/hash.h"
#include "crypto/key_conversion_memo.h"
#include "crypto/sodium_init.h"

namespace jobcard::crypto {

namespace {
Bytes TaggedMessage(std::string_view tag, ByteView message) {
  Bytes out = DomainPrefix(tag);
  out.insert(out.end(), message.begin(), message.end());
  return out;
}
}  // namespace

SigningKey SigningKey::Generate() {
  EnsureSodium();
  SecureBuffer seed(kSeedSize);
  randombytes_buf(seed.data(), seed.size());
  return std::move(FromSeed(seed.view())).value();
}

Result<SigningKey> SigningKey::FromSeed(ByteView seed) {
  EnsureSodium();
  if (seed.size() != kSeedSize) {
    return MakeError("key.seed_size", "an Ed25519 seed must be 32 bytes");
  }
  SecureBuffer secret(crypto_sign_SECRETKEYBYTES);
  PublicKey pub{};
  crypto_sign_seed_keypair(pub.data(), secret.data(), seed.data());
  return SigningKey(std::move(secret), pub);
}

Signature SigningKey::Sign(std::string_view tag, ByteView message) const {
  Bytes tagged = TaggedMessage(tag, message);
  Signature sig{};
  crypto_sign_detached(sig.data(), nullptr, tagged.data(), tagged.size(), secret_.data());
  return sig;
}

SecureBuffer SigningKey::X25519Secret() const {
  SecureBuffer out(crypto_scalarmult_curve25519_BYTES);
  crypto_sign_ed25519_sk_to_curve25519(out.data(), secret_.data());
  return out;
}

bool Verify(const PublicKey& key, std::string_view tag, ByteView message,
            const Signature& signature) {
  EnsureSodium();
  Bytes tagged = TaggedMessage(tag, message);
  return crypto_sign_verify_detached(signature.data(), tagged.data(), tagged.size(), key.data()) == 0;
}

Result<X25519PublicKey> X25519PublicKeyOf(const PublicKey& key) {
  KeyConversionMemo& memo = X25519ConversionMemo();
  std::optional<KeyConversionMemo::Answer> answer = memo.Find(key);
  if (!answer) {
    EnsureSodium();
    KeyConversionMemo::Answer converted;  // stays empty for a key that is not convertible
    X25519PublicKey out{};
    if (crypto_sign_ed25519_pk_to_curve25519(out.data(), key.data()) == 0) converted = out;
    memo.Remember(key, converted);
    answer = converted;
  }
  if (!*answer) {
    return MakeError("key.not_convertible",
                     "the Ed25519 public key is not a valid point for encryption");
  }
  return **answer;
}

}  // namespace jobcard::crypto
