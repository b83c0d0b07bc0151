#include "crypto/random.h"

#include <sodium.h>

#include "crypto/sodium_init.h"

namespace jobcard::crypto {

SecureBuffer RandomSecret(std::size_t size) {
  EnsureSodium();
  SecureBuffer out(size);
  randombytes_buf(out.data(), out.size());
  return out;
}

}  // namespace jobcard::crypto
