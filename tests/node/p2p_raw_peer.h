// A hand-driven peer for the TCP bus tests: a blocking POSIX socket with a
// receive timeout, run on a helper thread while the test's io_context runs
// the bus. It speaks the handshake through the pure Handshake class and can
// then misbehave (tamper, replay, oversize, never read).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <cerrno>
#include <chrono>
#include <functional>
#include <future>
#include <optional>

#include "node/p2p/frame_codec.h"
#include "node/p2p/handshake.h"
#include "tests/support/io_run.h"

namespace jobcard::node::p2p::testing {

class RawPeer {
 public:
  // Connects to 127.0.0.1:port. `receive_buffer_bytes` > 0 shrinks SO_RCVBUF
  // (a peer that never reads then fills up quickly).
  explicit RawPeer(std::uint16_t port, int receive_buffer_bytes = 0) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (receive_buffer_bytes > 0) {
      ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer_bytes, sizeof receive_buffer_bytes);
    }
    timeval timeout{2, 0};  // every blocking read ends within 2 s
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~RawPeer() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawPeer(const RawPeer&) = delete;
  RawPeer& operator=(const RawPeer&) = delete;

  bool connected() const { return connected_; }

  bool Write(ByteView bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return false;
      done += static_cast<std::size_t>(n);
    }
    return true;
  }

  // Exactly n bytes, or nothing on end of stream, error or timeout.
  std::optional<Bytes> Read(std::size_t n) {
    Bytes out(n);
    std::size_t done = 0;
    while (done < n) {
      const ssize_t got = ::recv(fd_, out.data() + done, n - done, 0);
      if (got <= 0) return std::nullopt;
      done += static_cast<std::size_t>(got);
    }
    return out;
  }

  // True when the other end closes the connection within `limit` (reads and
  // discards whatever arrives first).
  bool ClosedWithin(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    std::uint8_t sink[4096];
    while (std::chrono::steady_clock::now() < deadline) {
      const ssize_t got = ::recv(fd_, sink, sizeof sink, 0);
      if (got == 0) return true;
      if (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return true;  // reset
    }
    return false;
  }

  // Runs the initiator's side of the handshake; the session on success.
  std::optional<LinkSession> HandshakeAsInitiator(HandshakeSettings settings, std::uint8_t ephemeral_byte) {
    FixedBytes<32> secret{};
    secret.fill(ephemeral_byte);
    Handshake handshake(Handshake::Role::kInitiator, std::move(settings), secret);
    if (!Write(handshake.Start())) return std::nullopt;
    auto message2 = Read(kHandshakeMessage2Bytes);
    if (!message2) return std::nullopt;
    auto message3 = handshake.Receive(*message2);
    if (!message3.ok() || !Write(*message3)) return std::nullopt;
    return handshake.session();
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

// Runs `io` until `done()` or the deadline; true if `done()` became true.
inline bool RunUntil(boost::asio::io_context& io, const std::function<bool()>& done,
                     std::chrono::milliseconds limit = std::chrono::milliseconds(10000)) {
  return jobcard::testing::RunIoUntil(io, done, limit);
}

// Runs `script` on a helper thread while `io` runs here; its result.
template <typename T>
T RunBeside(boost::asio::io_context& io, std::function<T()> script) {
  auto future = std::async(std::launch::async, std::move(script));
  RunUntil(io, [&] { return future.wait_for(std::chrono::seconds(0)) == std::future_status::ready; },
           std::chrono::milliseconds(20000));
  return future.get();
}

}  // namespace jobcard::node::p2p::testing
