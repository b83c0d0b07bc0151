// What every fuzz target shares: the libFuzzer entry point's signature, a
// check that turns a broken invariant into a crash libFuzzer reports (with
// the input saved), and the fixed keys the targets and the seeds agree on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "crypto/bytes.h"

#define JOBCARD_FUZZ_TARGET extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)

// Not assert(): it must hold in every build type, and say which invariant broke.
#define FUZZ_CHECK(condition)                                                                   \
  do {                                                                                          \
    if (!(condition)) {                                                                         \
      std::fprintf(stderr, "%s:%d: fuzz invariant broken: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                             \
    }                                                                                           \
  } while (0)

namespace jobcard::fuzz {

inline ByteView Input(const std::uint8_t* data, std::size_t size) { return ByteView(data, size); }
inline std::string_view InputText(const std::uint8_t* data, std::size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

// The spec vectors' chain id: transactions in the seeds are signed for it.
inline constexpr std::string_view kFuzzChainId = "jobcard-vectors-v1";

}  // namespace jobcard::fuzz
