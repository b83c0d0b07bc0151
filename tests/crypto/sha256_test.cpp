// SHA-256 as the project computes it (crypto/hash.h: the CPU's SHA
// extensions when it has them, libsodium otherwise) against libsodium's own
// crypto_hash_sha256 and the FIPS 180-2 examples.
#include <gtest/gtest.h>
#include <sodium.h>

#include <random>
#include <string>

#include "crypto/hash.h"
#include "crypto/sha256_extensions.h"
#include "crypto/sodium_init.h"

namespace jobcard::crypto {
namespace {

Hash32 Libsodium(ByteView data) {
  EnsureSodium();
  Hash32 out{};
  crypto_hash_sha256(out.data(), data.data(), data.size());
  return out;
}

Bytes RandomBytes(std::mt19937_64& rng, std::size_t size) {
  Bytes out(size);
  for (auto& b : out) b = static_cast<std::uint8_t>(rng());
  return out;
}

// Every length from 0 to 4 blocks and a bit (each padding case: the length
// fits after the 0x80 byte or needs one more block), and some longer ones.
std::vector<std::size_t> Lengths() {
  std::vector<std::size_t> out;
  for (std::size_t n = 0; n <= 300; ++n) out.push_back(n);
  for (std::size_t n : {511u, 512u, 513u, 1000u, 4096u, 65537u}) out.push_back(n);
  return out;
}

TEST(Sha256, MatchesTheFipsExamples) {
  EXPECT_EQ(ToHex(Sha256(AsBytes(""))), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(ToHex(Sha256(AsBytes("abc"))), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(ToHex(Sha256(AsBytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  const std::string million(1000000, 'a');
  EXPECT_EQ(ToHex(Sha256(AsBytes(million))), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// Both paths of hash.h: the CPU's instructions (where it has them) and
// libsodium's (forced).
TEST(Sha256, OneShotAndIncrementalEqualLibsodiumAtEveryLength) {
  for (const bool cpu : {true, false}) {
    SCOPED_TRACE(cpu ? "CPU instructions if present" : "libsodium forced");
    SetSha256CpuExtensionsForTesting(cpu);
    EXPECT_EQ(Sha256Hasher().uses_cpu_extensions(), cpu && Sha256ExtensionsAvailable());
    std::mt19937_64 rng(256);
    for (std::size_t n : Lengths()) {
      const Bytes data = RandomBytes(rng, n);
      const Hash32 expected = Libsodium(data);
      EXPECT_EQ(Sha256(data), expected) << n << " bytes";
      // The one-call path for short public data (up to 119 bytes: one or
      // two blocks padded) and the fall-back past it.
      EXPECT_EQ(Sha256Public(data), expected) << n << " bytes, public";
      // The same bytes in up to four parts, split at random points.
      Sha256Hasher hasher;
      std::size_t at = 0;
      for (int part = 0; part < 3 && at < n; ++part) {
        const std::size_t take = rng() % (n - at + 1);
        hasher.Update(ByteView(data).subspan(at, take));
        at += take;
      }
      hasher.Update(ByteView(data).subspan(at));
      EXPECT_EQ(hasher.Finish(), expected) << n << " bytes, split";
    }
  }
  SetSha256CpuExtensionsForTesting(true);
}

// The extension path itself, called directly (hash.h uses it only on a CPU
// that has the instructions; elsewhere this test has nothing to run).
TEST(Sha256, TheCpuExtensionPathEqualsLibsodium) {
  if (!Sha256ExtensionsAvailable()) GTEST_SKIP() << "this CPU has no SHA extensions; hash.h uses libsodium";
  EXPECT_TRUE(Sha256Hasher().uses_cpu_extensions());
  std::mt19937_64 rng(257);
  for (std::size_t n : Lengths()) {
    const Bytes data = RandomBytes(rng, n);
    Sha256ExtensionState state;
    Sha256ExtensionInit(state);
    // One byte at a time through the first block, then the rest at once.
    const std::size_t bytewise = std::min<std::size_t>(n, 70);
    for (std::size_t i = 0; i < bytewise; ++i) Sha256ExtensionUpdate(state, data.data() + i, 1);
    Sha256ExtensionUpdate(state, data.data() + bytewise, n - bytewise);
    EXPECT_EQ(Sha256ExtensionFinish(state), Libsodium(data)) << n << " bytes";
    if (n <= kSha256ShortMax) {
      EXPECT_EQ(Sha256ExtensionShort(data.data(), n), Libsodium(data)) << n << " bytes, short";
    }
  }
}

}  // namespace
}  // namespace jobcard::crypto
