// HttpServer: a hardened HTTP/1.1 JSON server on Boost.Beast for the node's
// public API. It knows nothing of the ledger: the node registers routes.
// spec/http.md is the contract: limits, error bodies, statuses, headers.
//
// Threading: the server runs on the caller's io_context. Each connection has
// its own strand; handlers run synchronously on whichever thread runs the
// io_context, so they must be quick. With one io thread they never run
// concurrently; with several, handlers of different connections may, and
// must then be thread-safe. Route() and Listen() are for the owner's thread,
// before and at start-up; Stop(), port() and Snapshot() are safe from any
// thread (Stop not concurrently with Listen).
//
// Lifetime: the io_context must outlive the server. Destroying the server
// stops it; connections still finishing keep what they use alive.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/beast/http/verb.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include "crypto/result.h"
#include "node/http/http_limits.h"
#include "node/http/http_message.h"
#include "node/http/http_router.h"
#include "node/http/http_stats.h"

namespace jobcard::node {

namespace http_internal {
struct ServerCore;
class HttpListener;
}  // namespace http_internal

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io_context, HttpLimits limits = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Registers a handler for `method` on `pattern` ("/v1/blocks/{height}";
  // see HttpRouter for the rules). A GET route also answers HEAD. Must be
  // called before Listen; a malformed or duplicate pattern, or a call after
  // Listen, is a programming error and aborts the process.
  void Route(boost::beast::http::verb method, std::string pattern, HttpHandler handler,
             RouteOptions options = {});

  // Binds host:port (an IP literal, IPv4 or IPv6; any address is allowed,
  // the operator decides) and starts accepting. Port 0 picks a free port,
  // see port(). Errors: http.bad_address, http.listen, http.already_listening,
  // http.stopped.
  Status Listen(const std::string& host, std::uint16_t port);
  // The bound port; 0 before a successful Listen.
  std::uint16_t port() const { return port_.load(); }

  // Closes the listening socket and every connection: idle ones at once,
  // one mid-request after its response (sent with Connection: close). The
  // io_context runs out of work from this server when they are done, within
  // request_timeout + linger_timeout. Idempotent; the server cannot listen again.
  void Stop();

  HttpStats Snapshot() const;

 private:
  boost::asio::io_context& io_context_;
  std::shared_ptr<http_internal::ServerCore> core_;
  std::shared_ptr<http_internal::HttpListener> listener_;
  std::atomic<std::uint16_t> port_{0};
  std::atomic<bool> stopped_{false};
};

}  // namespace jobcard::node
