// SHA-256, plain and domain-separated. SHA-256 is the project's one hash
// (spec/crypto.md says why: RFC 9162 Merkle logs and their test vectors use it).
#pragma once

#include <string_view>

#include "crypto/bytes.h"

namespace jobcard::crypto {

Hash32 Sha256(ByteView data);
// The same digest, for data that is not secret: a short message (a Merkle
// tree's node) is hashed in one call with no streaming state and nothing
// wiped (an 85-byte tree node: 127 against 146 ns through Sha256Hasher on
// session 21's machine).
Hash32 Sha256Public(ByteView data);

// Incremental SHA-256 for data assembled in parts.
class Sha256Hasher {
 public:
  Sha256Hasher();
  ~Sha256Hasher();  // wipes the state (what was hashed may be secret)
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;
  Sha256Hasher& Update(ByteView data);
  Sha256Hasher& Update(std::string_view text) { return Update(AsBytes(text)); }
  Hash32 Finish();

  // Whether this hasher uses the CPU's SHA-256 instructions (when the CPU
  // has them; sha256_extensions.h).
  bool uses_cpu_extensions() const { return extensions_; }

 private:
  alignas(16) unsigned char state_[128];
  bool extensions_;
};

// Tests only: whether SHA-256 uses the CPU's instructions (when it has them;
// `false` makes it libsodium's), for hashers made and digests taken after
// the call. Both give the same digest; the tests check each path.
void SetSha256CpuExtensionsForTesting(bool use);

// The domain-separation prefix used everywhere a tag is bound to data:
// one byte with the tag's length, then the tag's ASCII bytes. Tags are at most
// 255 bytes (asserted).
Bytes DomainPrefix(std::string_view tag);

// SHA-256(DomainPrefix(tag) || data).
Hash32 TaggedHash(std::string_view tag, ByteView data);

}  // namespace jobcard::crypto

namespace jobcard::crypto {

// HMAC-SHA-256(key, DomainPrefix(tag) || data): a keyed hash for values that
// must not be recomputable without the key (subject pseudonyms).
Hash32 KeyedHash(ByteView key, std::string_view tag, ByteView data);

}  // namespace jobcard::crypto
