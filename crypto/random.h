// Random secrets from the OS randomness source, for secrets that are not
// signing keys (SigningKey::Generate covers those), e.g. the registrar's
// pseudonym key.
#pragma once

#include <cstddef>

#include "crypto/secure_buffer.h"

namespace jobcard::crypto {

SecureBuffer RandomSecret(std::size_t size);

}  // namespace jobcard::crypto
