// SHA-256 with the x86 SHA extensions (SHA-NI), used by hash.h when the CPU
// has them; libsodium's portable SHA-256 otherwise.
//
// Why: SHA-256 is the project's one hash (tx ids, signing digests, every
// Merkle node, state values), and libsodium computes it in portable C at
// about 4.5 ns a byte here (0.27 µs a 64-byte block), while the CPU's
// SHA-256 instructions do a block in a fraction of that. In the ledger bench
// SHA-256 was ~5 % of the ingest's CPU (BENCHMARKS.md, "Session 14").
//
// Only the compression function is machine-specific; padding and streaming
// are FIPS 180-4 §5-6 in plain C++. The result is SHA-256, bit for bit: the
// tests hold it against libsodium's on random inputs of every length up to
// several blocks, split at random points (tests/crypto/sha256_test.cpp).
// Secrets pass through it too (a handshake's shared secret, payload salts):
// like libsodium's, the state is wiped when the digest is taken.
#pragma once

#include <cstddef>
#include <cstdint>

#include "crypto/bytes.h"

namespace jobcard::crypto {

// Whether this CPU has the SHA extensions and the SSE4.1/SSSE3 they need
// here (asked once, with CPUID). Always false off x86-64.
bool Sha256ExtensionsAvailable();

// Streaming SHA-256 over the extensions. Only to be used when
// Sha256ExtensionsAvailable(); the caller (hash.cpp) decides once.
struct Sha256ExtensionState {
  std::uint32_t h[8];
  std::uint64_t total_bytes;
  std::uint8_t buffer[64];
  std::size_t buffered;
};
void Sha256ExtensionInit(Sha256ExtensionState& s);
void Sha256ExtensionUpdate(Sha256ExtensionState& s, const std::uint8_t* data, std::size_t size);
Hash32 Sha256ExtensionFinish(Sha256ExtensionState& s);

// SHA-256 of a message of at most kSha256ShortMax bytes (two blocks once
// padded) in one call: no streaming state, and nothing wiped, so only for
// data that is not secret (the Merkle trees' nodes). The streaming path's
// set-up, buffering and wipes are ~13 % of an 85-byte tree node's hash
// (BENCHMARKS.md, "Session 21").
inline constexpr std::size_t kSha256ShortMax = 119;
Hash32 Sha256ExtensionShort(const std::uint8_t* data, std::size_t size);

}  // namespace jobcard::crypto
