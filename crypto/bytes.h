// Byte containers and hex conversion shared by every room.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/result.h"

namespace jobcard {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

template <std::size_t N>
using FixedBytes = std::array<std::uint8_t, N>;

using Hash32 = FixedBytes<32>;

std::string ToHex(ByteView bytes);
// Accepts lower- or upper-case hex of even length; nothing else.
Result<Bytes> FromHex(std::string_view hex);

// Parses hex of exactly N bytes.
template <std::size_t N>
Result<FixedBytes<N>> FixedFromHex(std::string_view hex) {
  auto bytes = FromHex(hex);
  if (!bytes.ok()) return bytes.error();
  if (bytes->size() != N) {
    return MakeError("hex.length", "expected " + std::to_string(N) + " bytes of hex, got " +
                                       std::to_string(bytes->size()));
  }
  FixedBytes<N> out{};
  for (std::size_t i = 0; i < N; ++i) out[i] = (*bytes)[i];
  return out;
}

inline ByteView AsBytes(std::string_view text) {
  return ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

inline Bytes Concat(std::initializer_list<ByteView> parts) {
  Bytes out;
  for (ByteView p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

}  // namespace jobcard
