#include "tests/support/tcp_relay.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace jobcard::testing {

sockaddr_in LoopbackAddress(std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

namespace {

void MakeNonBlocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL, 0) | O_NONBLOCK); }

// Closing with SO_LINGER 0 sends a reset: the node sees its peer gone at
// once, as it would when a cable is cut and the far side's stack answers.
void Reset(int fd) {
  if (fd < 0) return;
  linger hard{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
  ::close(fd);
}

// Reads what is available from `from` into `into`, at most `room` bytes;
// false on end of stream or error.
bool ReadInto(int from, std::string& into, std::size_t room) {
  char buffer[16384];
  while (room > 0) {
    ssize_t n = ::read(from, buffer, std::min(sizeof buffer, room));
    if (n > 0) {
      into.append(buffer, static_cast<std::size_t>(n));
      room -= static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    if (n < 0 && errno == EINTR) continue;
    return false;
  }
  return true;
}

// Writes what it can of `from` to `to`; false on error.
bool WriteFrom(std::string& from, int to) {
  while (!from.empty()) {
    ssize_t n = ::send(to, from.data(), from.size(), MSG_NOSIGNAL);
    if (n > 0) {
      from.erase(0, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    if (n < 0 && errno == EINTR) continue;
    return false;
  }
  return true;
}

}  // namespace

TcpRelay::~TcpRelay() {
  Stop();
  for (auto& c : connections_) {
    Reset(c->client_fd);
    Reset(c->target_fd);
  }
  for (auto& [id, link] : links_) {
    if (link.listen_fd >= 0) ::close(link.listen_fd);
  }
}

std::uint16_t TcpRelay::AddLink(int link, std::uint16_t target_port, std::string* error) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address = LoopbackAddress(0);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(fd, 16) != 0) {
    if (error) *error = std::string("relay listen: ") + std::strerror(errno);
    if (fd >= 0) ::close(fd);
    return 0;
  }
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  MakeNonBlocking(fd);
  std::lock_guard lock(mutex_);
  links_[link] = Link{fd, target_port, true, LinkImpairment{}};
  return ntohs(address.sin_port);
}

void TcpRelay::Start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void TcpRelay::Stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void TcpRelay::SetOpen(int link, bool open) {
  std::lock_guard lock(mutex_);
  auto it = links_.find(link);
  if (it != links_.end()) it->second.open = open;
}

bool TcpRelay::IsOpen(int link) const {
  std::lock_guard lock(mutex_);
  auto it = links_.find(link);
  return it != links_.end() && it->second.open;
}

void TcpRelay::SetImpairment(int link, const LinkImpairment& impairment) {
  std::lock_guard lock(mutex_);
  auto it = links_.find(link);
  if (it != links_.end()) it->second.impairment = impairment;
}

void TcpRelay::SetSeed(std::uint64_t seed) {
  std::lock_guard lock(mutex_);  // taken by the relay thread around every draw
  random_.seed(seed);
}

RelayCounts TcpRelay::Counts() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

std::size_t TcpRelay::Connections(int link) const {
  std::lock_guard lock(mutex_);
  auto it = connection_counts_.find(link);
  return it == connection_counts_.end() ? 0 : it->second;
}

void TcpRelay::AcceptOn(int link_id, Link& link) {
  for (;;) {
    int client = ::accept4(link.listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) return;
    if (!link.open) {
      Reset(client);
      continue;
    }
    int target = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address = LoopbackAddress(link.target_port);
    // A blocking connect on loopback is answered at once: refused when
    // nothing listens, accepted by the kernel even when the node is paused.
    if (target < 0 || ::connect(target, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      Reset(client);
      if (target >= 0) ::close(target);
      continue;
    }
    int one = 1;
    ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ::setsockopt(target, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    MakeNonBlocking(client);
    MakeNonBlocking(target);
    auto c = std::make_unique<Connection>();
    c->link = link_id;
    c->client_fd = client;
    c->target_fd = target;
    connections_.push_back(std::move(c));
  }
}

bool TcpRelay::Receive(int from, Direction& into, const LinkImpairment& impairment) {
  if (impairment.delay_max_ms == 0) return ReadInto(from, into.ready, kMaxBufferedBytes - std::min(kMaxBufferedBytes, into.bytes()));
  std::string chunk;
  const bool alive = ReadInto(from, chunk, kMaxBufferedBytes - std::min(kMaxBufferedBytes, into.bytes()));
  if (!chunk.empty()) {
    std::uniform_int_distribution<std::uint32_t> delay(impairment.delay_min_ms, std::max(impairment.delay_min_ms, impairment.delay_max_ms));
    // In order: a chunk leaves no earlier than the one read before it.
    into.last_release = std::max(into.last_release, Clock::now() + std::chrono::milliseconds(delay(random_)));
    into.held_bytes += chunk.size();
    into.held.emplace_back(into.last_release, std::move(chunk));
    ++counts_.delayed_chunks;
  }
  return alive;
}

void TcpRelay::Release(Connection& c, Direction& d) const {
  const auto now = Clock::now();
  if (now < c.stalled_until) return;
  while (!d.held.empty() && d.held.front().first <= now) {
    d.held_bytes -= d.held.front().second.size();
    d.ready += d.held.front().second;
    d.held.pop_front();
  }
}

bool TcpRelay::Misbehave(Connection& c, const LinkImpairment& impairment, double elapsed_seconds) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  if (impairment.resets_per_second > 0 && unit(random_) < impairment.resets_per_second * elapsed_seconds) {
    ++counts_.resets;
    return false;
  }
  if (impairment.stalls_per_second > 0 && Clock::now() >= c.stalled_until &&
      unit(random_) < impairment.stalls_per_second * elapsed_seconds) {
    ++counts_.stalls;
    c.stalled_until = Clock::now() + std::chrono::milliseconds(impairment.stall_ms);
  }
  return true;
}

bool TcpRelay::Pump(Connection& c, const LinkImpairment& impairment, short client_events, short target_events) {
  if ((client_events & (POLLERR | POLLNVAL)) || (target_events & (POLLERR | POLLNVAL))) return false;
  if ((client_events & (POLLIN | POLLHUP)) && !Receive(c.client_fd, c.to_target, impairment)) return false;
  if ((target_events & (POLLIN | POLLHUP)) && !Receive(c.target_fd, c.to_client, impairment)) return false;
  Release(c, c.to_target);
  Release(c, c.to_client);
  return WriteFrom(c.to_target.ready, c.target_fd) && WriteFrom(c.to_client.ready, c.client_fd);
}

void TcpRelay::Loop() {
  auto last_round = Clock::now();
  while (!stopping_) {
    std::vector<pollfd> fds;
    std::vector<int> listen_links;
    bool holding = false;  // some chunk waits for its time: poll briefly
    {
      std::lock_guard lock(mutex_);
      // Cut links drop what they carry before anything else moves.
      for (auto& c : connections_) {
        if (!links_[c->link].open) {
          Reset(c->client_fd);
          Reset(c->target_fd);
          c->client_fd = c->target_fd = -1;
        }
      }
      std::erase_if(connections_, [](const auto& c) { return c->client_fd < 0; });
      for (auto& [id, link] : links_) {
        fds.push_back({link.listen_fd, POLLIN, 0});
        listen_links.push_back(id);
      }
      connection_counts_.clear();
      for (auto& c : connections_) {
        ++connection_counts_[c->link];
        holding = holding || !c->to_target.held.empty() || !c->to_client.held.empty();
      }
    }
    const std::size_t first_connection = fds.size();
    for (auto& c : connections_) {
      short to_client_room = c->to_client.bytes() < kMaxBufferedBytes ? POLLIN : 0;
      short to_target_room = c->to_target.bytes() < kMaxBufferedBytes ? POLLIN : 0;
      fds.push_back({c->client_fd, static_cast<short>(to_target_room | (c->to_client.ready.empty() ? 0 : POLLOUT)), 0});
      fds.push_back({c->target_fd, static_cast<short>(to_client_room | (c->to_target.ready.empty() ? 0 : POLLOUT)), 0});
    }
    if (::poll(fds.data(), fds.size(), holding ? 2 : 20) < 0 && errno != EINTR) break;
    const auto now = Clock::now();
    const double elapsed_seconds = std::chrono::duration<double>(now - last_round).count();
    last_round = now;
    std::lock_guard lock(mutex_);
    for (std::size_t k = 0; k < listen_links.size(); ++k) {
      if (fds[k].revents & POLLIN) AcceptOn(listen_links[k], links_[listen_links[k]]);
    }
    // Connections accepted just now are after the polled ones: their turn comes next round.
    for (std::size_t k = 0; first_connection + 2 * k + 1 < fds.size(); ++k) {
      Connection& c = *connections_[k];
      const LinkImpairment& impairment = links_[c.link].impairment;
      if (!Misbehave(c, impairment, elapsed_seconds) ||
          !Pump(c, impairment, fds[first_connection + 2 * k].revents, fds[first_connection + 2 * k + 1].revents)) {
        Reset(c.client_fd);
        Reset(c.target_fd);
        c.client_fd = c.target_fd = -1;
      }
    }
    std::erase_if(connections_, [](const auto& c) { return c->client_fd < 0; });
  }
}

}  // namespace jobcard::testing
