#include "cli/passphrase.h"

#include <fcntl.h>
#include <sodium.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>

#include "crypto/bytes.h"

namespace jobcard::cli {
namespace {

using crypto::SecureBuffer;

// A signal while echo is off would leave the user's shell without echo, so
// the handler restores the terminal and then dies of the same signal.
// Globals because a signal handler can reach nothing else.
int g_tty_fd = -1;
termios g_saved_termios{};
constexpr int kRestoreSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

extern "C" void RestoreTerminalAndReraise(int signal_number) {
  ::tcsetattr(g_tty_fd, TCSAFLUSH, &g_saved_termios);
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
}

class EchoOff {
 public:
  explicit EchoOff(int fd) {
    if (::tcgetattr(fd, &g_saved_termios) != 0) return;
    g_tty_fd = fd;
    struct sigaction action {};
    action.sa_handler = RestoreTerminalAndReraise;
    sigemptyset(&action.sa_mask);
    for (std::size_t i = 0; i < std::size(kRestoreSignals); ++i) {
      ::sigaction(kRestoreSignals[i], &action, &previous_[i]);
    }
    termios quiet = g_saved_termios;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;  // still show the newline, so the next output starts a line
    active_ = ::tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
  }
  ~EchoOff() {
    if (g_tty_fd < 0) return;
    if (active_) ::tcsetattr(g_tty_fd, TCSAFLUSH, &g_saved_termios);
    for (std::size_t i = 0; i < std::size(kRestoreSignals); ++i) {
      ::sigaction(kRestoreSignals[i], &previous_[i], nullptr);
    }
    g_tty_fd = -1;
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;
  bool active() const { return active_; }

 private:
  struct sigaction previous_[std::size(kRestoreSignals)] {};
  bool active_ = false;
};

Result<SecureBuffer> AskOnTerminal(int tty, const std::string& prompt) {
  if (::write(tty, prompt.data(), prompt.size()) < 0) {
    return MakeError("cli.terminal", std::string("cannot write to the terminal: ") + std::strerror(errno));
  }
  EchoOff echo_off(tty);
  if (!echo_off.active()) {
    return MakeError("cli.terminal", "cannot turn off echo on the terminal; set " + std::string(kPassphraseEnvVar));
  }
  return ReadPassphraseLine(tty, kMaxPassphraseBytes);
}

bool SameBytes(const SecureBuffer& a, const SecureBuffer& b) {
  return a.size() == b.size() && (a.empty() || sodium_memcmp(a.data(), b.data(), a.size()) == 0);
}

}  // namespace

Result<SecureBuffer> ReadPassphraseLine(int fd, std::size_t max_bytes) {
  SecureBuffer line(max_bytes + 1);
  std::size_t used = 0;
  bool ended = false;
  while (!ended) {
    char c = 0;
    ssize_t n = ::read(fd, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return MakeError("cli.terminal", std::string("cannot read the passphrase: ") + std::strerror(errno));
    if (n == 0 || c == '\n') {
      ended = true;
    } else if (used <= max_bytes) {
      line.data()[used++] = static_cast<std::uint8_t>(c);
    }
    // Past the bound: keep reading to the line end so that the rest of an
    // overlong answer is not left in the terminal's input for the shell.
  }
  if (used > max_bytes) {
    return MakeError("cli.passphrase_too_long",
                     "the passphrase is longer than " + std::to_string(max_bytes) + " bytes");
  }
  if (used > 0 && line.data()[used - 1] == '\r') --used;
  return SecureBuffer::CopyOf(line.view().first(used));
}

Result<SecureBuffer> GetPassphrase(PassphraseUse use, const std::string& prompt) {
  if (const char* env = std::getenv(kPassphraseEnvVar)) {
    ByteView bytes = AsBytes(env);
    if (bytes.size() > kMaxPassphraseBytes) {
      return MakeError("cli.passphrase_too_long", std::string(kPassphraseEnvVar) + " is longer than " +
                                                      std::to_string(kMaxPassphraseBytes) + " bytes");
    }
    return SecureBuffer::CopyOf(bytes);
  }
  int tty = ::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
  if (tty < 0) {
    return MakeError("cli.no_passphrase", "no terminal to ask for the passphrase; set " +
                                              std::string(kPassphraseEnvVar) + " instead");
  }
  auto first = AskOnTerminal(tty, prompt);
  if (!first.ok() || use == PassphraseUse::kUnlock) {
    ::close(tty);
    return first;
  }
  auto again = AskOnTerminal(tty, "Repeat the passphrase: ");
  ::close(tty);
  if (!again.ok()) return again.error();
  if (!SameBytes(*first, *again)) {
    return MakeError("cli.passphrase_mismatch", "the two passphrases differ");
  }
  return first;
}

}  // namespace jobcard::cli
