// libsodium must be initialised once before use; every crypto/ entry point
// calls EnsureSodium() so that callers never have to remember.
#pragma once

namespace jobcard::crypto {

// Thread-safe, idempotent. Aborts if libsodium cannot initialise (no usable
// randomness source): continuing would produce weak keys.
void EnsureSodium();

}  // namespace jobcard::crypto
