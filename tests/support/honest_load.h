// Honest clients for latency measurements: C threads, each on one keep-alive
// connection to 127.0.0.1, send GET requests one after another and time each
// round trip. jobcard_load measures the API with them; jobcard_attack and the
// hostile-client tests measure them again while an attacker works, against a
// baseline from the same run (a ratio is what compares across a shared
// machine's runs).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "tests/support/http_client.h"

namespace jobcard::testing {

// What the clients saw: the round-trip time of each good answer, and the
// answers a check refused (or none at all) with the first one's reason.
struct LatencySample {
  std::vector<double> micros;
  std::uint64_t failures = 0;
  std::string first_failure;

  void Merge(const LatencySample& other);
};

// The p-th quantile (0..1) of `values` (sorted in place); 0 when empty.
double Percentile(std::vector<double>& values, double p);

struct HonestLoadOptions {
  std::uint16_t port = 0;
  std::uint64_t clients = 4;
  // Each client stops after this many requests, or at `stop`, whichever
  // comes first (0: only `stop` ends it, which must then be set).
  std::uint64_t requests_per_client = 0;
  const std::atomic<bool>* stop = nullptr;
  // Between two requests of one client, so that the load is steady rather
  // than as fast as the server answers (0: back to back).
  std::chrono::milliseconds pause{0};
  std::chrono::milliseconds request_timeout{30'000};
  // Request i of client c.
  std::function<std::string(std::uint64_t client, std::uint64_t i)> target;
  // "" for a good answer, else why not.
  std::function<std::string(const HttpResult&)> check;
};

// Runs the clients to completion on their own threads. A client whose
// connection fails reconnects and goes on; the failure is counted.
LatencySample RunHonestClients(const HonestLoadOptions& options);

// The check of an answer that must be 200.
std::string ExpectOk(const HttpResult& result);

}  // namespace jobcard::testing
