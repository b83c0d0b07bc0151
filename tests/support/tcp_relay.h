// A TCP relay on 127.0.0.1 for fault-injection tests: each link listens on a
// port the kernel picks and forwards every connection it accepts to one
// target port, byte for byte, in both directions. The test gives a node the
// link's port in place of its peer's own, so that it can cut the link
// (live connections are dropped at once, new ones are closed as soon as
// they are accepted) and restore it, without privileges or network
// namespaces. One thread polls every socket; sockets are non-blocking and
// each direction buffers at most kMaxBufferedBytes, so a peer that stops
// reading (a SIGSTOPped node) stalls only its own connection.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace jobcard::testing {

class TcpRelay {
 public:
  static constexpr std::size_t kMaxBufferedBytes = 1 << 20;

  TcpRelay() = default;
  ~TcpRelay();
  TcpRelay(const TcpRelay&) = delete;
  TcpRelay& operator=(const TcpRelay&) = delete;

  // Listens for link `link` (any id the caller chooses, unique) and returns
  // the port, or 0 with `error` set. Links are added before Start().
  std::uint16_t AddLink(int link, std::uint16_t target_port, std::string* error);
  void Start();
  void Stop();

  // A closed link drops its connections and refuses new ones until opened.
  void SetOpen(int link, bool open);
  bool IsOpen(int link) const;
  // Connections currently relayed on `link`.
  std::size_t Connections(int link) const;

 private:
  struct Link {
    int listen_fd = -1;
    std::uint16_t target_port = 0;
    bool open = true;
  };
  struct Connection {
    int link = 0;
    int client_fd = -1;  // accepted from the node that dialled
    int target_fd = -1;  // to the node dialled
    std::string to_target;
    std::string to_client;
  };

  void Loop();
  void AcceptOn(int link_id, Link& link);
  // Moves bytes for one connection; false when it is finished.
  bool Pump(Connection& c, short client_events, short target_events);

  mutable std::mutex mutex_;  // links_ and the counts read by other threads
  std::map<int, Link> links_;
  std::vector<std::unique_ptr<Connection>> connections_;  // touched by the relay thread only
  std::map<int, std::size_t> connection_counts_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace jobcard::testing
