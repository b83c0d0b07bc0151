// Ed25519 signing keys with domain-separated messages.
//
// Every signature in JobCard signs DomainPrefix(tag) || message, so a
// signature made for one purpose (a hire entry, a vote, a bundle) can never be
// replayed as another. Verification uses libsodium's strict Ed25519 checks
// (canonical encodings, no small-order keys).
#pragma once

#include <string_view>

#include "crypto/bytes.h"
#include "crypto/secure_buffer.h"

namespace jobcard::crypto {

using PublicKey = FixedBytes<32>;   // Ed25519 public key
using Signature = FixedBytes<64>;   // Ed25519 signature
using X25519PublicKey = FixedBytes<32>;
inline constexpr std::size_t kSeedSize = 32;

class SigningKey {
 public:
  // A fresh key from the OS randomness source.
  static SigningKey Generate();
  // The key determined by a 32-byte seed (test vectors, keystore files).
  static Result<SigningKey> FromSeed(ByteView seed);

  SigningKey(SigningKey&&) noexcept = default;
  SigningKey& operator=(SigningKey&&) noexcept = default;

  const PublicKey& public_key() const { return public_key_; }
  // The 32-byte seed; only the keystore should need it.
  ByteView seed() const { return {secret_.data(), kSeedSize}; }

  Signature Sign(std::string_view tag, ByteView message) const;

  // This key's X25519 secret (RFC 7748), derived from the Ed25519 secret, for
  // opening payload keys wrapped to X25519PublicKeyOf(public_key()).
  SecureBuffer X25519Secret() const;

 private:
  SigningKey(SecureBuffer secret, const PublicKey& public_key)
      : secret_(std::move(secret)), public_key_(public_key) {}
  SecureBuffer secret_;  // libsodium's 64-byte secret key: seed || public key
  PublicKey public_key_{};
};

[[nodiscard]] bool Verify(const PublicKey& key, std::string_view tag, ByteView message,
                          const Signature& signature);

// The X25519 public key that corresponds to an Ed25519 public key. Fails for
// keys that are not valid points or have small order (they cannot be
// encrypted to safely).
Result<X25519PublicKey> X25519PublicKeyOf(const PublicKey& key);

}  // namespace jobcard::crypto
