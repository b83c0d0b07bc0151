#include "crypto/envelope.h"

#include <sodium.h>

#include "crypto/sodium_init.h"

namespace jobcard::crypto {

static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == kPayloadKeySize);
static_assert(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES == kPayloadNonceSize);
static_assert(crypto_aead_xchacha20poly1305_ietf_ABYTES == kAeadTagSize);
static_assert(crypto_box_SEALBYTES + kPayloadKeySize == kWrappedKeySize);

Result<EncryptedPayload> EncryptPayload(ByteView plaintext, ByteView associated_data,
                                        const std::vector<PublicKey>& recipients) {
  EnsureSodium();
  if (recipients.empty()) return MakeError("envelope.no_recipient", "a payload needs at least one recipient");
  SecureBuffer key(kPayloadKeySize);
  crypto_aead_xchacha20poly1305_ietf_keygen(key.data());

  EncryptedPayload out;
  randombytes_buf(out.nonce.data(), out.nonce.size());
  out.ciphertext.resize(plaintext.size() + kAeadTagSize);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(out.ciphertext.data(), &written, plaintext.data(),
                                             plaintext.size(), associated_data.data(),
                                             associated_data.size(), nullptr, out.nonce.data(),
                                             key.data());
  out.ciphertext.resize(written);

  for (const PublicKey& recipient : recipients) {
    auto x25519 = X25519PublicKeyOf(recipient);
    if (!x25519.ok()) return x25519.error();
    WrappedKey wrapped{};
    crypto_box_seal(wrapped.data(), key.data(), key.size(), x25519->data());
    out.wrapped.push_back(wrapped);
  }
  return out;
}

Result<Bytes> DecryptPayload(const EncryptedPayload& payload, std::size_t index,
                             ByteView associated_data, const SigningKey& key) {
  EnsureSodium();
  if (index >= payload.wrapped.size()) return MakeError("envelope.no_slot", "no wrapped key at that index");
  if (payload.ciphertext.size() < kAeadTagSize) return MakeError("envelope.short", "ciphertext shorter than its tag");
  SecureBuffer x_secret = key.X25519Secret();
  auto x_public = X25519PublicKeyOf(key.public_key());
  if (!x_public.ok()) return x_public.error();
  SecureBuffer payload_key(kPayloadKeySize);
  const WrappedKey& wrapped = payload.wrapped[index];
  if (crypto_box_seal_open(payload_key.data(), wrapped.data(), wrapped.size(), x_public->data(),
                           x_secret.data()) != 0) {
    return MakeError("envelope.not_recipient", "this key cannot open the payload");
  }
  Bytes plain(payload.ciphertext.size() - kAeadTagSize);
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain.data(), &written, nullptr,
                                                 payload.ciphertext.data(), payload.ciphertext.size(),
                                                 associated_data.data(), associated_data.size(),
                                                 payload.nonce.data(), payload_key.data()) != 0) {
    return MakeError("envelope.corrupt", "the payload failed authentication (tampered or wrong context)");
  }
  plain.resize(written);
  return plain;
}

Result<Bytes> DecryptPayloadAnySlot(const EncryptedPayload& payload, ByteView associated_data,
                                    const SigningKey& key) {
  Error last = MakeError("envelope.not_recipient", "this key cannot open the payload");
  for (std::size_t i = 0; i < payload.wrapped.size(); ++i) {
    auto plain = DecryptPayload(payload, i, associated_data, key);
    if (plain.ok()) return plain;
    last = plain.error();
    if (last.code != "envelope.not_recipient") return last;
  }
  return last;
}

}  // namespace jobcard::crypto
