#include "tests/support/honest_load.h"

#include <algorithm>
#include <optional>
#include <thread>

namespace jobcard::testing {

void LatencySample::Merge(const LatencySample& other) {
  micros.insert(micros.end(), other.micros.begin(), other.micros.end());
  if (other.failures > 0 && failures == 0) first_failure = other.first_failure;
  failures += other.failures;
}

double Percentile(std::vector<double>& values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<std::size_t>(p * static_cast<double>(values.size())))];
}

std::string ExpectOk(const HttpResult& result) {
  return result.status == 200 ? std::string() : "status " + std::to_string(result.status);
}

namespace {

using Clock = std::chrono::steady_clock;

bool Stopped(const HonestLoadOptions& options, std::uint64_t sent) {
  if (options.requests_per_client != 0 && sent >= options.requests_per_client) return true;
  return options.stop != nullptr && options.stop->load();
}

void RunOneClient(const HonestLoadOptions& options, std::uint64_t client, LatencySample& mine) {
  std::optional<HttpConnection> conn;
  conn.emplace("127.0.0.1", options.port, options.request_timeout);
  for (std::uint64_t i = 0; !Stopped(options, i); ++i) {
    if (!conn->connected()) conn.emplace("127.0.0.1", options.port, options.request_timeout);
    const std::string request = BuildHttpRequest("GET", options.target(client, i), "", {}, /*keep_alive=*/true);
    const auto start = Clock::now();
    HttpResult result;
    if (conn->Send(request, options.request_timeout)) result = conn->ReadResponse(options.request_timeout);
    const double micros = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
    const std::string problem = !result.ok ? "no answer: " + (conn->connected() ? result.error : "connection lost")
                                           : options.check(result);
    if (!problem.empty()) {
      if (mine.failures++ == 0) mine.first_failure = problem;
    } else {
      mine.micros.push_back(micros);
    }
    // The server closes a connection after its last allowed request.
    if (result.ok && result.Header("Connection").value_or("") == "close") conn->Close();
    if (options.pause.count() > 0) std::this_thread::sleep_for(options.pause);
  }
}

}  // namespace

LatencySample RunHonestClients(const HonestLoadOptions& options) {
  std::vector<LatencySample> per_client(options.clients);
  std::vector<std::thread> threads;
  for (std::uint64_t c = 0; c < options.clients; ++c) {
    threads.emplace_back([&options, &per_client, c] { RunOneClient(options, c, per_client[c]); });
  }
  for (auto& t : threads) t.join();
  LatencySample all;
  for (const auto& p : per_client) all.Merge(p);
  return all;
}

}  // namespace jobcard::testing
