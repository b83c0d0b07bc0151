// HttpRouter: maps (method, decoded path segments) to a handler. Patterns
// are "/"-separated literals and {name} captures, e.g.
// "/v1/subjects/{id}/history". A literal beats a capture at the first
// segment where two patterns differ, so "/v1/blocks/latest" wins over
// "/v1/blocks/{height}" whatever the order of registration.
// Not thread-safe for Add; Find is const and may run on any thread once
// registration is over.
#pragma once

#include <boost/beast/http/verb.hpp>
#include <cstddef>
#include <string>
#include <vector>

#include "crypto/result.h"
#include "node/http/http_message.h"

namespace jobcard::node {

struct RouteOptions {
  // The route reads a JSON body: requests without Content-Type
  // application/json (parameters such as charset allowed) get 415.
  bool json_body = false;
  // The largest body this route reads, when it needs more than the server's
  // HttpLimits::max_body_bytes (0: that limit). At most kMaxRouteBodyBytes:
  // every connection may hold one such body, so the bound must stay hard.
  std::size_t max_body_bytes = 0;
};

struct HttpRoute {
  boost::beast::http::verb method;
  std::string pattern;
  std::vector<std::string> segments;  // literal text, or "{name}"
  HttpHandler handler;
  RouteOptions options;
};

struct RouteMatch {
  const HttpRoute* route = nullptr;               // the method and the path matched
  HttpParams params;                              // captures of `route`
  std::vector<boost::beast::http::verb> allowed;  // only the path matched: for 405's Allow
};

class HttpRouter {
 public:
  // http.bad_pattern: not "/"-rooted, an empty segment, a malformed or
  // repeated {name}, or the same method and shape registered twice.
  Status Add(boost::beast::http::verb method, std::string pattern, HttpHandler handler, RouteOptions options);

  // HEAD falls back to the GET route (the server then drops the body).
  RouteMatch Find(boost::beast::http::verb method, const std::vector<std::string>& segments) const;

 private:
  std::vector<HttpRoute> routes_;
};

// "GET, HEAD, POST": the value of an Allow field.
std::string AllowHeaderValue(const std::vector<boost::beast::http::verb>& methods);

}  // namespace jobcard::node
