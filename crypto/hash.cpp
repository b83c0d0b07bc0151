#include "crypto/hash.h"

#include <sodium.h>

#include <atomic>
#include <cassert>
#include <cstring>

#include "crypto/sha256_extensions.h"
#include "crypto/sodium_init.h"

namespace jobcard::crypto {

static_assert(sizeof(crypto_hash_sha256_state) <= 128, "Sha256Hasher state buffer too small");
static_assert(sizeof(Sha256ExtensionState) <= 128, "Sha256Hasher state buffer too small");

namespace {
std::atomic<bool>& UseExtensions() {
  static std::atomic<bool> use{Sha256ExtensionsAvailable()};
  return use;
}
}  // namespace

void SetSha256CpuExtensionsForTesting(bool use) { UseExtensions().store(use && Sha256ExtensionsAvailable()); }

// The CPU's SHA-256 instructions when it has them (sha256_extensions.h),
// libsodium's otherwise; the same digest either way.
Hash32 Sha256(ByteView data) {
  if (UseExtensions().load(std::memory_order_relaxed)) {
    Sha256ExtensionState state;
    Sha256ExtensionInit(state);
    Sha256ExtensionUpdate(state, data.data(), data.size());
    return Sha256ExtensionFinish(state);
  }
  EnsureSodium();
  Hash32 out{};
  crypto_hash_sha256(out.data(), data.data(), data.size());
  return out;
}

Hash32 Sha256Public(ByteView data) {
  if (data.size() <= kSha256ShortMax && UseExtensions().load(std::memory_order_relaxed)) {
    return Sha256ExtensionShort(data.data(), data.size());
  }
  return Sha256(data);
}

Sha256Hasher::Sha256Hasher() : extensions_(UseExtensions().load(std::memory_order_relaxed)) {
  std::memset(state_, 0, sizeof(state_));
  if (extensions_) {
    Sha256ExtensionInit(*reinterpret_cast<Sha256ExtensionState*>(state_));
    return;
  }
  EnsureSodium();
  crypto_hash_sha256_init(reinterpret_cast<crypto_hash_sha256_state*>(state_));
}

Sha256Hasher::~Sha256Hasher() { sodium_memzero(state_, sizeof(state_)); }

Sha256Hasher& Sha256Hasher::Update(ByteView data) {
  if (extensions_) {
    Sha256ExtensionUpdate(*reinterpret_cast<Sha256ExtensionState*>(state_), data.data(), data.size());
    return *this;
  }
  crypto_hash_sha256_update(reinterpret_cast<crypto_hash_sha256_state*>(state_), data.data(),
                            data.size());
  return *this;
}

Hash32 Sha256Hasher::Finish() {
  if (extensions_) return Sha256ExtensionFinish(*reinterpret_cast<Sha256ExtensionState*>(state_));
  Hash32 out{};
  crypto_hash_sha256_final(reinterpret_cast<crypto_hash_sha256_state*>(state_), out.data());
  return out;
}

Bytes DomainPrefix(std::string_view tag) {
  assert(!tag.empty() && tag.size() <= 255);
  Bytes out;
  out.reserve(1 + tag.size());
  out.push_back(static_cast<std::uint8_t>(tag.size()));
  out.insert(out.end(), tag.begin(), tag.end());
  return out;
}

Hash32 TaggedHash(std::string_view tag, ByteView data) {
  Bytes prefix = DomainPrefix(tag);
  return Sha256Hasher().Update(prefix).Update(data).Finish();
}

}  // namespace jobcard::crypto

namespace jobcard::crypto {

Hash32 KeyedHash(ByteView key, std::string_view tag, ByteView data) {
  EnsureSodium();
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, key.data(), key.size());
  Bytes prefix = DomainPrefix(tag);
  crypto_auth_hmacsha256_update(&state, prefix.data(), prefix.size());
  crypto_auth_hmacsha256_update(&state, data.data(), data.size());
  Hash32 out{};
  crypto_auth_hmacsha256_final(&state, out.data());
  sodium_memzero(&state, sizeof state);
  return out;
}

}  // namespace jobcard::crypto
