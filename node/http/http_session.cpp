#include "node/http/http_session.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <charconv>
#include <limits>

#include "node/http/http_dispatch.h"

namespace jobcard::node::http_internal {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {
// Bytes read per wait for a new request; what exceeds one request stays
// buffered for the next (pipelining).
constexpr std::size_t kReadChunkBytes = 4096;
// Bytes read per wait for a body, and for input discarded while lingering.
// Beast reads no more than the buffer's free capacity at a time (at least
// 512 bytes), so from the 4 KiB buffer of a request head a 1 MiB body took
// 256 reads, each a turn on the API's one thread behind every other
// connection's work: under honest load a chunked 100 MB upload then needed
// over 10 s to reach the limit and was cut off by 408 instead of 413
// (RELIABILITY.md, Hostile clients). Held only while a body is read.
constexpr std::size_t kBodyReadBytes = 64 * 1024;
// A closing connection discards at most this much unread input: what an
// uploading client had in flight in the loopback socket buffers when the
// refusal reached it (about 3-4 MiB measured) must be read, or the close
// resets the connection and the client may lose the refusal.
constexpr std::size_t kMaxLingerBytes = 8 * 1024 * 1024;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
}  // namespace

HttpSession::HttpSession(std::shared_ptr<ServerCore> core, tcp::socket socket)
    : core_(std::move(core)), stream_(std::move(socket)), deadline_(stream_.get_executor()) {}

HttpSession::~HttpSession() {
  ReleaseLargeBody();
  if (admission_ == Admission::kServe) core_->metrics.ConnectionClosed();
  core_->registry.Release(id_, admission_);
}

void HttpSession::Start(Admission admission, std::uint64_t id) {
  admission_ = admission;
  id_ = id;
  if (admission == Admission::kServe) core_->metrics.ConnectionOpened();
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    if (self->admission_ == Admission::kReject) {
      self->RefuseConnection(http::status::service_unavailable, "http.over_capacity",
                             "the server has too many connections; retry later");
    } else if (self->admission_ == Admission::kRejectAddress) {
      self->RefuseConnection(http::status::too_many_requests, "http.too_many_connections",
                             "too many connections from your address; close some and retry");
    } else {
      self->WaitForRequest();
    }
  });
}

void HttpSession::RefuseConnection(http::status status, const char* code, const char* message) {
  Send(ToWire(HttpResponse::Failure(status, code, message), /*keep_alive=*/false, /*head_request=*/false),
       /*keep_alive=*/false);
}

void HttpSession::Shutdown() {
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    self->stopping_ = true;
    if (self->phase_ == Phase::kIdle || self->phase_ == Phase::kLingering) self->Close();
  });
}

void HttpSession::WaitForRequest() {
  if (stopping_) return Close();
  if (buffer_.size() > 0) return BeginRequest();  // a pipelined request is already here
  phase_ = Phase::kIdle;
  stream_.expires_after(requests_served_ == 0 ? core_->limits.request_timeout
                                              : core_->limits.idle_keepalive_timeout);
  stream_.async_read_some(buffer_.prepare(kReadChunkBytes),
                          [self = shared_from_this()](beast::error_code ec, std::size_t bytes) {
                            self->buffer_.commit(bytes);
                            if (ec || self->stopping_) return self->Close();  // silence, EOF, reset or Stop
                            self->BeginRequest();
                          });
}

