// StartupSignals: SIGINT and SIGTERM held back while `jobcard node start`
// opens the node (config, keys, the store and its checksum verification),
// so that a stop asked for then ends the start cleanly (exit 0, the store
// closed whole) instead of killing the process mid-open (exit 143).
//
// Why blocking rather than a handler: the node's own handler (an Asio
// signal_set) is installed inside NodeService::Open; a signal blocked until
// then is either seen here (Requested) or, once Release()d, delivered to that
// handler, which stops Run() before it serves. Threads started meanwhile
// (RocksDB's) inherit the blocked mask, so the signal cannot land there.
// Must be created before any thread is started.
#pragma once

#include <signal.h>

namespace jobcard::cli {

class StartupSignals {
 public:
  StartupSignals();
  // Restores the mask, unless a stop is pending: the process is then on its
  // way out and the default action (exit 143) must not fire on the way.
  ~StartupSignals();
  StartupSignals(const StartupSignals&) = delete;
  StartupSignals& operator=(const StartupSignals&) = delete;

  // A SIGINT or SIGTERM arrived while held.
  bool Requested() const;
  // Lets the signals through again (to the handler installed by then, or the
  // default action), e.g. around a passphrase prompt that Ctrl-C must end.
  void Release();
  // Holds them again after Release().
  void Hold();

 private:
  sigset_t held_{};
  sigset_t previous_{};
  bool holding_ = false;
};

}  // namespace jobcard::cli
