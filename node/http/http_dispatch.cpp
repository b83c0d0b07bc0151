#include "node/http/http_dispatch.h"

#include <boost/beast/core/string.hpp>
#include <exception>

#include "node/http/request_target.h"

namespace jobcard::node {

namespace http = boost::beast::http;

namespace {

// "application/json" with any parameters ("; charset=utf-8"), any case.
bool IsJsonContentType(boost::beast::string_view value) {
  boost::beast::string_view media = value.substr(0, value.find(';'));
  while (!media.empty() && (media.back() == ' ' || media.back() == '\t')) media.remove_suffix(1);
  return boost::beast::iequals(media, "application/json");
}

http::status StatusOfTargetError(const Error& error) {
  return error.code == "http.target_too_long" ? http::status::uri_too_long : http::status::bad_request;
}

DispatchResult CallHandler(const HttpRoute& route, HttpRequest&& request) {
  DispatchResult result;
  result.route = route.pattern;
  // The server must outlive any handler bug: nothing may escape to the io loop.
  // The exception text stays inside: it may describe internals.
  try {
    result.response = route.handler(request);
  } catch (...) {
    result.handler_threw = true;
    result.response = HttpResponse::Failure(http::status::internal_server_error, "http.internal",
                                            "the server failed to handle the request");
  }
  return result;
}

}  // namespace

std::size_t BodyLimitFor(const HttpRouter& router, const HttpLimits& limits, http::verb method,
                         std::string_view target) {
  auto parsed = ParseRequestTarget(target, limits.max_target_bytes, limits.max_query_params);
  if (!parsed.ok()) return limits.max_body_bytes;
  const RouteMatch match = router.Find(method, parsed->segments);
  if (match.route == nullptr || match.route->options.max_body_bytes == 0) return limits.max_body_bytes;
  return match.route->options.max_body_bytes;
}

DispatchResult Dispatch(const HttpRouter& router, const HttpLimits& limits,
                        http::request<http::string_body>&& request) {
  DispatchResult result;
  if (request.version() != 11) {
    result.response = HttpResponse::Failure(http::status::http_version_not_supported, "http.version_not_supported",
                                            "only HTTP/1.1 is served");
    return result;
  }
  // RFC 9112 §3.2: a server MUST answer 400 to an HTTP/1.1 request without
  // exactly one Host field.
  if (request.count(http::field::host) != 1) {
    result.response = HttpResponse::Failure(http::status::bad_request, "http.bad_request",
                                            "an HTTP/1.1 request needs exactly one Host field");
    return result;
  }
  boost::beast::string_view raw_target = request.target();
  auto target = ParseRequestTarget(std::string_view(raw_target.data(), raw_target.size()), limits.max_target_bytes,
                                   limits.max_query_params);
  if (!target.ok()) {
    result.response = HttpResponse::Failure(StatusOfTargetError(target.error()), target.error());
    return result;
  }
  RouteMatch match = router.Find(request.method(), target->segments);
  if (match.route == nullptr) {
    if (match.allowed.empty()) {
      result.response = HttpResponse::Failure(http::status::not_found, "http.not_found", "no such resource");
    } else {
      result.response = HttpResponse::Failure(http::status::method_not_allowed, "http.method_not_allowed",
                                              "the resource does not support this method");
      result.response.headers.emplace_back("Allow", AllowHeaderValue(match.allowed));
    }
    return result;
  }
  if (match.route->options.json_body && !IsJsonContentType(request[http::field::content_type])) {
    result.route = match.route->pattern;
    result.response = HttpResponse::Failure(http::status::unsupported_media_type, "http.unsupported_media_type",
                                            "the body must be sent as Content-Type: application/json");
    return result;
  }
  HttpRequest handler_request;
  handler_request.method = request.method();
  handler_request.path = std::move(target->path);
  handler_request.route = match.route->pattern;
  handler_request.path_params = std::move(match.params);
  handler_request.query_params = std::move(target->query);
  handler_request.body = std::move(request.body());
  handler_request.headers = std::move(request.base());
  return CallHandler(*match.route, std::move(handler_request));
}

}  // namespace jobcard::node
