// The chaos harness's TcpRelay (tests/support/tcp_relay.h) against an echo
// server on 127.0.0.1: an impaired link delays every chunk by at least its
// minimum yet keeps each connection's bytes in order, and resets
// connections at random; a clean link passes bytes through. The chaos
// scenarios (ChaosTest.SlowLossy*) trust both properties.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "tests/support/tcp_relay.h"

namespace jobcard::testing {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// Echoes every byte of one connection at a time until stopped.
class EchoServer {
 public:
  EchoServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a = LoopbackAddress(0);
    socklen_t length = sizeof a;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 8) != 0) return;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &length);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] {
      while (!stop_) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, 20) <= 0) continue;
        int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (c < 0) continue;
        char buffer[4096];
        for (;;) {
          pollfd q{c, POLLIN, 0};
          if (stop_) break;
          if (::poll(&q, 1, 20) <= 0) continue;
          ssize_t n = ::read(c, buffer, sizeof buffer);
          if (n <= 0 || ::send(c, buffer, static_cast<std::size_t>(n), MSG_NOSIGNAL) != n) break;
        }
        ::close(c);
      }
    });
  }
  ~EchoServer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    ::close(fd_);
  }
  std::uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

int Connect(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a = LoopbackAddress(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Reads until `want` bytes came, the peer closed, or the deadline; what came.
std::string ReadUpTo(int fd, std::size_t want, std::chrono::milliseconds timeout) {
  std::string got;
  const auto deadline = Clock::now() + timeout;
  char buffer[4096];
  while (got.size() < want && Clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 10) <= 0) continue;
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    got.append(buffer, static_cast<std::size_t>(n));
  }
  return got;
}

TEST(TcpRelay, ImpairedLinkDelaysEveryChunkAndKeepsTheOrder) {
  EchoServer echo;
  ASSERT_NE(echo.port(), 0);
  TcpRelay relay;
  std::string error;
  const std::uint16_t port = relay.AddLink(1, echo.port(), &error);
  ASSERT_NE(port, 0) << error;
  relay.SetSeed(7);
  relay.SetImpairment(1, LinkImpairment{40, 120, 0, 0, 0});
  relay.Start();
  int fd = Connect(port);
  ASSERT_GE(fd, 0);
  // Numbered messages written apart, so each is a chunk of its own with its own random delay.
  std::string sent;
  const auto start = Clock::now();
  for (int i = 0; i < 40; ++i) {
    const std::string message = "<" + std::to_string(i) + ">";
    ASSERT_EQ(::send(fd, message.data(), message.size(), MSG_NOSIGNAL), static_cast<ssize_t>(message.size()));
    sent += message;
    std::this_thread::sleep_for(3ms);
  }
  const std::string first = ReadUpTo(fd, 3, 5s);
  // Two impaired hops (there and back), each at least 40 ms.
  EXPECT_GE(Clock::now() - start, 80ms);
  const std::string echoed = first + ReadUpTo(fd, sent.size() - first.size(), 10s);
  EXPECT_EQ(echoed, sent) << "bytes lost or reordered within one connection";
  EXPECT_GE(relay.Counts().delayed_chunks, 2u);
  EXPECT_EQ(relay.Counts().resets, 0u);
  ::close(fd);
  relay.Stop();
}

TEST(TcpRelay, ImpairedLinkResetsConnectionsAtRandomAndACleanOneDoesNot) {
  EchoServer echo;
  TcpRelay relay;
  std::string error;
  const std::uint16_t port = relay.AddLink(1, echo.port(), &error);
  ASSERT_NE(port, 0) << error;
  relay.Start();
  int clean = Connect(port);
  ASSERT_GE(clean, 0);
  ASSERT_EQ(::send(clean, "ping", 4, MSG_NOSIGNAL), 4);
  EXPECT_EQ(ReadUpTo(clean, 4, 5s), "ping");
  ::close(clean);

  relay.SetImpairment(1, LinkImpairment{0, 0, 50.0, 0, 0});  // about one reset every 20 ms
  int doomed = Connect(port);
  ASSERT_GE(doomed, 0);
  // The relay closes it: the read ends (0 or a reset) well before the deadline.
  const auto start = Clock::now();
  ReadUpTo(doomed, 1, 5s);
  EXPECT_LT(Clock::now() - start, 4s);
  EXPECT_GE(relay.Counts().resets, 1u);
  ::close(doomed);
  relay.Stop();
}

}  // namespace
}  // namespace jobcard::testing
