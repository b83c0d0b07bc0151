// Parsing and checking the request target ("/v1/blocks/12?limit=5") before
// any routing: hostile bytes end here with a 400 (or 414 when too long), so
// routes and handlers only ever see decoded, well-formed UTF-8 text.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/result.h"
#include "node/http/http_message.h"

namespace jobcard::node {

struct RequestTarget {
  std::string path;                   // decoded, starts with '/'
  std::vector<std::string> segments;  // decoded pieces between the slashes; "/" has none
  HttpParams query;
};

// Accepts only the origin form ("/path?query") made of RFC 3986 characters.
// Rejected (http.bad_target): another form, a fragment, bad %-escapes, and
// segments that decode to ".", "..", or contain '/', '\', a control
// character or invalid UTF-8. Rejected (http.bad_query): bad escapes, an
// empty or repeated name, more than max_query_params pairs. In the query
// '+' means a space, as in HTML forms. Longer than max_target_bytes:
// http.target_too_long.
Result<RequestTarget> ParseRequestTarget(std::string_view target, std::size_t max_target_bytes,
                                         std::size_t max_query_params);

}  // namespace jobcard::node
