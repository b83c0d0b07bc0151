#include "node/http/wire_response.h"

#include <boost/beast/core/string.hpp>
#include <string_view>

namespace jobcard::node {

namespace http = boost::beast::http;

namespace {

bool HasLineBreakOrNul(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

// Fields a handler may not set: the server frames the message and fixes the
// security fields, and a CR/LF would let a value inject fields of its own.
bool MaySet(const std::string& name, const std::string& value) {
  if (name.empty() || HasLineBreakOrNul(name) || HasLineBreakOrNul(value) || name.find(':') != std::string::npos) {
    return false;
  }
  for (const char* owned : {"content-length", "transfer-encoding", "connection", "content-type", "server",
                            "cache-control", "x-content-type-options"}) {
    if (boost::beast::iequals(name, owned)) return false;
  }
  return true;
}

}  // namespace

WireResponse ToWire(const HttpResponse& response, bool keep_alive, bool head_request) {
  WireResponse wire{response.status, 11};
  if (response.raw_body) {
    wire.body() = *response.raw_body;
    wire.set(http::field::content_type, response.content_type);
  } else {
    // Replacing invalid UTF-8 instead of throwing: a handler echoing client
    // bytes must not turn a good answer into a 500.
    wire.body() = response.json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    wire.set(http::field::content_type, boost::beast::string_view(kJsonContentType.data(), kJsonContentType.size()));
  }
  for (const auto& [name, value] : response.headers) {
    if (MaySet(name, value)) wire.insert(name, value);
  }
  wire.set(http::field::server, "jobcard");
  wire.set(http::field::cache_control, "no-store");
  wire.set("X-Content-Type-Options", "nosniff");
  wire.keep_alive(keep_alive);
  // 204 and 304 never have a body (RFC 9110 §6.4.1).
  if (response.status == http::status::no_content || response.status == http::status::not_modified) {
    wire.body().clear();
    return wire;
  }
  wire.content_length(wire.body().size());
  if (head_request) wire.body().clear();
  return wire;
}

}  // namespace jobcard::node
