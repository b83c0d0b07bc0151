// The primitives the p2p link is built from (spec/p2p.md §Primitives), as
// small pure functions over libsodium: X25519 with the all-zero (low-order)
// result refused, the Noise HKDF over HMAC-SHA-256, and
// ChaCha20-Poly1305-IETF with a 64-bit big-endian counter nonce.
// Used by the handshake and the frame codec; nothing here keeps state.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>

#include "crypto/bytes.h"

namespace jobcard::node::p2p {

using LinkKey = FixedBytes<32>;  // a symmetric key (chaining key, AEAD key)
inline constexpr std::size_t kX25519Bytes = 32;
inline constexpr std::size_t kAeadTagBytes = 16;

struct X25519KeyPair {
  FixedBytes<32> secret{};
  FixedBytes<32> public_key{};
};

// The X25519 key pair of a 32-byte secret (RFC 7748 clamps it).
X25519KeyPair X25519FromSecret(const FixedBytes<32>& secret);

// X25519(secret, peer_public). Empty when the result is all zeros, which is
// what every low-order (small-subgroup) peer point gives: such a point would
// let a man in the middle force a known shared secret.
std::optional<FixedBytes<32>> X25519Shared(const FixedBytes<32>& secret, const FixedBytes<32>& peer_public);

// Noise's HKDF with two outputs: prk = HMAC(chaining_key, input);
// first = HMAC(prk, 0x01); second = HMAC(prk, first || 0x02).
std::pair<LinkKey, LinkKey> Hkdf2(const LinkKey& chaining_key, ByteView input);

// ChaCha20-Poly1305-IETF; nonce = 4 zero bytes || u64 big-endian counter.
Bytes AeadSeal(const LinkKey& key, std::uint64_t counter, ByteView associated_data, ByteView plaintext);
// Empty when the tag does not verify (wrong key, counter, data or tampering).
std::optional<Bytes> AeadOpen(const LinkKey& key, std::uint64_t counter, ByteView associated_data,
                              ByteView ciphertext);

}  // namespace jobcard::node::p2p
