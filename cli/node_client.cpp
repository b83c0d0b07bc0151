#include "cli/node_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cctype>
#include <charconv>
#include <functional>
#include <thread>

#include "cli/json_read.h"

namespace jobcard::cli {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

// Runs handlers until `done` or the deadline. Asio's synchronous calls have
// no timeouts, so every step is asynchronous and driven from here.
bool RunUntil(asio::io_context& io, const bool& done, Clock::time_point deadline) {
  while (!done) {
    if (io.run_one_until(deadline) == 0) {
      if (Clock::now() >= deadline || io.stopped()) return done;
    }
  }
  return true;
}

std::string Lowercase(std::string text) {
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

std::string TimeoutText(std::chrono::milliseconds timeout) {
  return std::to_string((timeout.count() + 999) / 1000) + " s";
}

}  // namespace

Result<NodeClient> NodeClient::Create(std::string_view url, NodeClientOptions options) {
  const auto bad = [&](const std::string& why) {
    return MakeError("node.bad_url", "--node must be http://HOST:PORT, e.g. " + std::string(kDefaultNodeUrl) +
                                         " (" + why + "): '" + std::string(url) + "'");
  };
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, kScheme.size()) != kScheme) return bad("only http:// is supported");
  std::string_view rest = url.substr(kScheme.size());
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find('/') != std::string_view::npos) return bad("no path is allowed");
  std::string_view host = rest;
  std::string_view port = "80";
  if (!rest.empty() && rest.front() == '[') {  // [IPv6]:port
    const auto close = rest.find(']');
    if (close == std::string_view::npos) return bad("unclosed '['");
    host = rest.substr(1, close - 1);
    if (close + 1 < rest.size()) {
      if (rest[close + 1] != ':') return bad("expected ':' after ']'");
      port = rest.substr(close + 2);
    }
  } else if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  unsigned port_number = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), port_number);
  if (ec != std::errc() || end != port.data() + port.size() || port_number == 0 || port_number > 65535) {
    return bad("the port must be 1-65535");
  }
  if (host.empty()) return bad("no host");
  return NodeClient(std::string(url), std::string(host), std::string(port), options);
}

Error NodeClient::Unreachable(const std::string& why) const {
  return MakeError("node.unreachable", "cannot reach the node at " + url_ + ": " + Lowercase(why) +
                                           " — is `jobcard node start` running?");
}

Result<NodeReply> NodeClient::Request(std::string_view method, std::string_view target, std::string_view body) {
  asio::io_context io;
  tcp::resolver resolver(io);
  beast::tcp_stream stream(io);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(options_.max_response_bytes);
  http::request<http::string_body> request(http::string_to_verb(std::string(method)), std::string(target), 11);
  request.set(http::field::host, host_);
  request.set(http::field::user_agent, "jobcard-cli");
  request.set(http::field::accept, "application/json");
  request.set(http::field::connection, "close");
  if (!body.empty()) request.set(http::field::content_type, "application/json");
  request.body() = std::string(body);
  request.prepare_payload();

  const Clock::time_point deadline = Clock::now() + options_.request_timeout;
  bool done = false;
  beast::error_code failure;
  enum class Step { kResolve, kConnect, kSend, kReceive } step = Step::kResolve;
  const auto finish = [&](beast::error_code ec) {
    failure = ec;
    done = true;
  };
  // Read piece by piece and hold the body to the limit ourselves: Beast's
  // body_limit is checked against a Content-Length or a chunk size, but not
  // for a body that runs until the connection closes (no length given).
  std::function<void()> read_more = [&] {
    http::async_read_some(stream, buffer, parser, [&](beast::error_code read_ec, std::size_t) {
      if (read_ec) return finish(read_ec);
      if (parser.get().body().size() > options_.max_response_bytes) return finish(http::error::body_limit);
      if (parser.is_done()) return finish({});
      read_more();
    });
  };
  resolver.async_resolve(host_, port_, [&](beast::error_code ec, tcp::resolver::results_type endpoints) {
    if (ec) return finish(ec);
    step = Step::kConnect;
    stream.async_connect(endpoints, [&](beast::error_code connect_ec, const tcp::endpoint&) {
      if (connect_ec) return finish(connect_ec);
      step = Step::kSend;
      http::async_write(stream, request, [&](beast::error_code write_ec, std::size_t) {
        if (write_ec) return finish(write_ec);
        step = Step::kReceive;
        read_more();
      });
    });
  });
  const bool in_time = RunUntil(io, done, deadline);
  if (!in_time) {
    // Cancel whatever is outstanding and let its handler run before the
    // locals it refers to go away.
    resolver.cancel();
    beast::error_code ignored;
    stream.socket().close(ignored);
    io.restart();
    io.run();
    return MakeError("node.timeout", "the node at " + url_ + " did not answer within " +
                                         TimeoutText(options_.request_timeout));
  }
  if (failure) {
    if (step == Step::kResolve || step == Step::kConnect) return Unreachable(failure.message());
    if (failure == http::error::body_limit) {
      return MakeError("node.bad_response", "the node's answer is larger than the " +
                                                std::to_string(options_.max_response_bytes >> 20) + " MiB limit");
    }
    return MakeError("node.bad_response", "the connection to " + url_ + " failed: " + failure.message());
  }
  return NodeReply{static_cast<int>(parser.get().result_int()), parser.get().body()};
}