void HttpSession::BeginRequest() {
  phase_ = Phase::kReading;
  core_->metrics.RequestStarted();
  request_started_ = std::chrono::steady_clock::now();
  deadline_passed_ = false;
  // The whole request shares one deadline, however slowly it trickles in.
  stream_.expires_never();
  deadline_.expires_after(core_->limits.request_timeout);
  deadline_.async_wait([self = shared_from_this(), generation = ++deadline_generation_](beast::error_code ec) {
    self->OnDeadline(ec, generation);
  });
  parser_.emplace();
  // Both limits are set before the first byte is parsed.
  parser_->header_limit(static_cast<std::uint32_t>(
      std::min<std::size_t>(core_->limits.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
  // The route is not known yet: the largest limit any route has, narrowed to
  // the request's own route once its header is read (BodyFitsItsRoute).
  parser_->body_limit(core_->largest_body_bytes);
  http::async_read_header(stream_, buffer_, *parser_,
                          [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnHeader(ec); });
}

void HttpSession::OnHeader(beast::error_code ec) {
  if (ec) return OnReadError(ec);
  switch (AdmitBody()) {
    case BodyAdmission::kAdmitted: break;
    case BodyAdmission::kTooLarge:
      StopDeadline();
      return RefuseBodyTooLarge();
    case BodyAdmission::kNoRoomForLargeBody:
      StopDeadline();
      return Refuse(http::status::service_unavailable, "http.over_capacity",
                    "the server is reading too many large request bodies; retry later");
  }
  // curl and others wait for this before sending a body (RFC 9110 §10.1.1).
  if (!parser_->is_done() && beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
    net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                     [self = shared_from_this()](beast::error_code write_ec, std::size_t) {
                       if (write_ec) return self->OnReadError(write_ec);
                       self->ReadBody();
                     });
    return;
  }
  ReadBody();
}

// The parser was bounded by the largest body any route reads; the request's
// own route may allow less (the server's default, for most). A declared
// Content-Length is checked here, before any of the body is read or a
// 100 Continue invites it; a chunked body is bounded by the parser from now on.
// A body the server's own limit would refuse (declared over it, or chunked,
// its size unknown) takes one of max_large_bodies places until it is handled.
HttpSession::BodyAdmission HttpSession::AdmitBody() {
  if (!core_->routes_limit_bodies) return BodyAdmission::kAdmitted;  // the parser already holds the one limit
  const auto& header = parser_->get();
  const boost::beast::string_view target = header.target();
  const std::size_t limit =
      BodyLimitFor(core_->router, core_->limits, header.method(), std::string_view(target.data(), target.size()));
  const std::uint64_t declared = parser_->content_length().value_or(0);
  if (declared > limit) return BodyAdmission::kTooLarge;
  parser_->body_limit(limit);
  if (limit > core_->limits.max_body_bytes && (declared > core_->limits.max_body_bytes || parser_->chunked())) {
    if (core_->large_bodies.fetch_add(1) >= core_->limits.max_large_bodies) {
      core_->large_bodies.fetch_sub(1);
      return BodyAdmission::kNoRoomForLargeBody;
    }
    holds_large_body_ = true;
  }
  return BodyAdmission::kAdmitted;
}

void HttpSession::ReleaseLargeBody() {
  if (!holds_large_body_) return;
  holds_large_body_ = false;
  core_->large_bodies.fetch_sub(1);
}

void HttpSession::ReadBody() {
  if (!parser_->is_done()) buffer_.reserve(kBodyReadBytes);
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnRequest(ec); });
}

void HttpSession::OnDeadline(beast::error_code ec, std::uint64_t generation) {
  if (ec || generation != deadline_generation_ || phase_ != Phase::kReading) return;
  deadline_passed_ = true;
  beast::error_code ignored;
  stream_.socket().cancel(ignored);  // the pending read ends with operation_aborted
}

void HttpSession::StopDeadline() {
  ++deadline_generation_;
  deadline_.cancel();
}

void HttpSession::OnRequest(beast::error_code ec) {
  if (ec) return OnReadError(ec);
  StopDeadline();
  http::request<http::string_body> request = parser_->release();
  parser_.reset();
  ShrinkBuffer();
  const bool head_request = request.method() == http::verb::head;
  const bool client_keeps_alive = request.keep_alive();
  const auto handling_started = std::chrono::steady_clock::now();
  DispatchResult result = Dispatch(core_->router, core_->limits, std::move(request));
  ReleaseLargeBody();  // the handler is done with the body
  ++requests_served_;
  const bool keep_alive = client_keeps_alive && !stopping_ &&
                          requests_served_ < core_->limits.max_requests_per_connection;
  core_->metrics.RecordRequest(result.route, static_cast<unsigned>(result.response.status), Since(handling_started),
                               result.handler_threw);
  Send(ToWire(result.response, keep_alive, head_request), keep_alive);
}

