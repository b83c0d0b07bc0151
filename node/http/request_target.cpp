#include "node/http/request_target.h"

#include <optional>

#include "ledger/encoding.h"

namespace jobcard::node {

namespace {

bool IsUnreserved(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

// pchar of RFC 3986 plus '%' (escapes are checked when decoding); the query
// may also hold '/' and '?'. Anything else raw (spaces, quotes, braces,
// bytes >= 0x80) is refused rather than guessed at.
bool IsAllowedRaw(char c, bool in_query) {
  if (IsUnreserved(c)) return true;
  switch (c) {
    case '!': case '$': case '&': case '\'': case '(': case ')': case '*': case '+':
    case ',': case ';': case '=': case ':': case '@': case '%':
      return true;
    case '/': case '?':
      return in_query;
    default:
      return false;
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decoded text a handler may see: valid UTF-8, no C0 control or DEL.
bool IsCleanText(std::string_view text) {
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return false;
  }
  return ledger::IsValidUtf8(text);
}

std::optional<std::string> Decode(std::string_view raw, bool in_query) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (!IsAllowedRaw(c, in_query)) return std::nullopt;
    if (c == '%') {
      if (i + 2 >= raw.size()) return std::nullopt;
      int hi = HexValue(raw[i + 1]), lo = HexValue(raw[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && in_query) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  if (!IsCleanText(out)) return std::nullopt;
  return out;
}

Error BadTarget(std::string message) { return MakeError("http.bad_target", std::move(message)); }
Error BadQuery(std::string message) { return MakeError("http.bad_query", std::move(message)); }

Status ParsePath(std::string_view raw, RequestTarget& out) {
  std::size_t start = 1;  // past the leading '/'
  while (start <= raw.size() && raw.size() > 1) {
    std::size_t end = raw.find('/', start);
    if (end == std::string_view::npos) end = raw.size();
    auto segment = Decode(raw.substr(start, end - start), /*in_query=*/false);
    if (!segment) return BadTarget("the path has a bad escape, a control character or invalid UTF-8");
    if (*segment == "." || *segment == "..") return BadTarget("the path has a dot segment");
    if (segment->find_first_of("/\\") != std::string::npos) {
      return BadTarget("a path segment contains an encoded slash or backslash");
    }
    out.path += '/';
    out.path += *segment;
    out.segments.push_back(std::move(*segment));
    start = end + 1;
  }
  if (out.path.empty()) out.path = "/";
  return Status::Ok();
}

Status ParseQuery(std::string_view raw, std::size_t max_params, HttpParams& out) {
  std::size_t start = 0;
  while (start <= raw.size()) {
    std::size_t end = raw.find('&', start);
    if (end == std::string_view::npos) end = raw.size();
    std::string_view pair = raw.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) continue;  // "a=1&&b=2" and a trailing '&' are harmless
    std::size_t equals = pair.find('=');
    auto name = Decode(pair.substr(0, equals), /*in_query=*/true);
    auto value = Decode(equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1),
                        /*in_query=*/true);
    if (!name || !value) return BadQuery("the query has a bad escape, a control character or invalid UTF-8");
    if (name->empty()) return BadQuery("a query parameter has no name");
    if (out.size() >= max_params) {
      return BadQuery("more than " + std::to_string(max_params) + " query parameters");
    }
    // A repeated name is ambiguous (which one wins differs between parsers).
    if (!out.emplace(std::move(*name), std::move(*value)).second) {
      return BadQuery("a query parameter is repeated");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<RequestTarget> ParseRequestTarget(std::string_view target, std::size_t max_target_bytes,
                                         std::size_t max_query_params) {
  if (target.size() > max_target_bytes) {
    return MakeError("http.target_too_long",
                     "the request target is longer than " + std::to_string(max_target_bytes) + " bytes");
  }
  if (target.empty() || target.front() != '/') return BadTarget("the request target must start with '/'");
  std::size_t question = target.find('?');
  std::string_view raw_path = target.substr(0, question);
  std::string_view raw_query = question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
  RequestTarget out;
  JOBCARD_TRY_STATUS(ParsePath(raw_path, out));
  JOBCARD_TRY_STATUS(ParseQuery(raw_query, max_query_params, out.query));
  return out;
}

}  // namespace jobcard::node
