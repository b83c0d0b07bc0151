#include "node/p2p/link_crypto.h"

#include <sodium.h>

#include "crypto/sodium_init.h"

namespace jobcard::node::p2p {

namespace {

LinkKey Hmac(ByteView key, ByteView data) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, key.data(), key.size());
  crypto_auth_hmacsha256_update(&state, data.data(), data.size());
  LinkKey out{};
  crypto_auth_hmacsha256_final(&state, out.data());
  sodium_memzero(&state, sizeof state);
  return out;
}

FixedBytes<crypto_aead_chacha20poly1305_ietf_NPUBBYTES> CounterNonce(std::uint64_t counter) {
  FixedBytes<crypto_aead_chacha20poly1305_ietf_NPUBBYTES> nonce{};
  for (int i = 0; i < 8; ++i) nonce[4 + i] = static_cast<std::uint8_t>(counter >> (56 - 8 * i));
  return nonce;
}

}  // namespace

X25519KeyPair X25519FromSecret(const FixedBytes<32>& secret) {
  crypto::EnsureSodium();
  X25519KeyPair pair;
  pair.secret = secret;
  crypto_scalarmult_base(pair.public_key.data(), secret.data());
  return pair;
}

std::optional<FixedBytes<32>> X25519Shared(const FixedBytes<32>& secret, const FixedBytes<32>& peer_public) {
  crypto::EnsureSodium();
  FixedBytes<32> shared{};
  // libsodium returns -1 exactly when the output is all zeros; check it
  // again ourselves so the rule does not rest on one library's contract.
  if (crypto_scalarmult(shared.data(), secret.data(), peer_public.data()) != 0) return std::nullopt;
  if (sodium_is_zero(shared.data(), shared.size())) return std::nullopt;
  return shared;
}

std::pair<LinkKey, LinkKey> Hkdf2(const LinkKey& chaining_key, ByteView input) {
  crypto::EnsureSodium();
  LinkKey prk = Hmac(chaining_key, input);
  const std::uint8_t one = 0x01;
  LinkKey first = Hmac(prk, ByteView(&one, 1));
  Bytes second_input(first.begin(), first.end());
  second_input.push_back(0x02);
  LinkKey second = Hmac(prk, second_input);
  sodium_memzero(prk.data(), prk.size());
  sodium_memzero(second_input.data(), second_input.size());
  return {first, second};
}

Bytes AeadSeal(const LinkKey& key, std::uint64_t counter, ByteView associated_data, ByteView plaintext) {
  crypto::EnsureSodium();
  Bytes out(plaintext.size() + kAeadTagBytes);
  unsigned long long written = 0;
  const auto nonce = CounterNonce(counter);
  crypto_aead_chacha20poly1305_ietf_encrypt(out.data(), &written, plaintext.data(), plaintext.size(),
                                            associated_data.data(), associated_data.size(), nullptr, nonce.data(),
                                            key.data());
  out.resize(static_cast<std::size_t>(written));
  return out;
}

std::optional<Bytes> AeadOpen(const LinkKey& key, std::uint64_t counter, ByteView associated_data,
                              ByteView ciphertext) {
  crypto::EnsureSodium();
  if (ciphertext.size() < kAeadTagBytes) return std::nullopt;
  Bytes out(ciphertext.size() - kAeadTagBytes);
  unsigned long long written = 0;
  const auto nonce = CounterNonce(counter);
  if (crypto_aead_chacha20poly1305_ietf_decrypt(out.data(), &written, nullptr, ciphertext.data(), ciphertext.size(),
                                                associated_data.data(), associated_data.size(), nonce.data(),
                                                key.data()) != 0) {
    return std::nullopt;
  }
  out.resize(static_cast<std::size_t>(written));
  return out;
}

}  // namespace jobcard::node::p2p
