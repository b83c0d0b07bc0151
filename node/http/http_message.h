// HttpRequest and HttpResponse: what a route handler sees and returns. They
// carry no connection state, so handlers can be unit-tested without sockets.
#pragma once

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/verb.hpp>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crypto/result.h"

namespace jobcard::node {

inline constexpr std::string_view kJsonContentType = "application/json; charset=utf-8";

// Path and query parameters, percent-decoded and checked (valid UTF-8, no
// control characters). Ordered so that iteration is deterministic.
using HttpParams = std::map<std::string, std::string, std::less<>>;

struct HttpRequest {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string path;          // decoded, e.g. "/v1/blocks/12"
  std::string route;         // the matched pattern, e.g. "/v1/blocks/{height}"
  HttpParams path_params;    // {"height": "12"}
  HttpParams query_params;   // from "?a=1&b=x%20y"
  boost::beast::http::fields headers;
  std::string body;          // at most HttpLimits::max_body_bytes

  // nullptr when absent.
  const std::string* PathParam(std::string_view name) const;
  const std::string* QueryParam(std::string_view name) const;
  // The field's value, or nullopt when the request does not carry it.
  std::optional<std::string_view> Header(std::string_view name) const;
};

struct HttpResponse {
  boost::beast::http::status status = boost::beast::http::status::ok;
  // Sent as application/json unless raw_body is set.
  nlohmann::json json = nlohmann::json::object();
  // For non-JSON answers (Prometheus text, static files), with content_type.
  std::optional<std::string> raw_body;
  std::string content_type;
  // Extra fields (e.g. Location, ETag). Framing fields (Content-Length,
  // Transfer-Encoding, Connection) and the fixed security fields are the
  // server's and are ignored here, as are fields with CR, LF or NUL.
  std::vector<std::pair<std::string, std::string>> headers;

  static HttpResponse Json(boost::beast::http::status status, nlohmann::json body);
  static HttpResponse Raw(boost::beast::http::status status, std::string body, std::string content_type);
  // The error shape every failure uses: {"code": "...", "message": "..."}.
  static HttpResponse Failure(boost::beast::http::status status, std::string code, std::string message);
  static HttpResponse Failure(boost::beast::http::status status, const Error& error);
};

// Handlers run synchronously on an io_context thread, so they must be quick
// (reads of in-memory or local state). An exception becomes a 500.
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

}  // namespace jobcard::node
