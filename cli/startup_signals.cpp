#include "cli/startup_signals.h"

#include <pthread.h>

namespace jobcard::cli {

StartupSignals::StartupSignals() {
  sigemptyset(&held_);
  sigaddset(&held_, SIGINT);
  sigaddset(&held_, SIGTERM);
  Hold();
}

StartupSignals::~StartupSignals() {
  if (!Requested()) Release();
}

bool StartupSignals::Requested() const {
  sigset_t pending;
  sigemptyset(&pending);
  if (::sigpending(&pending) != 0) return false;
  return sigismember(&pending, SIGINT) == 1 || sigismember(&pending, SIGTERM) == 1;
}

void StartupSignals::Release() {
  if (!holding_) return;
  ::pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  holding_ = false;
}

void StartupSignals::Hold() {
  if (holding_) return;
  ::pthread_sigmask(SIG_BLOCK, &held_, &previous_);
  holding_ = true;
}

}  // namespace jobcard::cli
