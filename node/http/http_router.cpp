#include "node/http/http_router.h"

#include <algorithm>
#include <optional>

namespace jobcard::node {

namespace http = boost::beast::http;

namespace {

bool IsCapture(const std::string& segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

std::optional<std::vector<std::string>> SplitPattern(const std::string& pattern) {
  if (pattern.empty() || pattern.front() != '/') return std::nullopt;
  std::vector<std::string> segments;
  if (pattern == "/") return segments;
  std::size_t start = 1;
  while (start <= pattern.size()) {
    std::size_t end = std::min(pattern.find('/', start), pattern.size());
    std::string segment = pattern.substr(start, end - start);
    if (segment.empty()) return std::nullopt;
    if (IsCapture(segment)) {
      std::string name = segment.substr(1, segment.size() - 2);
      if (name.empty() || !std::all_of(name.begin(), name.end(), IsNameChar)) return std::nullopt;
      for (const std::string& earlier : segments) {
        if (earlier == segment) return std::nullopt;
      }
    } else if (segment.find_first_of("{}") != std::string::npos) {
      return std::nullopt;
    }
    segments.push_back(std::move(segment));
    start = end + 1;
  }
  return segments;
}

// Two patterns have the same shape when they match the same paths.
bool SameShape(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (IsCapture(a[i]) != IsCapture(b[i])) return false;
    if (!IsCapture(a[i]) && a[i] != b[i]) return false;
  }
  return true;
}

// Literal positions of a matching route, for the "literal beats capture" rule;
// nullopt when the route does not match the path.
std::optional<std::vector<bool>> MatchShape(const HttpRoute& route, const std::vector<std::string>& segments) {
  if (route.segments.size() != segments.size()) return std::nullopt;
  std::vector<bool> literal(segments.size());
  for (std::size_t i = 0; i < segments.size(); ++i) {
    literal[i] = !IsCapture(route.segments[i]);
    if (literal[i] ? route.segments[i] != segments[i] : segments[i].empty()) return std::nullopt;
  }
  return literal;
}

}  // namespace

Status HttpRouter::Add(http::verb method, std::string pattern, HttpHandler handler, RouteOptions options) {
  auto segments = SplitPattern(pattern);
  if (!segments) return MakeError("http.bad_pattern", "malformed route pattern: " + pattern);
  for (const HttpRoute& route : routes_) {
    if (route.method == method && SameShape(route.segments, *segments)) {
      return MakeError("http.bad_pattern", "route registered twice: " + pattern);
    }
  }
  routes_.push_back(HttpRoute{method, std::move(pattern), std::move(*segments), std::move(handler), options});
  return Status::Ok();
}

RouteMatch HttpRouter::Find(http::verb method, const std::vector<std::string>& segments) const {
  const HttpRoute* best = nullptr;
  const HttpRoute* best_get = nullptr;  // for HEAD without its own route
  std::vector<bool> best_shape, best_get_shape;
  RouteMatch match;
  for (const HttpRoute& route : routes_) {
    auto shape = MatchShape(route, segments);
    if (!shape) continue;
    if (std::find(match.allowed.begin(), match.allowed.end(), route.method) == match.allowed.end()) {
      match.allowed.push_back(route.method);
    }
    if (route.method == method && (best == nullptr || *shape > best_shape)) {
      best = &route;
      best_shape = std::move(*shape);
    } else if (route.method == http::verb::get && (best_get == nullptr || *shape > best_get_shape)) {
      best_get = &route;
      best_get_shape = std::move(*shape);
    }
  }
  if (best == nullptr && method == http::verb::head) best = best_get;
  if (best == nullptr) {
    bool has_head = std::find(match.allowed.begin(), match.allowed.end(), http::verb::head) != match.allowed.end();
    if (best_get != nullptr && !has_head) match.allowed.push_back(http::verb::head);
    std::sort(match.allowed.begin(), match.allowed.end());
    return match;
  }
  match.route = best;
  match.allowed.clear();
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (IsCapture(best->segments[i])) {
      match.params.emplace(best->segments[i].substr(1, best->segments[i].size() - 2), segments[i]);
    }
  }
  return match;
}

std::string AllowHeaderValue(const std::vector<http::verb>& methods) {
  std::string value;
  for (http::verb method : methods) {
    if (!value.empty()) value += ", ";
    value += std::string(http::to_string(method));
  }
  return value;
}

}  // namespace jobcard::node
