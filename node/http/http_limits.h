// HttpLimits: every bound the HTTP server enforces on a client. The server
// faces hostile clients, so each resource a connection can hold (bytes,
// time, a connection slot, a request count) has a limit here; spec/http.md
// documents the defaults and what a client sees when it crosses one.
#pragma once

#include <chrono>
#include <cstddef>

namespace jobcard::node {

// The hard ceiling of a route's own body limit (RouteOptions::max_body_bytes):
// what one connection may make the server hold for a request, whatever a
// route asks for. A larger route limit aborts at registration.
inline constexpr std::size_t kMaxRouteBodyBytes = 16 * 1024 * 1024;

struct HttpLimits {
  // Larger bodies are refused with 413 before they are read (from
  // Content-Length) or as soon as the chunked total passes the limit.
  std::size_t max_body_bytes = 1024 * 1024;
  // Requests with a body over max_body_bytes (which only a route with its own
  // larger limit accepts) being read or handled at once; the next is answered
  // 503 and closed. With the connection limit, this bounds what bodies can
  // hold: max_connections × max_body_bytes + this × the largest route limit.
  std::size_t max_large_bodies = 8;
  // The request line and all header fields together; larger → 431.
  std::size_t max_header_bytes = 16 * 1024;
  // Open connections being served; the next one is answered 503 and closed.
  std::size_t max_connections = 256;
  // Open connections served from one source address (IPv4 or IPv6, the
  // whole address); the next one from it is answered 429 and closed, so one
  // flooding client leaves the other slots to everyone else.
  std::size_t max_connections_per_address = 64;
  // From the first byte of a request to its last; also how long a new
  // connection may stay silent. Bounds slow senders (slowloris) → 408.
  std::chrono::milliseconds request_timeout{10'000};
  // How long a kept-alive connection may wait for its next request.
  std::chrono::milliseconds idle_keepalive_timeout{30'000};
  // After this many responses the connection is closed (Connection: close),
  // so one client cannot hold a slot forever.
  std::size_t max_requests_per_connection = 1000;
  // The request target (path and query); longer → 414.
  std::size_t max_target_bytes = 2048;
  // Query parameters in one request; more → 400.
  std::size_t max_query_params = 32;
  // After a response that closes the connection, how long unread input is
  // drained so that the client reads the response instead of a reset.
  std::chrono::milliseconds linger_timeout{2'000};
};

}  // namespace jobcard::node
