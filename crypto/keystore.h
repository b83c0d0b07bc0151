// Key files: one Ed25519 seed, encrypted under a passphrase (spec/keystore.md).
//
// The seed is encrypted with XChaCha20-Poly1305 under a key that Argon2id
// derives from the passphrase; the header (format, KDF parameters, salt,
// public key, label) is the associated data, so changing any of it makes the
// file fail to open. The KDF parameters are stored in the file so that new
// files can use stronger ones without breaking old files.
//
// Error codes (stable; the CLI shows them):
//   keystore.not_found, keystore.not_a_file, keystore.too_large,
//   keystore.insecure_mode, keystore.exists, keystore.io   (see private_file.h)
//   keystore.malformed           not a well-formed keystore document
//   keystore.unsupported_format  another format version, KDF or parameter range
//   keystore.wrong_passphrase    authentication failed: wrong passphrase or altered file
//   keystore.public_key_mismatch the seed does not give the stored public key
//   keystore.weak_passphrase     empty passphrase for a new file, not allowed
//   keystore.bad_label           label too long, not UTF-8 or has control characters
//   keystore.bad_kdf_params      write asked for KDF parameters outside the range
//   keystore.kdf_failed          Argon2id could not run (out of memory)
//
// Secrets: the decrypted seed and the derived key live only in SecureBuffer
// memory. Passphrases are taken as views so that callers can keep them in a
// SecureBuffer too. All functions are thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "crypto/bytes.h"
#include "crypto/sign.h"

namespace jobcard::crypto {

inline constexpr std::string_view kKeystoreFormat = "jobcard-keystore-v1";
inline constexpr std::size_t kMaxKeystoreFileBytes = 64 * 1024;
inline constexpr std::size_t kMaxKeystoreLabelBytes = 256;

// Argon2id cost. Reading accepts libsodium's minimums up to a ceiling
// (opslimit 32, memlimit 1 GiB) that bounds what a planted file can make a
// reader spend.
struct KdfParams {
  std::uint64_t opslimit = 0;
  std::uint64_t memlimit_bytes = 0;

  // libsodium's INTERACTIVE cost (2 passes, 64 MiB): the default for new files.
  static KdfParams Interactive();
  friend bool operator==(const KdfParams&, const KdfParams&) = default;
};

struct KeystoreWriteOptions {
  std::string label;                      // shown by `key show`; not secret, but authenticated
  bool force = false;                     // replace an existing file
  bool allow_empty_passphrase = false;    // devnet keys only
  KdfParams kdf = KdfParams::Interactive();  // raise it, never lower it, except in tests
};

// What anyone who can read the file learns without the passphrase.
struct KeystorePublicInfo {
  PublicKey public_key{};
  std::string label;
  KdfParams kdf;
};

struct UnlockedKeystore {
  SigningKey key;
  KeystorePublicInfo info;
};

// --- Files -----------------------------------------------------------------

// Encrypts `key` and writes it to `path` with mode 0600, atomically.
// Refuses an existing file unless options.force.
[[nodiscard]] Status WriteKeystore(const std::filesystem::path& path, const SigningKey& key,
                                   ByteView passphrase, const KeystoreWriteOptions& options);

// The checks WriteKeystore makes on `path` before its (slow) KDF, for a
// caller that wants to fail before asking for a passphrase: keystore.exists
// (unless `force`), keystore.not_a_file (a directory or no file name).
[[nodiscard]] Status CheckKeystoreTarget(const std::filesystem::path& path, bool force);

// Reads and decrypts a key file. Refuses a file that group or other may
// access (keystore.insecure_mode).
Result<SigningKey> ReadKeystore(const std::filesystem::path& path, ByteView passphrase);

// ReadKeystore, keeping the header as well: one read, so the two agree.
Result<UnlockedKeystore> UnlockKeystore(const std::filesystem::path& path, ByteView passphrase);

// The public key and label, without the passphrase. The mode is not checked:
// nothing secret is revealed. The header is only authenticated by a read with
// the passphrase, so this is what the file claims, not a proof.
Result<KeystorePublicInfo> ReadKeystorePublic(const std::filesystem::path& path);

// --- The document, without the filesystem (for tests and fuzzing) ---------

// The key file's text (JSON) for `key` under `passphrase`.
Result<std::string> SealKeystore(const SigningKey& key, ByteView passphrase,
                                 const KeystoreWriteOptions& options);

Result<UnlockedKeystore> OpenKeystore(std::string_view text, ByteView passphrase);

Result<KeystorePublicInfo> ParseKeystorePublic(std::string_view text);

}  // namespace jobcard::crypto
