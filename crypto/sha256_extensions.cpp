#include "crypto/sha256_extensions.h"

#include <sodium.h>

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <cstring>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

namespace jobcard::crypto {

namespace {

// FIPS 180-4 §4.2.2 and §5.3.3: the first 32 bits of the fractional parts of
// the cube roots of the first 64 primes, and of the square roots of the
// first 8 (computed from that definition, and held against libsodium by the tests).
constexpr std::uint32_t kRoundConstants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
constexpr std::uint32_t kInitialHash[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                           0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

#if defined(__x86_64__)

bool DetectExtensions() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
  const bool ssse3 = (c & bit_SSSE3) != 0, sse41 = (c & bit_SSE4_1) != 0;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
  const bool sha = (b & bit_SHA) != 0;
  return ssse3 && sse41 && sha;
}

// `count` 64-byte blocks into the state. The instructions keep the eight
// words in two registers, ABEF and CDGH (A in the highest lane), and each
// sha256rnds2 does two rounds; the message schedule is sha256msg1/msg2.
__attribute__((target("sha,sse4.1,ssse3"))) void CompressBlocks(std::uint32_t h[8], const std::uint8_t* data,
                                                                 std::size_t count) {
  const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  __m128i dcba = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&h[0]));
  __m128i hgfe = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&h[4]));
  __m128i badc = _mm_shuffle_epi32(dcba, 0xB1);
  __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
  __m128i abef = _mm_alignr_epi8(badc, efgh, 8);
  __m128i cdgh = _mm_blend_epi16(efgh, badc, 0xF0);

  for (std::size_t block = 0; block < count; ++block, data += 64) {
    const __m128i abef_before = abef, cdgh_before = cdgh;
    __m128i w[4];
    for (int i = 0; i < 4; ++i) {
      w[i] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(data + 16 * i)), byte_swap);
    }
    for (int group = 0; group < 16; ++group) {  // four rounds each
      __m128i& current = w[group % 4];
      if (group >= 4) {
        // W[t..t+3] from W[t-16..t-1]: msg1 adds σ0, the alignr brings W[t-7..t-4], msg2 adds σ1.
        const __m128i& previous = w[(group + 3) % 4];   // W[t-4..t-1]
        const __m128i& before_that = w[(group + 2) % 4];  // W[t-8..t-5]
        const __m128i& next_oldest = w[(group + 1) % 4];  // W[t-12..t-9]
        __m128i sum = _mm_add_epi32(_mm_sha256msg1_epu32(current, next_oldest), _mm_alignr_epi8(previous, before_that, 4));
        current = _mm_sha256msg2_epu32(sum, previous);
      }
      __m128i wk = _mm_add_epi32(current, _mm_loadu_si128(reinterpret_cast<const __m128i*>(&kRoundConstants[4 * group])));
      cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
      wk = _mm_shuffle_epi32(wk, 0x0E);
      // After two rounds the old A,B,E,F are the new C,D,G,H: the old abef
      // goes in as cdgh, and the names are right again after the next two.
      abef = _mm_sha256rnds2_epu32(abef, cdgh, wk);
    }
    abef = _mm_add_epi32(abef, abef_before);
    cdgh = _mm_add_epi32(cdgh, cdgh_before);
  }

  const __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
  const __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
  dcba = _mm_blend_epi16(feba, dchg, 0xF0);
  hgfe = _mm_alignr_epi8(dchg, feba, 8);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(&h[0]), dcba);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(&h[4]), hgfe);
}

#else

bool DetectExtensions() { return false; }
// Never reached through hash.h; called directly, a wrong digest would be worse than a stop.
[[noreturn]] void CompressBlocks(std::uint32_t*, const std::uint8_t*, std::size_t) { std::abort(); }

#endif

}  // namespace

bool Sha256ExtensionsAvailable() {
  static const bool available = DetectExtensions();
  return available;
}

void Sha256ExtensionInit(Sha256ExtensionState& s) {
  std::memcpy(s.h, kInitialHash, sizeof s.h);
  s.total_bytes = 0;
  s.buffered = 0;
}

void Sha256ExtensionUpdate(Sha256ExtensionState& s, const std::uint8_t* data, std::size_t size) {
  if (size == 0) return;  // an empty view may carry a null pointer, which memcpy must not see
  s.total_bytes += size;
  if (s.buffered > 0) {
    const std::size_t take = std::min(size, sizeof s.buffer - s.buffered);
    std::memcpy(s.buffer + s.buffered, data, take);
    s.buffered += take;
    data += take;
    size -= take;
    if (s.buffered < sizeof s.buffer) return;
    CompressBlocks(s.h, s.buffer, 1);
    s.buffered = 0;
  }
  const std::size_t whole = size / 64;
  if (whole > 0) CompressBlocks(s.h, data, whole);
  data += whole * 64;
  size -= whole * 64;
  std::memcpy(s.buffer, data, size);
  s.buffered = size;
}

namespace {
// FIPS 180-4 §5.1.1: after the message's last `used` bytes, already at the
// start of `tail`, a 1 bit, zeros to 56 bytes mod 64, and the whole
// message's length in bits (big-endian). Returns the bytes to compress, 64
// or 128 (used < 120).
std::size_t PadTail(std::uint8_t (&tail)[128], std::size_t used, std::uint64_t total_bytes) {
  const std::size_t tail_size = used < 56 ? 64 : 128;
  tail[used] = 0x80;
  std::memset(tail + used + 1, 0, tail_size - 8 - used - 1);
  const std::uint64_t bits = total_bytes * 8;
  for (int i = 0; i < 8; ++i) tail[tail_size - 1 - i] = static_cast<std::uint8_t>(bits >> (8 * i));
  return tail_size;
}

Hash32 DigestOf(const std::uint32_t h[8]) {
  Hash32 out{};
  for (int i = 0; i < 8; ++i) {
    out[4 * i] = static_cast<std::uint8_t>(h[i] >> 24);
    out[4 * i + 1] = static_cast<std::uint8_t>(h[i] >> 16);
    out[4 * i + 2] = static_cast<std::uint8_t>(h[i] >> 8);
    out[4 * i + 3] = static_cast<std::uint8_t>(h[i]);
  }
  return out;
}
}  // namespace

Hash32 Sha256ExtensionShort(const std::uint8_t* data, std::size_t size) {
  assert(size <= kSha256ShortMax);
  // The whole message is the tail.
  std::uint8_t tail[128];
  if (size > 0) std::memcpy(tail, data, size);
  const std::size_t tail_size = PadTail(tail, size, size);
  std::uint32_t h[8];
  std::memcpy(h, kInitialHash, sizeof h);
  CompressBlocks(h, tail, tail_size / 64);
  return DigestOf(h);
}

Hash32 Sha256ExtensionFinish(Sha256ExtensionState& s) {
  std::uint8_t tail[128];
  std::memcpy(tail, s.buffer, s.buffered);
  const std::size_t tail_size = PadTail(tail, s.buffered, s.total_bytes);
  CompressBlocks(s.h, tail, tail_size / 64);
  const Hash32 out = DigestOf(s.h);
  sodium_memzero(tail, sizeof tail);
  sodium_memzero(&s, sizeof s);
  return out;
}

}  // namespace jobcard::crypto
