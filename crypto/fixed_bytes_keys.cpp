#include "crypto/fixed_bytes_keys.h"

#include <sodium.h>

#include "crypto/sodium_init.h"

namespace jobcard::crypto {

std::uint64_t FixedBytesHashSeed() {
  EnsureSodium();
  std::uint64_t seed = 0;
  randombytes_buf(&seed, sizeof seed);
  return seed;
}

}  // namespace jobcard::crypto
