// Request counters and latency histograms of the HTTP server, for the node's
// /metrics (Prometheus text). Labels are bounded: a route is a registered
// pattern or kUnmatchedRoute, never a raw client path, so a client cannot
// grow the maps by inventing URLs.
#pragma once

#include <array>
#include <chrono>
#include <compare>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace jobcard::node {

// The route label of requests that matched no route, and of requests
// refused before routing (malformed, too large, timed out).
inline constexpr std::string_view kUnmatchedRoute = "(unmatched)";

// Upper bounds of the latency buckets in microseconds (Prometheus `le`);
// one more bucket counts everything above the last bound (+Inf).
inline constexpr std::array<std::uint64_t, 14> kLatencyBucketBoundsMicros = {
    500, 1'000, 2'500, 5'000, 10'000, 25'000, 50'000, 100'000, 250'000, 500'000,
    1'000'000, 2'500'000, 5'000'000, 10'000'000};

struct LatencyHistogram {
  // Not cumulative: bucket_counts[i] counts latencies in (bound[i-1], bound[i]].
  std::array<std::uint64_t, kLatencyBucketBoundsMicros.size() + 1> bucket_counts{};
  std::uint64_t count = 0;
  std::uint64_t sum_micros = 0;

  void Add(std::chrono::microseconds latency);
};

struct RequestKey {
  std::string route;
  unsigned status = 0;
  auto operator<=>(const RequestKey&) const = default;
};

struct HttpStats {
  std::map<RequestKey, std::uint64_t> requests;              // answered requests by route and status
  std::map<std::string, LatencyHistogram, std::less<>> latency;  // by route
  std::uint64_t connections_accepted = 0;  // taken into service
  std::uint64_t connections_rejected = 0;  // over max_connections: answered 503 or closed
  std::uint64_t connections_open = 0;      // in service now (gauge)
  std::uint64_t requests_started = 0;      // first bytes of a request read
  std::uint64_t requests_timed_out = 0;    // request_timeout passed mid-request
  std::uint64_t handler_exceptions = 0;    // answered 500 http.internal
};

// Thread-safe recorder behind HttpServer::Snapshot().
class HttpMetrics {
 public:
  // Latency: from the complete request to its response being ready, i.e.
  // the server's own time; for a request refused while it was being read
  // (400, 408, 413, 431), from its first byte to the refusal.
  void RecordRequest(std::string_view route, unsigned status, std::chrono::microseconds latency,
                     bool handler_threw);
  void ConnectionOpened();
  void ConnectionClosed();
  void ConnectionRejected();
  void RequestStarted();
  void RequestTimedOut();
  HttpStats Snapshot() const;

 private:
  mutable std::mutex mutex_;
  HttpStats stats_;
};

}  // namespace jobcard::node
