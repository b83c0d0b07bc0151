// Hashing for FixedBytes<N> keys (ids, hashes, public keys) in the maps on
// the hot path: the mempool, its pending overlay, a block's state delta and
// the store's caches.
//
// Why hash maps at all: ordered maps keyed by 32-byte arrays call memcmp for
// every comparison, and on the 4-validator devnet those calls, mostly from
// maps of tens of thousands of pending ids and records, were 15 % of all
// node CPU (BENCHMARKS.md, "Hot maps"); none of these maps needs an order.
//
// FixedBytesHash is for unordered maps whose keys an outsider can choose or
// grind (transaction ids, public keys): it mixes sixteen bytes of the key
// with a random per-process seed, so nobody can aim many keys at one bucket.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "crypto/bytes.h"

namespace jobcard::crypto {

// The per-process seed (read once from the OS randomness source).
std::uint64_t FixedBytesHashSeed();

struct FixedBytesHash {
  template <std::size_t N>
  std::size_t operator()(const FixedBytes<N>& key) const noexcept {
    static_assert(N >= 16, "for hashes, ids and keys");
    std::uint64_t a, b;
    std::memcpy(&a, key.data(), 8);
    std::memcpy(&b, key.data() + 8, 8);
    // A multiply-xorshift mix (as in splitmix64) of both halves and the seed.
    std::uint64_t h = (a ^ Seed()) * 0x9e3779b97f4a7c15ull;
    h ^= b + (h >> 29);
    h *= 0xbf58476d1ce4e5b9ull;
    return static_cast<std::size_t>(h ^ (h >> 32));
  }

 private:
  static std::uint64_t Seed() {
    static const std::uint64_t seed = FixedBytesHashSeed();
    return seed;
  }
};

}  // namespace jobcard::crypto
