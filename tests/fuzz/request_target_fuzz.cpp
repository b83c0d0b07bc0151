// The request target parser (node/http/request_target.cpp): the first thing
// that sees a client's path and query. Input: the raw target.
// Invariants: what is accepted is within the limits; the path is its decoded
// segments joined by '/'; no segment is "." or "..", holds '/' or '\', a
// control character or invalid UTF-8 (so no handler can be walked out of its
// resource); query names are non-empty and within max_query_params.
#include "ledger/encoding.h"
#include "node/http/http_limits.h"
#include "node/http/request_target.h"
#include "tests/fuzz/fuzz_check.h"

using namespace jobcard;

namespace {

bool Clean(std::string_view text) {
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return false;
  }
  return ledger::IsValidUtf8(text);
}

}  // namespace

JOBCARD_FUZZ_TARGET {
  const node::HttpLimits limits;
  auto target = node::ParseRequestTarget(fuzz::InputText(data, size), limits.max_target_bytes,
                                         limits.max_query_params);
  if (!target.ok()) {
    const std::string& code = target.error().code;
    FUZZ_CHECK(code == "http.bad_target" || code == "http.bad_query" || code == "http.target_too_long");
    return 0;
  }
  FUZZ_CHECK(size <= limits.max_target_bytes);
  std::string joined;
  for (const auto& segment : target->segments) {
    FUZZ_CHECK(segment != "." && segment != "..");
    FUZZ_CHECK(segment.find_first_of("/\\") == std::string::npos);
    FUZZ_CHECK(Clean(segment));
    joined += '/';
    joined += segment;
  }
  FUZZ_CHECK(target->path == (joined.empty() ? "/" : joined));
  FUZZ_CHECK(target->query.size() <= limits.max_query_params);
  for (const auto& [name, value] : target->query) {
    FUZZ_CHECK(!name.empty() && Clean(name) && Clean(value));
  }
  return 0;
}
