// Key files (crypto/keystore_codec.cpp), read by every command that signs:
// the file may be damaged or planted. ParseKeystorePublic reads the header
// without the passphrase; OpenKeystore decrypts. Argon2id runs with the
// file's own cost, bounded by design (crypto/keystore.h), so opening is only
// tried on files that ask for a cheap one: the seeds do.
// Invariants: whatever opens agrees with what the header claims, and its
// seed gives the stored public key.
#include "crypto/keystore.h"
#include "tests/fuzz/fuzz_check.h"

using namespace jobcard;

namespace {
// The seeds' passphrase and the cheapest Argon2id libsodium allows.
constexpr std::string_view kPassphrase = "fuzz";
constexpr std::uint64_t kCheapOpslimit = 2;
constexpr std::uint64_t kCheapMemlimitBytes = 64 * 1024;
}  // namespace

JOBCARD_FUZZ_TARGET {
  const std::string_view text = fuzz::InputText(data, size);
  auto info = crypto::ParseKeystorePublic(text);
  if (!info.ok()) {
    FUZZ_CHECK(!info.error().code.empty());
    FUZZ_CHECK(!crypto::OpenKeystore(text, AsBytes(kPassphrase)).ok());
    return 0;
  }
  FUZZ_CHECK(info->label.size() <= crypto::kMaxKeystoreLabelBytes);
  if (info->kdf.opslimit > kCheapOpslimit || info->kdf.memlimit_bytes > kCheapMemlimitBytes) return 0;
  auto opened = crypto::OpenKeystore(text, AsBytes(kPassphrase));
  if (!opened.ok()) {
    FUZZ_CHECK(!opened.error().code.empty());
    return 0;
  }
  FUZZ_CHECK(opened->info.public_key == info->public_key);
  FUZZ_CHECK(opened->info.label == info->label);
  FUZZ_CHECK(opened->info.kdf == info->kdf);
  FUZZ_CHECK(opened->key.public_key() == info->public_key);
  return 0;
}
