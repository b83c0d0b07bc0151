#include "tests/support/hostile_clients.h"

#include <algorithm>
#include <array>
#include <thread>

#include "tests/support/raw_http_client.h"

namespace jobcard::testing {

namespace {

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;

constexpr std::size_t kMaxUnexpectedKept = 32;
constexpr auto kAnswerTimeout = std::chrono::seconds(15);
constexpr auto kConnectTimeout = std::chrono::seconds(5);

struct AttackName {
  Attack attack;
  std::string_view name;
};
constexpr std::array<AttackName, 9> kNames{{
    {Attack::kConnectionFlood, "flood"},
    {Attack::kAddressFlood, "flood-one-address"},
    {Attack::kSlowHeaders, "slow-headers"},
    {Attack::kSlowBody, "slow-body"},
    {Attack::kHugeBodyDeclared, "huge-body"},
    {Attack::kHugeBodyChunked, "huge-chunked"},
    {Attack::kDeepJson, "deep-json"},
    {Attack::kInvalidUtf8, "invalid-utf8"},
    {Attack::kPathTraversal, "path-traversal"},
}};

bool Stopping(const std::atomic<bool>* stop, Deadline end) {
  return (stop != nullptr && stop->load()) || Clock::now() >= end;
}

// The rules every attack shares: an answer is a 4xx with a JSON
// {code,message} body, unless the probe allows more; never a 5xx but the
// flood's 503, never a crash.
void Record(AttackTally& tally, const RawAnswer& answer, const std::vector<int>& allowed, bool close_allowed,
            std::string_view what) {
  ++tally.statuses[answer.status];
  if (!answer.code.empty()) ++tally.codes[answer.code];
  std::string problem;
  if (answer.status == 0) {
    if (!close_allowed) problem = "closed without an answer";
  } else if (std::find(allowed.begin(), allowed.end(), answer.status) == allowed.end()) {
    problem = "status " + std::to_string(answer.status);
  } else if (answer.status >= 400 && !answer.json_error) {
    problem = "status " + std::to_string(answer.status) + " without a JSON {code,message} body";
  }
  if (problem.empty()) return;
  if (tally.unexpected.size() < kMaxUnexpectedKept) tally.unexpected.push_back(std::string(what) + ": " + problem);
  ++tally.unexpected_count;
}

std::string Request(std::string_view method, std::string_view target, const std::vector<std::string>& fields,
                    std::string_view body) {
  std::string out = std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (const auto& field : fields) out += field + "\r\n";
  if (method == "POST") out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  out += "Connection: close\r\n\r\n";
  out += body;
  return out;
}

// ---- one-shot probes: deep JSON, invalid UTF-8, traversal ----

struct Probe {
  std::string what;
  std::string bytes;
  std::vector<int> allowed;
  std::string body_must_contain;  // when allowed includes a 200: what shows the input was refused
};

// The routes that read a JSON body (spec/api.yaml). /v1/bundles/verify
// answers 200 with a report whatever the text; a refused body fails it.
struct JsonRoute {
  std::string_view path;
  std::vector<int> allowed;
  std::string_view refused_marker;
};
const std::vector<JsonRoute>& JsonRoutes() {
  static const std::vector<JsonRoute> routes{
      {"/v1/txs", {400}, ""},
      {"/v1/receipts", {400}, ""},
      {"/v1/bundles/verify", {200}, "\"valid\":false"},
  };
  return routes;
}

std::string Repeat(std::string_view unit, std::size_t times) {
  std::string out;
  out.reserve(unit.size() * times);
  for (std::size_t i = 0; i < times; ++i) out += unit;
  return out;
}

std::vector<Probe> JsonBodyProbes(const std::vector<std::pair<std::string, std::string>>& bodies) {
  std::vector<Probe> probes;
  for (const auto& route : JsonRoutes()) {
    for (const auto& [name, body] : bodies) {
      probes.push_back({"POST " + std::string(route.path) + " " + name,
                        Request("POST", route.path, {"Content-Type: application/json"}, body), route.allowed,
                        std::string(route.refused_marker)});
    }
  }
  return probes;
}

std::vector<Probe> DeepJsonProbes() {
  return JsonBodyProbes({
      {"100k [", Repeat("[", 100'000)},
      {"50k [ then 50k ]", Repeat("[", 50'000) + Repeat("]", 50'000)},
      {"20k {\"a\":", Repeat("{\"a\":", 20'000)},
      // Under /v1/receipts' 4096-byte bound, so the depth is what is refused there.
      {"1000 [", Repeat("[", 1'000)},
      {"nested in a string and out", "{\"s\":\"" + Repeat("[", 1'000) + "\",\"t\":" + Repeat("[", 1'000) + "}"},
  });
}

std::vector<Probe> InvalidUtf8Probes() {
  std::vector<Probe> probes = JsonBodyProbes({
      {"lone continuation byte", "{\"x\":\"\x80\"}"},
      {"0xFF in a string", "{\"encoded\":\"ab\xff\xfe\"}"},
      {"overlong '/'", "{\"x\":\"\xc0\xaf\"}"},
      {"UTF-16 surrogate", "{\"x\":\"\xed\xa0\x80\"}"},
      {"truncated sequence", "{\"x\":\"\xe3\x81\"}"},
      {"escaped lone surrogate", "{\"x\":\"\\ud800\"}"},
      {"invalid byte in a key", "{\"\xff\":1}"},
  });
  // Targets: raw bytes are refused by the request-target rules, and so are
  // escapes that decode to invalid UTF-8.
  for (const char* target : {"/v1/subjects/\xff\xfe", "/v1/subjects/%ff%fe", "/v1/employers/%c0%af",
                             "/v1/subjects/%ed%a0%80/history", "/v1/employers?cursor=%ff", "/portal/\xe3\x81"}) {
    probes.push_back({std::string("GET ") + target, Request("GET", target, {}, ""), {400}, ""});
  }
  // Header fields: values are not for the server to judge when no route
  // reads them (200); a Content-Type that is not JSON is 415; bytes that are
  // not a field-name token are malformed HTTP (400).
  probes.push_back({"GET /v1/status with a field value of invalid UTF-8",
                    Request("GET", "/v1/status", {"X-Attack: \xff\xfe\xc0\xaf"}, ""), {200}, "\"height\""});
  probes.push_back({"GET /v1/status with User-Agent of invalid UTF-8",
                    Request("GET", "/v1/status", {"User-Agent: \xed\xa0\x80"}, ""), {200}, "\"height\""});
  probes.push_back({"POST /v1/txs with Content-Type of invalid UTF-8",
                    Request("POST", "/v1/txs", {"Content-Type: application/json\xff"}, "{}"), {400, 415}, ""});
  probes.push_back({"GET /v1/status with a field name of invalid UTF-8",
                    Request("GET", "/v1/status", {"X-\xff: 1"}, ""), {400}, ""});
  probes.push_back({"GET /v1/status with Host of invalid UTF-8",
                    "GET /v1/status HTTP/1.1\r\nHost: \xff\xfe\r\nConnection: close\r\n\r\n", {200, 400}, ""});
  return probes;
}

std::vector<Probe> PathTraversalProbes() {
  std::vector<Probe> probes;
  for (const char* target :
       {"/portal/../CMakeLists.txt", "/portal/%2e%2e/%2e%2e/etc/passwd", "/portal/..%2f..%2fetc%2fpasswd",
        "/portal/..%5c..%5cetc%5cpasswd", "/portal/%252e%252e/etc/passwd", "/../../../../etc/passwd",
        "/portal/vendor/../../node.json", "/portal/./index.html", "/portal/%00index.html", "/portal//etc/passwd",
        "/v1/subjects/..%2f..%2fnode.json", "/portal/index.html%00.png", "/keys/validator.key", "/node.json",
        "/data/CURRENT", "/genesis.json"}) {
    probes.push_back({std::string("GET ") + target, Request("GET", target, {}, ""), {400, 404}, ""});
  }
  return probes;
}

AttackTally RunProbes(const std::vector<Probe>& probes, const AttackOptions& options, const std::atomic<bool>* stop) {
  AttackTally tally;
  const Deadline end = Clock::now() + options.duration;
  // Every probe at least once, then again until the time is up.
  for (std::size_t i = 0; i < probes.size() || !Stopping(stop, end); ++i) {
    if (i >= probes.size() && Stopping(stop, end)) break;
    const Probe& probe = probes[i % probes.size()];
    ++tally.requests;
    RawHttpClient client;
    if (!client.Connect(options.port, Clock::now() + kConnectTimeout)) {
      Record(tally, RawAnswer{}, probe.allowed, false, probe.what + " (connect)");
      continue;
    }
    client.Send(probe.bytes, Clock::now() + kAnswerTimeout);
    RawAnswer answer = client.ReadAnswer(Clock::now() + kAnswerTimeout);
    std::vector<int> allowed = probe.allowed;
    // A 200 counts only when its body shows what a refusal (or a plain
    // status) looks like; else it is recorded as unexpected.
    if (answer.status == 200 && !probe.body_must_contain.empty() &&
        answer.body.find(probe.body_must_contain) == std::string::npos) {
      allowed.erase(std::remove(allowed.begin(), allowed.end(), 200), allowed.end());
    }
    Record(tally, answer, allowed, false, probe.what);
  }
  return tally;
}

// ---- connection floods ----

constexpr const char* kFloodingAddress = "127.0.0.2";
constexpr const char* kFreshHonestAddress = "127.0.0.3";

std::string FloodSource(bool one_address, std::size_t i, const AttackOptions& options) {
  if (one_address) return kFloodingAddress;
  return "127.0.0." + std::to_string(10 + i % std::max<std::size_t>(options.flood_addresses, 1));
}

// A new connection from another address than the flood's, as an honest
// client arriving during it would make.
void AskFresh(AttackTally& tally, const AttackOptions& options) {
  RawHttpClient client;
  const bool answered =
      client.Connect(options.port, Clock::now() + kConnectTimeout, kFreshHonestAddress) &&
      client.Send("GET /v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                  Clock::now() + kConnectTimeout) != RawHttpClient::SendOutcome::kFailed;
  const RawAnswer answer = answered ? client.ReadAnswer(Clock::now() + kAnswerTimeout) : RawAnswer{};
  ++(answer.status == 200 ? tally.fresh_honest_ok : tally.fresh_honest_failed);
}

AttackTally RunFlood(bool one_address, const AttackOptions& options, const std::atomic<bool>* stop) {
  AttackTally tally;
  const Deadline end = Clock::now() + options.duration;
  const std::vector<int> allowed{one_address ? 429 : 503};
  std::vector<RawHttpClient> held(options.flood_connections);
  Deadline next_fresh = Clock::now();
  // Opens every slot that is not open; a connection the server answered
  // (503 or 429) or closed is tallied and opened again, so the flood keeps its size.
  while (!Stopping(stop, end)) {
    for (std::size_t i = 0; i < held.size(); ++i) {
      RawHttpClient& client = held[i];
      if (Stopping(stop, end)) break;
      // Timed inside the pass: on a loaded machine one pass over 700
      // connections can take seconds.
      if (one_address && Clock::now() >= next_fresh) {
        AskFresh(tally, options);
        next_fresh = Clock::now() + options.fresh_honest_interval;
      }
      if (client.connected() && client.ServerSpoke()) {
        Record(tally, client.ReadAnswer(Clock::now() + std::chrono::milliseconds(200)), allowed, true, "flood");
        client.Close();
      }
      if (!client.connected()) {
        ++tally.requests;
        client.Connect(options.port, Clock::now() + kConnectTimeout, FloodSource(one_address, i, options));
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return tally;
}

// ---- slowloris ----

// One dribbling connection: `head` then `body`, byte by byte.
struct Dribble {
  RawHttpClient client;
  std::string bytes;
  std::size_t sent = 0;
};

AttackTally RunSlow(bool dribble_body, const AttackOptions& options, const std::atomic<bool>* stop) {
  AttackTally tally;
  const Deadline end = Clock::now() + std::max(options.duration, options.slow_attack_minimum);
  const std::string body = "{\"encoded\":\"" + std::string(4000, 'a') + "\"}";
  const std::string bytes =
      dribble_body ? "POST /v1/txs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " +
                         std::to_string(body.size()) + "\r\n\r\n"
                   : "GET /v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\n" + Repeat("X-Slow: 1\r\n", 1000) + "\r\n";
  std::vector<Dribble> dribbles(options.slow_connections);
  while (!Stopping(stop, end)) {
    for (auto& d : dribbles) {
      if (d.client.connected() && d.client.ServerSpoke()) {
        // The server gave up on this one: tally its answer and start over.
        Record(tally, d.client.ReadAnswer(Clock::now() + std::chrono::seconds(1)), {408}, true, "slow");
        d.client.Close();
      }
      if (!d.client.connected()) {
        ++tally.requests;
        if (!d.client.Connect(options.port, Clock::now() + kConnectTimeout)) continue;
        // Slow bodies send their head at once: only the body dribbles.
        d.bytes = dribble_body ? bytes + body : bytes;
        d.sent = dribble_body ? bytes.size() : 0;
        if (dribble_body) d.client.Send(bytes, Clock::now() + kConnectTimeout);
      }
      if (d.sent < d.bytes.size()) {
        d.client.Send(std::string_view(d.bytes).substr(d.sent, 1), Clock::now() + std::chrono::seconds(1));
        ++d.sent;
      }
    }
    std::this_thread::sleep_for(options.slow_byte_interval);
  }
  return tally;
}

// ---- huge bodies ----

// 413 once the limit is passed; a chunked upload may also be cut off by
// request_timeout first (408) when the node is slow to read its first MiB
// (seen under a load average of 18 with the ASan build).
const std::vector<int> kHugeBodyAnswers{413, 408};

AttackTally RunHuge(bool chunked, const AttackOptions& options, const std::atomic<bool>* stop) {
  AttackTally tally;
  const Deadline end = Clock::now() + options.duration;
  constexpr std::size_t kChunkBytes = 64 * 1024;
  const std::string payload(kChunkBytes, 'a');
  char size_line[32];
  std::snprintf(size_line, sizeof size_line, "%zx\r\n", kChunkBytes);
  const std::string chunk = size_line + payload + "\r\n";
  const std::string head =
      "POST /v1/txs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
      (chunked ? std::string("Transfer-Encoding: chunked\r\n") : "Content-Length: " + std::to_string(options.huge_body_bytes) + "\r\n") +
      "\r\n";
  do {
    ++tally.requests;
    RawHttpClient client;
    if (!client.Connect(options.port, Clock::now() + kConnectTimeout)) {
      Record(tally, RawAnswer{}, kHugeBodyAnswers, false, "huge body (connect)");
      continue;
    }
    const Deadline upload_end = Clock::now() + kAnswerTimeout;
    bool answered = client.Send(head, upload_end) == RawHttpClient::SendOutcome::kServerSpoke;
    for (std::uint64_t sent = 0; !answered && sent < options.huge_body_bytes; sent += kChunkBytes) {
      const auto outcome = client.Send(chunked ? chunk : payload, upload_end);
      if (outcome != RawHttpClient::SendOutcome::kSent) {
        answered = outcome == RawHttpClient::SendOutcome::kServerSpoke;
        break;
      }
    }
    // A chunked upload that was never refused ends properly, so that the
    // server has to judge it whole.
    if (!answered && chunked) client.Send("0\r\n\r\n", upload_end);
    Record(tally, client.ReadAnswer(Clock::now() + kAnswerTimeout), kHugeBodyAnswers, false,
           chunked ? "huge chunked" : "huge body");
  } while (!Stopping(stop, end));
  return tally;
}

}  // namespace

const std::vector<Attack>& AllAttacks() {
  static const std::vector<Attack> all = [] {
    std::vector<Attack> out;
    for (const auto& entry : kNames) out.push_back(entry.attack);
    return out;
  }();
  return all;
}

std::string_view AttackName(Attack attack) {
  for (const auto& entry : kNames) {
    if (entry.attack == attack) return entry.name;
  }
  return "?";
}

std::optional<Attack> AttackFromName(std::string_view name) {
  for (const auto& entry : kNames) {
    if (entry.name == name) return entry.attack;
  }
  return std::nullopt;
}

std::string AttackTally::Summary() const {
  std::string out;
  auto add = [&out](const std::string& part) { out += (out.empty() ? "" : ", ") + part; };
  for (const auto& [status, count] : statuses) {
    if (status == 0) {
      add("closed x" + std::to_string(count));
      continue;
    }
    add(std::to_string(status) + " x" + std::to_string(count));
  }
  std::string code_list;
  for (const auto& [code, count] : codes) code_list += (code_list.empty() ? "" : " ") + code + " x" + std::to_string(count);
  if (!code_list.empty()) out += " (" + code_list + ")";
  if (fresh_honest_ok + fresh_honest_failed > 0) {
    out += "; new honest connections from another address: " + std::to_string(fresh_honest_ok) + " ok, " +
           std::to_string(fresh_honest_failed) + " not served";
  }
  return out;
}

std::uint64_t AttackTally::Count(int status) const {
  auto it = statuses.find(status);
  return it == statuses.end() ? 0 : it->second;
}

std::uint64_t AttackTally::CountCode(const std::string& code) const {
  auto it = codes.find(code);
  return it == codes.end() ? 0 : it->second;
}

AttackTally RunAttack(Attack attack, const AttackOptions& options, const std::atomic<bool>* stop) {
  switch (attack) {
    case Attack::kConnectionFlood: return RunFlood(/*one_address=*/false, options, stop);
    case Attack::kAddressFlood: return RunFlood(/*one_address=*/true, options, stop);
    case Attack::kSlowHeaders: return RunSlow(/*dribble_body=*/false, options, stop);
    case Attack::kSlowBody: return RunSlow(/*dribble_body=*/true, options, stop);
    case Attack::kHugeBodyDeclared: return RunHuge(/*chunked=*/false, options, stop);
    case Attack::kHugeBodyChunked: return RunHuge(/*chunked=*/true, options, stop);
    case Attack::kDeepJson: return RunProbes(DeepJsonProbes(), options, stop);
    case Attack::kInvalidUtf8: return RunProbes(InvalidUtf8Probes(), options, stop);
    case Attack::kPathTraversal: return RunProbes(PathTraversalProbes(), options, stop);
  }
  return {};
}

}  // namespace jobcard::testing
