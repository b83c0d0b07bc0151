// ServerCore: what the server and all its sessions share. Sessions hold it
// by shared_ptr, so an HttpServer destroyed while connections are still
// finishing leaves them nothing dangling.
#pragma once

#include <algorithm>

#include "node/http/http_limits.h"
#include "node/http/http_router.h"
#include "node/http/http_stats.h"
#include "node/http/session_registry.h"

namespace jobcard::node::http_internal {

struct ServerCore {
  explicit ServerCore(const HttpLimits& server_limits)
      : limits(server_limits),
        registry(server_limits.max_connections, server_limits.max_connections_per_address,
                 std::max<std::size_t>(server_limits.max_connections, 1)) {}

  const HttpLimits limits;
  HttpRouter router;  // written before Listen only, then read concurrently
  HttpMetrics metrics;
  SessionRegistry registry;
};

}  // namespace jobcard::node::http_internal
