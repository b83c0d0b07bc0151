// Files that hold secrets (key files today; the signer's state later): read
// with a size bound and a permission check, written atomically with mode 0600.
//
// Every error code is "<domain>.<reason>", where the caller names the domain
// ("keystore"), so the codes a user sees name the thing they asked for:
//   <domain>.not_found      no file at the path
//   <domain>.not_a_file     the path is a directory, a device, a FIFO, ...
//   <domain>.insecure_mode  group or other may access the file
//   <domain>.too_large      the file is longer than the caller's bound
//   <domain>.exists         the file exists and replacing was not asked for
//   <domain>.no_space       the file system is full (ENOSPC)
//   <domain>.io             any other operating-system failure (message says which)
// Not thread-safe with respect to other writers of the same path; the atomic
// rename only guarantees that readers see the old or the new file, whole.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "crypto/result.h"

namespace jobcard::crypto {

// Reads the whole regular file at `path` (symlinks are followed). Refuses
// files longer than `max_bytes` before reading them; with
// `require_owner_only`, refuses a file whose mode grants group or other any
// access (as OpenSSH does for private keys).
Result<std::string> ReadPrivateFile(const std::filesystem::path& path, std::size_t max_bytes,
                                    bool require_owner_only, std::string_view error_domain);

// The checks WritePrivateFileAtomically makes before it writes, for callers
// that want to fail before asking the user for anything: `path` must name a
// file (not a directory, not end in '/'), and must not exist unless `replace`.
[[nodiscard]] Status CheckCanCreate(const std::filesystem::path& path, bool replace,
                                    std::string_view error_domain);

// Writes `contents` to a fresh temporary file beside `path` (O_EXCL, mode
// 0600 whatever the umask), syncs it, moves it into place and syncs the
// directory, so after a crash the path holds the old file or the new one.
// Without `replace` an existing file is never touched, even one created
// concurrently (the move is a link(2), which fails if the name exists).
[[nodiscard]] Status WritePrivateFileAtomically(const std::filesystem::path& path,
                                                std::string_view contents, bool replace,
                                                std::string_view error_domain);

}  // namespace jobcard::crypto
