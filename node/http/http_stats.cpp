#include "node/http/http_stats.h"

#include <algorithm>

namespace jobcard::node {

void LatencyHistogram::Add(std::chrono::microseconds latency) {
  auto micros = static_cast<std::uint64_t>(std::max<std::int64_t>(latency.count(), 0));
  auto bound = std::lower_bound(kLatencyBucketBoundsMicros.begin(), kLatencyBucketBoundsMicros.end(), micros);
  ++bucket_counts[static_cast<std::size_t>(bound - kLatencyBucketBoundsMicros.begin())];
  ++count;
  sum_micros += micros;
}

void HttpMetrics::RecordRequest(std::string_view route, unsigned status, std::chrono::microseconds latency,
                                bool handler_threw) {
  std::lock_guard lock(mutex_);
  ++stats_.requests[RequestKey{std::string(route), status}];
  auto it = stats_.latency.find(route);
  if (it == stats_.latency.end()) it = stats_.latency.emplace(std::string(route), LatencyHistogram{}).first;
  it->second.Add(latency);
  if (handler_threw) ++stats_.handler_exceptions;
}

void HttpMetrics::ConnectionOpened() {
  std::lock_guard lock(mutex_);
  ++stats_.connections_accepted;
  ++stats_.connections_open;
}

void HttpMetrics::ConnectionClosed() {
  std::lock_guard lock(mutex_);
  --stats_.connections_open;
}

void HttpMetrics::ConnectionRejected() {
  std::lock_guard lock(mutex_);
  ++stats_.connections_rejected;
}

void HttpMetrics::RequestStarted() {
  std::lock_guard lock(mutex_);
  ++stats_.requests_started;
}

void HttpMetrics::RequestTimedOut() {
  std::lock_guard lock(mutex_);
  ++stats_.requests_timed_out;
}

HttpStats HttpMetrics::Snapshot() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

}  // namespace jobcard::node
