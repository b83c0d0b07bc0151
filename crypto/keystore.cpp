// Key files on disk: the document (keystore_codec.cpp) in a private file.
#include "crypto/keystore.h"

#include "crypto/private_file.h"

namespace jobcard::crypto {
namespace {
constexpr std::string_view kDomain = "keystore";
}  // namespace

Status CheckKeystoreTarget(const std::filesystem::path& path, bool force) {
  return CheckCanCreate(path, force, kDomain);
}

Status WriteKeystore(const std::filesystem::path& path, const SigningKey& key, ByteView passphrase,
                     const KeystoreWriteOptions& options) {
  // Checked before the (slow) KDF so that a refused path fails at once; the
  // write checks again, atomically.
  JOBCARD_TRY_STATUS(CheckKeystoreTarget(path, options.force));
  auto text = SealKeystore(key, passphrase, options);
  if (!text.ok()) return text.error();
  return WritePrivateFileAtomically(path, *text, options.force, kDomain);
}

Result<UnlockedKeystore> UnlockKeystore(const std::filesystem::path& path, ByteView passphrase) {
  auto text = ReadPrivateFile(path, kMaxKeystoreFileBytes, /*require_owner_only=*/true, kDomain);
  if (!text.ok()) return text.error();
  return OpenKeystore(*text, passphrase);
}

Result<SigningKey> ReadKeystore(const std::filesystem::path& path, ByteView passphrase) {
  auto unlocked = UnlockKeystore(path, passphrase);
  if (!unlocked.ok()) return unlocked.error();
  return std::move(unlocked->key);
}

Result<KeystorePublicInfo> ReadKeystorePublic(const std::filesystem::path& path) {
  auto text = ReadPrivateFile(path, kMaxKeystoreFileBytes, /*require_owner_only=*/false, kDomain);
  if (!text.ok()) return text.error();
  return ParseKeystorePublic(*text);
}

}  // namespace jobcard::crypto
