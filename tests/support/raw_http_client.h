// A raw HTTP/1.1 client for attacks: any bytes, sent as slowly or as fast as
// the caller wants on a non-blocking socket, while it watches for the server
// answering early (a 413 mid-upload, a 408 mid-dribble) or closing. Unlike
// http_client.h it holds no io_context, so an attacker can keep hundreds of
// them open at once. Every call is bounded by a deadline.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace jobcard::testing {

// One answer as the attacker saw it.
struct RawAnswer {
  int status = 0;        // 0: none (closed, reset or timed out before a whole status line)
  bool closed = false;   // the server closed (or reset) the connection
  std::string body;      // as received (Content-Length bodies only)
  std::string code;      // the "code" of a JSON error body; "" if the body is not one
  bool json_error = false;  // the body is a JSON object with string "code" and "message"
};

class RawHttpClient {
 public:
  using Deadline = std::chrono::steady_clock::time_point;

  RawHttpClient() = default;
  ~RawHttpClient();
  RawHttpClient(const RawHttpClient&) = delete;
  RawHttpClient& operator=(const RawHttpClient&) = delete;
  RawHttpClient(RawHttpClient&& other) noexcept;
  RawHttpClient& operator=(RawHttpClient&& other) noexcept;

  // Connects to 127.0.0.1:port; false if not within the deadline. With a
  // `source` (an address of 127.0.0.0/8, all loopback on Linux) the socket is
  // bound to it first, so that one test can be several clients' addresses.
  bool Connect(std::uint16_t port, Deadline deadline, const std::string& source = "");
  bool connected() const { return fd_ >= 0; }

  enum class SendOutcome { kSent, kServerSpoke, kFailed };
  // Sends all of `bytes` unless the server sends something (or closes)
  // first, or the deadline passes (kFailed).
  SendOutcome Send(std::string_view bytes, Deadline deadline);
  // Without blocking: the server has sent something or closed.
  bool ServerSpoke();
  // Reads one answer until it is whole, the server closes, or the deadline.
  RawAnswer ReadAnswer(Deadline deadline);
  // Sends filler bytes whatever the server answered, as an attacker does,
  // until the connection fails (`error`: its errno), `limit` bytes, or the
  // deadline (`error` 0); returns how many bytes the kernel took.
  std::size_t PushUntilStopped(std::size_t limit, Deadline deadline, int& error);
  void Close();

 private:
  // Appends what is readable now; false when the peer closed or failed.
  bool ReadAvailable();

  int fd_ = -1;
  bool peer_closed_ = false;
  std::string received_;
};

// Parses `raw` (a response's head and maybe its body); fills status, body
// and the JSON error fields.
RawAnswer ParseRawAnswer(std::string_view raw, bool closed);

}  // namespace jobcard::testing
