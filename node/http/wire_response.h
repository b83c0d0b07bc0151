// Turns a handler's HttpResponse into the message written on the wire, with
// the fields every answer carries (Server, Content-Type, Cache-Control:
// no-store, X-Content-Type-Options: nosniff) and the framing the server
// owns (Content-Length, Connection).
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "node/http/http_message.h"

namespace jobcard::node {

using WireResponse = boost::beast::http::response<boost::beast::http::string_body>;

// A HEAD answer keeps the Content-Length of the body it leaves out.
WireResponse ToWire(const HttpResponse& response, bool keep_alive, bool head_request);

}  // namespace jobcard::node
