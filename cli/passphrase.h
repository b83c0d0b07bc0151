// Passphrases for key files: from the environment for scripts and tests,
// else from the terminal with echo off.
#pragma once

#include <cstddef>
#include <string>

#include "crypto/result.h"
#include "crypto/secure_buffer.h"

namespace jobcard::cli {

// Set (even to the empty string) it is used as is and nothing is asked.
inline constexpr const char* kPassphraseEnvVar = "JOBCARD_PASSPHRASE";
inline constexpr std::size_t kMaxPassphraseBytes = 1024;

enum class PassphraseUse {
  kUnlock,  // ask once
  kCreate,  // ask twice and require the same answer: a typo would lock the key away
};

// $JOBCARD_PASSPHRASE if set, else asked on /dev/tty (not stdin, so that
// output can still be piped). `prompt` is shown before the first answer.
// Errors: cli.no_passphrase (no variable and no terminal),
// cli.passphrase_mismatch, cli.passphrase_too_long, cli.terminal.
Result<crypto::SecureBuffer> GetPassphrase(PassphraseUse use, const std::string& prompt);

// One line from `fd` without its line end ("\n" or "\r\n"), at most
// `max_bytes`; end of input ends the line. Exposed for tests.
Result<crypto::SecureBuffer> ReadPassphraseLine(int fd, std::size_t max_bytes);

}  // namespace jobcard::cli