void HttpSession::OnReadError(beast::error_code ec) {
  StopDeadline();
  ReleaseLargeBody();
  if (deadline_passed_) {
    core_->metrics.RequestTimedOut();
    return Refuse(http::status::request_timeout, "http.request_timeout",
                  "the request did not arrive within the time limit");
  }
  if (ec == http::error::body_limit) {
    // Lingering after this 413 helps a client whose unsent rest is small (a
    // body a little over the limit) read it without a reset. One that
    // declared more than lingering may discard gets the reset anyway, only
    // later: draining its first 8 MiB just lets it keep the API's thread and
    // the machine busy. Measured with `jobcard_attack --attack huge-body`
    // (Release): honest p50 x22-24 while lingering, x1.3-1.4 without, every
    // 100 MB upload still reading its 413 (RELIABILITY.md, Hostile clients).
    // A chunked body's size is unknown, but refused it has already passed
    // the limit and the client is still sending: lingering drained up to
    // 8 MiB of each 100 MB chunked upload (honest p50 x1.2-6.8), so it is
    // closed at once too. A client that sent a little over the limit whole
    // still reads its 413 (already in its socket before the reset).
    return RefuseBodyTooLarge();
  }
  if (ec == http::error::header_limit) {
    return Refuse(http::status::request_header_fields_too_large, "http.headers_too_large",
                  "the request header fields are too large");
  }
  // Any other parser complaint is a malformed request; the client giving up
  // mid-request (partial_message, EOF, reset) or Stop() just closes.
  if (ec.category() == beast::error_code(http::error::bad_target).category() && ec != http::error::end_of_stream &&
      ec != http::error::partial_message) {
    return Refuse(http::status::bad_request, "http.bad_request", "the request is not well-formed HTTP/1.1");
  }
  Close();
}

void HttpSession::Refuse(http::status status, const char* code, const char* message) {
  parser_.reset();
  core_->metrics.RecordRequest(kUnmatchedRoute, static_cast<unsigned>(status), Since(request_started_), false);
  // After a refused request the rest of the stream cannot be trusted to be
  // framed right, so the connection always closes.
  RefuseConnection(status, code, message);
}

void HttpSession::RefuseBodyTooLarge() {
  if (DeclaredBodyBytes() > kMaxLingerBytes || RefusedChunkedBody()) linger_ = false;
  Refuse(http::status::payload_too_large, "http.body_too_large", "the request body is too large");
}

void HttpSession::Send(WireResponse response, bool keep_alive) {
  phase_ = Phase::kWriting;
  response_ = std::move(response);
  stream_.expires_after(core_->limits.request_timeout);  // a client that does not read
  http::async_write(stream_, *response_, [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
    self->OnWrite(ec, keep_alive);
  });
}

void HttpSession::OnWrite(beast::error_code ec, bool keep_alive) {
  response_.reset();
  if (ec) return Close();
  if (keep_alive && !stopping_) return WaitForRequest();
  Linger();
}

// Closing with unread input makes the kernel send a reset, which can destroy
// the response before the client reads it (a 413 while the client is still
// uploading). So: stop sending, discard input for a while, then close.
void HttpSession::Linger() {
  if (phase_ != Phase::kLingering) {
    phase_ = Phase::kLingering;
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(core_->limits.linger_timeout);
  }
  if (stopping_ || !linger_ || lingered_bytes_ > kMaxLingerBytes) return Close();
  buffer_.consume(buffer_.size());
  stream_.async_read_some(buffer_.prepare(kBodyReadBytes),
                          [self = shared_from_this()](beast::error_code ec, std::size_t bytes) {
                            self->lingered_bytes_ += bytes;
                            if (ec) return self->Close();  // EOF: the client has read and left
                            self->Linger();
                          });
}

void HttpSession::Close() {
  if (phase_ == Phase::kClosed) return;
  phase_ = Phase::kClosed;
  StopDeadline();
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.close();
}

// The Content-Length the request being read declared; 0 if none or unreadable.
// Read from the field, not the parser's content_length(): Beast refuses a
// declared length over body_limit before it marks the header done, and
// content_length() asserts on a header that is not.
std::uint64_t HttpSession::DeclaredBodyBytes() const {
  if (!parser_) return 0;
  const auto field = parser_->get()[http::field::content_length];
  std::uint64_t bytes = 0;
  const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), bytes);
  return error == std::errc() && end == field.data() + field.size() ? bytes : 0;
}

// Beast refuses a chunked body at the chunk header that would pass the
// limit, so the header is done and says chunked.
bool HttpSession::RefusedChunkedBody() const { return parser_ && parser_->is_header_done() && parser_->chunked(); }

// A kept-alive connection waits with a small buffer again (a pipelined
// request already read stays in it).
void HttpSession::ShrinkBuffer() {
  if (buffer_.capacity() > kReadChunkBytes && buffer_.size() <= kReadChunkBytes) buffer_.shrink_to_fit();
}

std::chrono::microseconds HttpSession::Since(std::chrono::steady_clock::time_point start) const {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
}

}  // namespace jobcard::node::http_internal