Error ErrorFromReply(const NodeReply& reply) {
  const nlohmann::json parsed = nlohmann::json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_object() && parsed.contains("code") && parsed["code"].is_string()) {
    std::string message = parsed.contains("message") && parsed["message"].is_string()
                              ? parsed["message"].get<std::string>()
                              : std::string("(no message)");
    return MakeError(parsed["code"].get<std::string>(), message);
  }
  if (reply.status == 404) return MakeError("api.not_found", "the node has no such resource");
  return MakeError("node.http_" + std::to_string(reply.status), "the node answered HTTP " + std::to_string(reply.status));
}

Result<nlohmann::json> NodeClient::GetJson(std::string_view target) {
  auto reply = Request("GET", target);
  if (!reply.ok()) return reply.error();
  if (reply->status < 200 || reply->status > 299) return ErrorFromReply(*reply);
  nlohmann::json parsed = nlohmann::json::parse(reply->body, nullptr, /*allow_exceptions=*/false);
  // Every answer of the API is an object; anything else is not this API.
  if (!parsed.is_object()) {
    return MakeError("node.bad_response", "the node's answer to " + std::string(target) + " is not a JSON object");
  }
  return parsed;
}

Result<std::string> NodeClient::Submit(const ledger::Tx& tx) {
  const std::string body = nlohmann::json{{"encoded", ToHex(ledger::EncodeTx(tx))}}.dump();
  auto reply = Request("POST", "/v1/txs", body);
  if (!reply.ok()) return reply.error();
  if (reply->status != 202) return ErrorFromReply(*reply);
  const nlohmann::json parsed = nlohmann::json::parse(reply->body, nullptr, false);
  if (!parsed.is_object() || !parsed.contains("id") || !parsed["id"].is_string()) {
    return MakeError("node.bad_response", "the node accepted the transaction but did not say its id");
  }
  return parsed["id"].get<std::string>();
}

Result<CommittedTx> NodeClient::WaitCommitted(const std::string& id, std::chrono::milliseconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  while (true) {
    auto status = GetJson("/v1/txs/" + id);
    if (!status.ok()) return status.error();
    const std::string state = JsonString(*status, "status");
    if (state == "committed") {
      const std::uint64_t height = JsonU64(JsonMember(*status, "location"), "height");
      if (height == 0) return MakeError("node.bad_response", "the node said committed but gave no height");
      return CommittedTx{id, height};
    }
    if (state == "rejected") {
      return MakeError(JsonString(*status, "code", "node.rejected"),
                       JsonString(*status, "message", "the node rejected the transaction"));
    }
    if (state != "pending") return MakeError("node.bad_response", "unknown transaction status '" + state + "'");
    if (Clock::now() + options_.poll_interval > deadline) {
      return MakeError("node.wait_timeout", "transaction " + id + " is still pending after " + TimeoutText(timeout) +
                                                "; it may still commit (GET /v1/txs/" + id + ")");
    }
    std::this_thread::sleep_for(options_.poll_interval);
  }
}

}  // namespace jobcard::cli
