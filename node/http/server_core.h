// ServerCore: what the server and all its sessions share. Sessions hold it
// by shared_ptr, so an HttpServer destroyed while connections are still
// finishing leaves them nothing dangling.
#pragma once

#include <algorithm>
#include <atomic>

#include "node/http/http_limits.h"
#include "node/http/http_router.h"
#include "node/http/http_stats.h"
#include "node/http/session_registry.h"

namespace jobcard::node::http_internal {

struct ServerCore {
  explicit ServerCore(const HttpLimits& server_limits)
      : limits(server_limits),
        largest_body_bytes(server_limits.max_body_bytes),
        registry(server_limits.max_connections, server_limits.max_connections_per_address,
                 std::max<std::size_t>(server_limits.max_connections, 1)) {}

  const HttpLimits limits;
  HttpRouter router;  // written before Listen only, then read concurrently
  // The largest body any route reads (limits.max_body_bytes or a route's own
  // RouteOptions::max_body_bytes): the parser's bound until the request's
  // route is known. Written with the router, before Listen only.
  std::size_t largest_body_bytes;
  // Whether any route has its own body limit: only then does a session look
  // its request's route up as soon as the header is read.
  bool routes_limit_bodies = false;
  // Requests holding a body over limits.max_body_bytes now (HttpLimits::max_large_bodies).
  std::atomic<std::size_t> large_bodies{0};
  HttpMetrics metrics;
  SessionRegistry registry;
};

}  // namespace jobcard::node::http_internal
