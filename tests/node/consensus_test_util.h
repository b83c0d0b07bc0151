// Small helpers shared by the consensus tests.
#pragma once

#include "crypto/bytes.h"

namespace jobcard::node::consensus {

// A recognisable 32-byte value: 32 copies of `b`.
inline Hash32 HashOf(std::uint8_t b) {
  Hash32 h{};
  h.fill(b);
  return h;
}

}  // namespace jobcard::node::consensus
