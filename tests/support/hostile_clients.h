// Hostile HTTP clients against a node's API (issue 6, RELIABILITY.md):
// each attack runs against 127.0.0.1:port for a bounded time and tallies
// what the server answered, so that a test can assert the expected 4xx and
// a tool (tests/tools/jobcard_attack.cpp) can print them beside the honest
// clients' latency. Bodies and paths are chosen against the node's routes
// (spec/api.yaml); the limits they cross are spec/http.md's.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jobcard::testing {

enum class Attack {
  kConnectionFlood,   // connections past max_connections from several addresses, held open without a byte
  kAddressFlood,      // one address opens connections past its share (max_connections_per_address)
  kSlowHeaders,       // slowloris: a header byte now and then, never the end
  kSlowBody,          // whole headers, then the declared body a byte at a time
  kHugeBodyDeclared,  // Content-Length: 100 MB, then the body as fast as it goes
  kHugeBodyChunked,   // 100 MB in 64 KiB chunks, no length announced
  kDeepJson,          // 100k '[' (and deep objects) on every route that reads JSON
  kInvalidUtf8,       // invalid UTF-8 in JSON strings, header fields and targets
  kPathTraversal,     // '..' and its encodings in targets, towards the portal's files and beyond
};

// Every attack, in the order the tool runs them.
const std::vector<Attack>& AllAttacks();
std::string_view AttackName(Attack attack);
std::optional<Attack> AttackFromName(std::string_view name);

struct AttackOptions {
  std::uint16_t port = 0;
  // How long the attack goes on. Slow attacks last at least until the
  // server's request_timeout has passed once (slow_attack_minimum).
  std::chrono::milliseconds duration{5'000};
  std::chrono::milliseconds slow_attack_minimum{12'000};
  // Flood: connections opened and held (the node serves 256, holds another
  // 256 to answer 503, and closes the rest at once).
  std::size_t flood_connections = 700;
  // The flood comes from this many loopback addresses (127.0.0.10 on), each
  // under the per-address limit, so that the global limit is what it meets;
  // the address flood comes from 127.0.0.2 alone, while a fresh honest
  // connection from 127.0.0.3 asks for /v1/status every
  // fresh_honest_interval.
  std::size_t flood_addresses = 12;
  std::chrono::milliseconds fresh_honest_interval{100};
  // Slowloris: connections dribbling at once, one byte each per interval.
  std::size_t slow_connections = 32;
  std::chrono::milliseconds slow_byte_interval{500};
  std::uint64_t huge_body_bytes = 100ull * 1024 * 1024;
};

// What the server did, by attack request.
struct AttackTally {
  std::uint64_t requests = 0;               // attack requests (or connections) made
  std::map<int, std::uint64_t> statuses;    // status -> count; 0: closed without an answer
  std::map<std::string, std::uint64_t> codes;  // the JSON error codes seen
  std::vector<std::string> unexpected;      // answers no rule allows (first few), e.g. a 5xx or a 2xx
  std::uint64_t unexpected_count = 0;
  // Address flood: new honest connections from another address, served
  // (200) or not (anything else, or no answer).
  std::uint64_t fresh_honest_ok = 0;
  std::uint64_t fresh_honest_failed = 0;

  // "408 http.request_timeout x32, closed x3": for tables and test messages.
  std::string Summary() const;
  std::uint64_t Count(int status) const;
  std::uint64_t CountCode(const std::string& code) const;
};

// Runs `attack` until options.duration passes (or `stop`); blocks.
AttackTally RunAttack(Attack attack, const AttackOptions& options, const std::atomic<bool>* stop = nullptr);

}  // namespace jobcard::testing
