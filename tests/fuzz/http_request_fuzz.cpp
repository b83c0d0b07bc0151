// A whole HTTP request as a client sends it: Beast's parser with the
// server's header and body limits, then Dispatch (node/http/http_dispatch.cpp:
// version and Host checks, the request target parser, the router, the JSON
// content-type rule) over the node API's route table. Handlers here only
// check what they are given.
// Invariants: every request is answered 200 (by a handler) or 4xx/5xx with an
// error code; a handler only ever sees a route of its own method whose
// captures are exactly the decoded segments at the capture positions, each
// clean of '/', '\' and control characters.
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>
#include <vector>

#include "node/http/http_dispatch.h"
#include "node/http/http_limits.h"
#include "node/http/http_router.h"
#include "node/submit_batch.h"
#include "tests/fuzz/fuzz_check.h"

using namespace jobcard;
namespace http = boost::beast::http;

namespace {

constexpr std::size_t kFuzzBodyBytes = 64 * 1024;

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> out;
  if (path == "/") return out;
  std::size_t start = 1;
  while (true) {
    std::size_t end = path.find('/', start);
    out.push_back(path.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return out;
    start = end + 1;
  }
}

node::HttpResponse CheckedHandler(const node::HttpRequest& request) {
  const std::vector<std::string> segments = Split(request.path);
  const std::vector<std::string> pattern = Split(request.route);
  FUZZ_CHECK(segments.size() == pattern.size());
  std::size_t captures = 0;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i].front() != '{') {
      FUZZ_CHECK(segments[i] == pattern[i]);
      continue;
    }
    const std::string name = pattern[i].substr(1, pattern[i].size() - 2);
    const std::string* value = request.PathParam(name);
    FUZZ_CHECK(value != nullptr && *value == segments[i]);
    FUZZ_CHECK(value->find_first_of("/\\") == std::string::npos);
    for (char c : *value) FUZZ_CHECK(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f);
    ++captures;
  }
  FUZZ_CHECK(captures == request.path_params.size());
  return node::HttpResponse::Json(http::status::ok, {{"ok", true}});
}

// The node API's routes (node/node_api.cpp, node/compliance_api.cpp).
const node::HttpRouter& ApiRouter() {
  static const node::HttpRouter router = [] {
    node::HttpRouter r;
    const std::vector<std::pair<http::verb, std::string>> routes = {
        {http::verb::get, "/v1/status"},
        {http::verb::get, "/v1/genesis"},
        {http::verb::post, "/v1/txs"},
        {http::verb::post, "/v1/txs/batch"},
        {http::verb::get, "/v1/txs/{id}"},
        {http::verb::get, "/v1/blocks/latest"},
        {http::verb::get, "/v1/blocks/{height}"},
        {http::verb::get, "/v1/subjects/{id}"},
        {http::verb::get, "/v1/subjects/{id}/history"},
        {http::verb::get, "/v1/employers/{id}"},
        {http::verb::get, "/v1/employers/{id}/entries"},
        {http::verb::get, "/v1/employers/{id}/compliance"},
        {http::verb::get, "/v1/entries/{id}/proof"},
        {http::verb::get, "/v1/proofs/consistency"},
        {http::verb::get, "/v1/compliance"},
        {http::verb::get, "/metrics"},
    };
    for (const auto& [method, pattern] : routes) {
      node::RouteOptions options{method == http::verb::post};
      if (pattern == std::string("/v1/txs/batch")) options.max_body_bytes = node::kMaxSubmitBatchBodyBytes;
      FUZZ_CHECK(r.Add(method, pattern, CheckedHandler, options).ok());
    }
    return r;
  }();
  return router;
}

}  // namespace

JOBCARD_FUZZ_TARGET {
  const node::HttpLimits limits;
  http::request_parser<http::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
  parser.body_limit(kFuzzBodyBytes);
  parser.eager(true);
  boost::system::error_code error;
  std::size_t used = parser.put(boost::asio::buffer(data, size), error);
  if (!error && !parser.is_done()) parser.put_eof(error);
  if (error || !parser.is_done() || used > size) return 0;

  // The body limit the session applies once the header is read: the matched route's own.
  const boost::beast::string_view target = parser.get().target();
  const std::size_t body_limit =
      node::BodyLimitFor(ApiRouter(), limits, parser.get().method(), std::string_view(target.data(), target.size()));
  node::DispatchResult result = node::Dispatch(ApiRouter(), limits, parser.release());
  const auto status = static_cast<unsigned>(result.response.status);
  FUZZ_CHECK(!result.handler_threw);
  FUZZ_CHECK(status == 200 || (status >= 400 && status < 600));
  if (result.route == "/v1/txs/batch") FUZZ_CHECK(body_limit == node::kMaxSubmitBatchBodyBytes);
  if (result.route != "/v1/txs/batch" && result.route != node::kUnmatchedRoute) FUZZ_CHECK(body_limit == limits.max_body_bytes);
  return 0;
}
