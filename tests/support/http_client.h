// A small synchronous HTTP/1.1 client for tests: it can send any bytes
// (malformed requests, one byte at a time, oversized bodies) and reads one
// response with a deadline, so a misbehaving server fails a test instead of
// hanging it. Works against an in-process HttpServer or a real node process.
// Every call blocks for at most its timeout.
#pragma once

#include <poll.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jobcard::testing {

using HttpHeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpResult {
  bool ok = false;          // a complete response was read
  bool closed = false;      // !ok because the server closed or reset the connection
  bool timed_out = false;   // !ok because the timeout passed
  std::string error;        // what went wrong, when !ok
  int status = 0;
  HttpHeaderList headers;   // in the order received
  std::string body;

  // Case-insensitive; nullopt when absent.
  std::optional<std::string> Header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
      if (boost::beast::iequals(key, boost::beast::string_view(name.data(), name.size()))) return value;
    }
    return std::nullopt;
  }
};

// "METHOD target HTTP/1.1" with Host, Content-Length when there is a body
// (or the method usually has one) and the given extra fields.
inline std::string BuildHttpRequest(std::string_view method, std::string_view target, std::string_view body,
                                    const HttpHeaderList& headers, bool keep_alive) {
  std::string out = std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (const auto& [name, value] : headers) out += name + ": " + value + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT") {
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  if (!keep_alive) out += "Connection: close\r\n";
  out += "\r\n";
  out += body;
  return out;
}

class HttpConnection {
 public:
  HttpConnection(const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout)
      : stream_(io_) {
    boost::system::error_code ec;
    auto address = boost::asio::ip::make_address(host, ec);
    if (ec) {
      error_ = "bad address " + host;
      return;
    }
    stream_.expires_after(timeout);
    stream_.async_connect(boost::asio::ip::tcp::endpoint(address, port),
                          [this](boost::beast::error_code connect_ec) { Note(connect_ec); });
    Run();
    connected_ = error_.empty();
  }

  bool connected() const { return connected_; }
  const std::string& error() const { return error_; }

  // False when the bytes could not all be sent in time (closed, reset, timeout).
  bool Send(std::string_view bytes, std::chrono::milliseconds timeout) {
    if (!connected_) return false;
    error_.clear();
    stream_.expires_after(timeout);
    boost::asio::async_write(stream_, boost::asio::buffer(bytes.data(), bytes.size()),
                             [this](boost::beast::error_code ec, std::size_t) { Note(ec); });
    Run();
    return error_.empty();
  }

  // Reads one response. head_request: the response has no body.
  HttpResult ReadResponse(std::chrono::milliseconds timeout, bool head_request = false) {
    HttpResult result;
    if (!connected_) return Failed(result, boost::asio::error::not_connected);
    stream_.expires_after(timeout);
    StartRead(result, head_request);
    Run();
    return result;
  }

  // Sends while already reading, so that a server answering before the
  // upload ends (413) is seen instead of both sides blocking on writes.
  HttpResult Exchange(std::string_view bytes, std::chrono::milliseconds timeout, bool head_request = false) {
    HttpResult result;
    if (!connected_) return Failed(result, boost::asio::error::not_connected);
    stream_.expires_after(timeout);
    bool read_done = false;
    bool write_done = false;
    StartRead(result, head_request, &read_done);
    boost::asio::async_write(stream_, boost::asio::buffer(bytes.data(), bytes.size()),
                             [&write_done](boost::beast::error_code, std::size_t) { write_done = true; });
    io_.restart();
    while (!read_done && io_.run_one() > 0) {
    }
    if (!write_done) {
      // Answered mid-upload: this connection cannot carry another request.
      boost::system::error_code ignored;
      stream_.socket().cancel(ignored);
      connected_ = false;
    }
    io_.run();
    return result;
  }

  // True when the server closes the connection within `timeout`; bytes it
  // sends first are discarded.
  bool WaitForClose(std::chrono::milliseconds timeout) {
    if (!connected_) return true;
    stream_.expires_after(timeout);
    bool closed = false;
    ReadUntilClosed(closed);
    Run();
    return closed;
  }

  // Without blocking: the server has sent something or closed.
  bool PeerReadable() {
    if (!connected_) return true;
    pollfd fd{stream_.socket().native_handle(), POLLIN, 0};
    return ::poll(&fd, 1, 0) > 0;
  }

  void Close() {
    boost::system::error_code ignored;
    stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    stream_.close();
    connected_ = false;
  }

 private:
  using Parser = boost::beast::http::response_parser<boost::beast::http::string_body>;

  void Note(boost::beast::error_code ec) {
    if (ec) error_ = ec.message();
  }

  void Run() {
    io_.restart();
    io_.run();
  }

  static bool IsClose(boost::beast::error_code ec) {
    return ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset ||
           ec == boost::asio::error::broken_pipe || ec == boost::beast::http::error::end_of_stream ||
           ec == boost::beast::http::error::partial_message;
  }

  // A connection that failed once is not used again.
  HttpResult& Failed(HttpResult& result, boost::beast::error_code ec) {
    result.ok = false;
    result.error = ec.message();
    result.timed_out = ec == boost::beast::error::timeout;
    result.closed = IsClose(ec);
    connected_ = false;
    return result;
  }

  void StartRead(HttpResult& result, bool head_request, bool* done = nullptr) {
    parser_.emplace();
    parser_->body_limit(64 * 1024 * 1024);
    parser_->skip(head_request);
    boost::beast::http::async_read(stream_, buffer_, *parser_,
                                   [this, &result, done](boost::beast::error_code ec, std::size_t) {
                                     if (done != nullptr) *done = true;
                                     if (ec) {
                                       Failed(result, ec);
                                       return;
                                     }
                                     const auto& message = parser_->get();
                                     result.ok = true;
                                     result.status = static_cast<int>(message.result_int());
                                     for (const auto& field : message) {
                                       result.headers.emplace_back(std::string(field.name_string()),
                                                                   std::string(field.value()));
                                     }
                                     result.body = message.body();
                                   });
  }

  void ReadUntilClosed(bool& closed) {
    scratch_.consume(scratch_.size());
    stream_.async_read_some(scratch_.prepare(4096), [this, &closed](boost::beast::error_code ec, std::size_t) {
      if (!ec) return ReadUntilClosed(closed);
      closed = IsClose(ec);
      connected_ = false;
    });
  }

  boost::asio::io_context io_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  boost::beast::flat_buffer scratch_;
  std::optional<Parser> parser_;
  std::string error_;
  bool connected_ = false;
};

// Sends `bytes` as they are on a fresh connection and reads one response
// (head_request: the answer to a HEAD, without a body).
inline HttpResult RawExchange(const std::string& host, std::uint16_t port, std::string_view bytes,
                              std::chrono::milliseconds timeout = std::chrono::seconds(5), bool head_request = false) {
  HttpConnection connection(host, port, timeout);
  if (!connection.connected()) {
    HttpResult result;
    result.error = "connect: " + connection.error();
    return result;
  }
  return connection.Exchange(bytes, timeout, head_request);
}

// One request on a fresh connection (Connection: close).
inline HttpResult Request(const std::string& host, std::uint16_t port, std::string_view method,
                          std::string_view target, std::string_view body = {}, const HttpHeaderList& headers = {},
                          std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  return RawExchange(host, port, BuildHttpRequest(method, target, body, headers, /*keep_alive=*/false), timeout,
                     method == "HEAD");
}

}  // namespace jobcard::testing
