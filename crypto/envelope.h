// Envelope encryption for entry payloads.
//
// A payload is encrypted once with a fresh 32-byte key (XChaCha20-Poly1305,
// 24-byte random nonce, caller-chosen associated data). The key is then
// wrapped to each recipient's X25519 public key with a sealed box
// (crypto_box_seal: ephemeral X25519 + XSalsa20-Poly1305), so the subject and
// the employer can each open it and nobody else can. See spec/crypto.md.
#pragma once

#include <vector>

#include "crypto/bytes.h"
#include "crypto/secure_buffer.h"
#include "crypto/sign.h"

namespace jobcard::crypto {

inline constexpr std::size_t kPayloadKeySize = 32;
inline constexpr std::size_t kPayloadNonceSize = 24;
inline constexpr std::size_t kAeadTagSize = 16;
inline constexpr std::size_t kWrappedKeySize = 32 + 16 + kPayloadKeySize;  // sealed box of a key

using PayloadNonce = FixedBytes<kPayloadNonceSize>;
using WrappedKey = FixedBytes<kWrappedKeySize>;

struct EncryptedPayload {
  PayloadNonce nonce{};
  Bytes ciphertext;                  // plaintext size + 16-byte tag
  std::vector<WrappedKey> wrapped;   // one per recipient, in the caller's order
};

// Encrypts `plaintext` to every recipient (given by Ed25519 public key).
Result<EncryptedPayload> EncryptPayload(ByteView plaintext, ByteView associated_data,
                                        const std::vector<PublicKey>& recipients);

// Tries the wrapped key at `index` with `key`; then decrypts.
Result<Bytes> DecryptPayload(const EncryptedPayload& payload, std::size_t index,
                             ByteView associated_data, const SigningKey& key);

// Tries every wrapped key: for a reader that does not know its slot.
Result<Bytes> DecryptPayloadAnySlot(const EncryptedPayload& payload, ByteView associated_data,
                                    const SigningKey& key);

}  // namespace jobcard::crypto
