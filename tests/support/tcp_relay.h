// A TCP relay on 127.0.0.1 for fault-injection tests: each link listens on a
// port the kernel picks and forwards every connection it accepts to one
// target port, byte for byte, in both directions. The test gives a node the
// link's port in place of its peer's own, so that it can cut the link
// (live connections are dropped at once, new ones are closed as soon as
// they are accepted) and restore it, without privileges or network
// namespaces. One thread polls every socket; sockets are non-blocking and
// each direction buffers at most kMaxBufferedBytes, so a peer that stops
// reading (a SIGSTOPped node) stalls only its own connection.
//
// A link can also be made unreliable (SetImpairment): every chunk read is
// held for a random delay (jitter) before it is forwarded, live connections
// are reset at random and stall (forward nothing) for a while at random. A
// TCP stream cannot reorder its own bytes, so each direction keeps its order
// (a chunk never overtakes the one before it); messages on different links
// are reordered against each other. The randomness is seeded (SetSeed).
#pragma once

#include <netinet/in.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace jobcard::testing {

// 127.0.0.1:port (0: any port the kernel picks), for bind and connect.
sockaddr_in LoopbackAddress(std::uint16_t port);

// What an impaired link does to its connections (all zero: a clean link).
struct LinkImpairment {
  std::uint32_t delay_min_ms = 0;  // each chunk is held a uniform random time in [min, max]
  std::uint32_t delay_max_ms = 0;
  double resets_per_second = 0;    // per connection: the chance of a reset in a second
  double stalls_per_second = 0;    // per connection: the chance it stalls in a second
  std::uint32_t stall_ms = 0;      // how long a stall lasts
  bool operator==(const LinkImpairment&) const = default;
};

// What the relay did to the links: counted by the relay thread.
struct RelayCounts {
  std::uint64_t resets = 0;  // random resets of impaired connections
  std::uint64_t stalls = 0;  // random stalls begun
  std::uint64_t delayed_chunks = 0;
};

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
  // Makes `link` unreliable, or clean again with LinkImpairment{}.
  void SetImpairment(int link, const LinkImpairment& impairment);
  // Seeds the random delays, resets and stalls (default 1).
  void SetSeed(std::uint64_t seed);
  RelayCounts Counts() const;

 private:
  using Clock = std::chrono::steady_clock;
  struct Link {
    int listen_fd = -1;
    std::uint16_t target_port = 0;
    bool open = true;
    LinkImpairment impairment;
  };
  // One direction of a connection: chunks held until their time, then bytes
  // ready to write.
  struct Direction {
    std::deque<std::pair<Clock::time_point, std::string>> held;
    std::size_t held_bytes = 0;
    Clock::time_point last_release{};
    std::string ready;
    std::size_t bytes() const { return held_bytes + ready.size(); }
  };
  struct Connection {
    int link = 0;
    int client_fd = -1;  // accepted from the node that dialled
    int target_fd = -1;  // to the node dialled
    Direction to_target;
    Direction to_client;
    Clock::time_point stalled_until{};
  };

  void Loop();
  void AcceptOn(int link_id, Link& link);
  // Moves bytes for one connection; false when it is finished.
  bool Pump(Connection& c, const LinkImpairment& impairment, short client_events, short target_events);
  // Reads what `from` has into `into`, held for a delay when the link is impaired.
  bool Receive(int from, Direction& into, const LinkImpairment& impairment);
  // Moves the held chunks whose time has come to `ready`, unless stalled.
  void Release(Connection& c, Direction& d) const;
  // Draws the random reset or stall of an impaired connection for `elapsed`; false when reset.
  bool Misbehave(Connection& c, const LinkImpairment& impairment, double elapsed_seconds);

  mutable std::mutex mutex_;  // links_ and the counts read by other threads
  std::map<int, Link> links_;
  std::vector<std::unique_ptr<Connection>> connections_;  // touched by the relay thread only
  std::map<int, std::size_t> connection_counts_;
  std::mt19937_64 random_{1};  // the relay thread's, seeded before Start
  RelayCounts counts_;         // under mutex_
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace jobcard::testing
