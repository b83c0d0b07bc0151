// Dispatch: everything between a complete parsed request and its response,
// with no I/O: the HTTP version and Host field, the target checks, routing (404/405), the
// JSON content-type rule (415) and the handler, whose exceptions become 500.
// Kept apart from the session so that it can be tested without sockets.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>
#include <string_view>

#include "node/http/http_limits.h"
#include "node/http/http_message.h"
#include "node/http/http_router.h"
#include "node/http/http_stats.h"

namespace jobcard::node {

struct DispatchResult {
  HttpResponse response;
  std::string route{kUnmatchedRoute};  // the matched pattern, the metrics label
  bool handler_threw = false;
};

// The body limit of the route `target` leads to: its RouteOptions::max_body_bytes,
// or limits.max_body_bytes when it has none, or when the target or the
// method matches no route (Dispatch then refuses the request anyway).
std::size_t BodyLimitFor(const HttpRouter& router, const HttpLimits& limits, boost::beast::http::verb method,
                         std::string_view target);

DispatchResult Dispatch(const HttpRouter& router, const HttpLimits& limits,
                        boost::beast::http::request<boost::beast::http::string_body>&& request);

}  // namespace jobcard::node
