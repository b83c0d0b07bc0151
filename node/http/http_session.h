// HttpSession: one TCP connection, from accept to close. All its handlers
// run on its own strand, so it needs no lock; Shutdown() is the only entry
// from other threads. The state machine:
//
//   idle ──first byte──▶ reading ──complete──▶ handling ─▶ writing ─┬▶ idle (keep-alive)
//     │                    │ limit, bad bytes, deadline ──▶ writing ─┤
//     └ timeout/EOF ─▶ closed                                        └▶ lingering ─▶ closed
//
// Timeouts: `idle` waits request_timeout for a new connection's first byte
// and idle_keepalive_timeout between requests (beast's expires_after, which
// closes the socket silently); `reading` has its own deadline timer of
// request_timeout from the first byte, so that it can still answer 408;
// `writing` is bounded by request_timeout, `lingering` by linger_timeout.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

#include "node/http/http_message.h"
#include "node/http/server_core.h"
#include "node/http/wire_response.h"

namespace jobcard::node::http_internal {

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(std::shared_ptr<ServerCore> core, boost::asio::ip::tcp::socket socket);
  ~HttpSession();
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  // Once, right after the registry's decision (kServe or kReject).
  void Start(Admission admission, std::uint64_t id);
  // Any thread. Idle connections close now; a request being read or
  // answered finishes first, with Connection: close.
  void Shutdown();

 private:
  enum class Phase { kStarting, kIdle, kReading, kWriting, kLingering, kClosed };

  void WaitForRequest();
  void BeginRequest();
  void OnHeader(boost::beast::error_code ec);
  void ReadBody();
  void OnRequest(boost::beast::error_code ec);
  void OnDeadline(boost::beast::error_code ec, std::uint64_t generation);
  void StopDeadline();
  void OnReadError(boost::beast::error_code ec);
  void Refuse(boost::beast::http::status status, const char* code, const char* message);
  void RefuseBodyTooLarge();
  enum class BodyAdmission { kAdmitted, kTooLarge, kNoRoomForLargeBody };
  BodyAdmission AdmitBody();
  void ReleaseLargeBody();
  // An admission refused before any request is read: answer and close.
  void RefuseConnection(boost::beast::http::status status, const char* code, const char* message);
  void Send(WireResponse response, bool keep_alive);
  void OnWrite(boost::beast::error_code ec, bool keep_alive);
  void Linger();
  void ShrinkBuffer();
  std::uint64_t DeclaredBodyBytes() const;
  bool RefusedChunkedBody() const;
  void Close();
  std::chrono::microseconds Since(std::chrono::steady_clock::time_point start) const;

  std::shared_ptr<ServerCore> core_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::optional<WireResponse> response_;  // alive while it is written
  boost::asio::steady_timer deadline_;
  std::uint64_t deadline_generation_ = 0;  // tells a stale timer completion from the live one
  bool deadline_passed_ = false;
  bool stopping_ = false;
  Phase phase_ = Phase::kStarting;
  Admission admission_ = Admission::kDrop;
  std::uint64_t id_ = 0;
  std::size_t requests_served_ = 0;
  std::size_t lingered_bytes_ = 0;
  bool linger_ = true;  // false: close at once after the response (see OnReadError)
  bool holds_large_body_ = false;  // counted in core_->large_bodies
  std::chrono::steady_clock::time_point request_started_;
};

}  // namespace jobcard::node::http_internal
