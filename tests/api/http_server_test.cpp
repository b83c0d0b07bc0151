// The HTTP server over real sockets on 127.0.0.1: routing, error statuses,
// limits, keep-alive, and that no client can take the server down.
#include <atomic>
#include <vector>

#include "tests/api/http_test_server.h"

namespace jobcard::testing {
namespace {

constexpr const char* kHost = "127.0.0.1";

// --- routing -----------------------------------------------------------------

TEST_F(HttpServerTest, RoutesPathAndQueryParameters) {
  StartServer();
  HttpResult result = Get("/v1/subjects/ab%43d/history?limit=5&from=x%20y+z&flag", {{"X-Test", "seen"}});
  ASSERT_TRUE(result.ok) << result.error;
  EXPECT_EQ(result.status, 200);
  nlohmann::json body = Body(result);
  EXPECT_EQ(body["route"], "/v1/subjects/{id}/history");
  EXPECT_EQ(body["path"], "/v1/subjects/abCd/history");
  EXPECT_EQ(body["params"], (nlohmann::json{{"id", "abCd"}}));
  EXPECT_EQ(body["query"], (nlohmann::json{{"limit", "5"}, {"from", "x y z"}, {"flag", ""}}));
  EXPECT_EQ(body["x_test"], "seen");
  EXPECT_EQ(Body(Get("/v1/blocks/1"))["x_test"], "<absent>");
}

TEST_F(HttpServerTest, LiteralSegmentBeatsCapture) {
  StartServer();
  HttpResult latest = Get("/v1/blocks/latest");
  HttpResult height = Get("/v1/blocks/12");
  ASSERT_TRUE(latest.ok && height.ok);
  EXPECT_EQ(Body(latest)["route"], "/v1/blocks/latest");
  EXPECT_EQ(Body(latest)["params"], nlohmann::json::object());
  EXPECT_EQ(Body(height)["route"], "/v1/blocks/{height}");
  EXPECT_EQ(Body(height)["params"]["height"], "12");
}

TEST_F(HttpServerTest, UnknownRouteIs404) {
  StartServer();
  for (const char* target : {"/", "/v1", "/v1/blocks", "/v1/blocks/12/extra", "/v1/blocks/", "/v1//blocks/1"}) {
    HttpResult result = Get(target);
    ASSERT_TRUE(result.ok) << target << ": " << result.error;
    EXPECT_EQ(result.status, 404) << target;
    EXPECT_EQ(Code(result), "http.not_found") << target;
  }
}

TEST_F(HttpServerTest, WrongMethodIs405WithAllow) {
  StartServer();
  HttpResult result = Request(kHost, port(), "DELETE", "/v1/blocks/7");
  ASSERT_TRUE(result.ok) << result.error;
  EXPECT_EQ(result.status, 405);
  EXPECT_EQ(Code(result), "http.method_not_allowed");
  EXPECT_EQ(result.Header("Allow").value_or(""), "GET, HEAD, PUT");
  HttpResult post = Request(kHost, port(), "POST", "/v1/ping", "{}", {{"Content-Type", "application/json"}});
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.Header("Allow").value_or(""), "GET, HEAD");
}

TEST_F(HttpServerTest, HeadAnswersGetRoutesWithoutBody) {
  StartServer();
  HttpResult get = Get("/v1/ping");
  HttpResult head = Request(kHost, port(), "HEAD", "/v1/ping");
  ASSERT_TRUE(get.ok && head.ok) << head.error;
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(head.Header("Content-Length").value_or(""), std::to_string(get.body.size()));
}

TEST_F(HttpServerTest, EveryAnswerCarriesTheFixedHeaders) {
  StartServer();
  for (const char* target : {"/v1/ping", "/nowhere", "/v1/throw", "/v1/%zz"}) {
    HttpResult result = Get(target);
    ASSERT_TRUE(result.ok) << target << ": " << result.error;
    EXPECT_EQ(result.Header("Content-Type").value_or(""), "application/json; charset=utf-8") << target;
    EXPECT_EQ(result.Header("Cache-Control").value_or(""), "no-store") << target;
    EXPECT_EQ(result.Header("X-Content-Type-Options").value_or(""), "nosniff") << target;
    EXPECT_EQ(result.Header("Server").value_or(""), "jobcard") << target;
    EXPECT_TRUE(Body(result).is_object()) << target;
  }
}

TEST_F(HttpServerTest, RawBodyKeepsItsContentType) {
  StartServer();
  HttpResult result = Get("/metrics");
  ASSERT_TRUE(result.ok) << result.error;
  EXPECT_EQ(result.Header("Content-Type").value_or(""), "text/plain; version=0.0.4");
  EXPECT_EQ(result.body, "jobcard_up 1\n");
  EXPECT_EQ(result.Header("Cache-Control").value_or(""), "no-store");
}

// --- hostile requests ------------------------------------------------------------

TEST_F(HttpServerTest, BodyOverLimitIs413AndServerStillAnswers) {
  StartServer();
  std::string body(2 * 1024 * 1024, 'x');
  HttpResult result = Request(kHost, port(), "POST", "/v1/parse", body, {{"Content-Type", "application/json"}});
  ASSERT_TRUE(result.ok) << result.error;
  EXPECT_EQ(result.status, 413);
  EXPECT_EQ(Code(result), "http.body_too_large");
  EXPECT_EQ(result.Header("Connection").value_or(""), "close");
  HttpResult next = Get("/v1/ping");
  ASSERT_TRUE(next.ok) << next.error;
  EXPECT_EQ(next.status, 200);
}

// A client that uploads everything before reading must still get its 413:
// the server drains the unread body instead of resetting the connection.
TEST_F(HttpServerTest, RefusedUploadIsDrainedNotReset) {
  StartServer();
  HttpConnection connection(kHost, port(), 2s);
  std::string body(2 * 1024 * 1024, 'x');
  ASSERT_TRUE(connection.Send(
      BuildHttpRequest("POST", "/v1/parse", body, {{"Content-Type", "application/json"}}, true), 5s))
      << connection.error();
  HttpResult result = connection.ReadResponse(2s);
  ASSERT_TRUE(result.ok) << result.error;
  EXPECT_EQ(result.status, 413);
  EXPECT_TRUE(connection.WaitForClose(3s));
}

TEST_F(HttpServerTest, ChunkedBodyOverLimitIs413) {
  StartServer();
  std::string chunk(64 * 1024, 'x');
  std::string request =
      "POST /v1/parse HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 20; ++i) request += "10000\r\n" + chunk + "\r\n";  // 20 x 64 KiB > 1 MiB
  request += "0\r\n\r\n";
  HttpResult result = Raw(request);
  ASSERT_TRUE(result.ok) << result.error;
  EXPECT_EQ(result.status, 413);
  EXPECT_EQ(Code(result), "http.body_too_large");
}

TEST_F(HttpServerTest, BodyAtTheLimitIsAccepted) {
  HttpLimits limits = ShortLimits();
  limits.max_body_bytes = 1000;
  StartServer(limits);
  std::string body = "[\"" + std::string(996, 'a') + "\"]";
  ASSERT_EQ(body.size(), 1000u);
  HttpResult result = Request(kHost, port(), "POST", "/v1/parse", body, {{"Content-Type", "application/json"}});
  EXPECT_EQ(result.status, 200);
  HttpResult over = Request(kHost, port(), "POST", "/v1/parse", body + " ", {{"Content-Type", "application/json"}});
  EXPECT_EQ(over.status, 413);
}

TEST_F(HttpServerTest, HeadersOverLimitAre431) {
  StartServer();
  HttpResult result = Get("/v1/ping", {{"X-Big", std::string(32 * 1024, 'h')}});
  ASSERT_TRUE(result.ok) << result.error;
  EXPECT_EQ(result.status, 431);
  EXPECT_EQ(Code(result), "http.headers_too_large");
  HttpResult many = Get("/v1/ping", HttpHeaderList(2000, {"X-Many", "0123456789"}));
  EXPECT_EQ(many.status, 431);
  EXPECT_EQ(Get("/v1/ping").status, 200);
  // Between Beast's default (8 KiB) and ours (16 KiB): our limit is the one applied.
  EXPECT_EQ(Get("/v1/ping", {{"X-Big", std::string(12 * 1024, 'h')}}).status, 200);
}

TEST_F(HttpServerTest, GarbageIs400AndServerStaysUp) {
  StartServer();
  const std::vector<std::string> garbage = {
      std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 15),  // a TLS ClientHello
      std::string("GET /v1/ping\0 HTTP/1.1\r\nHost: a\r\n\r\n", 35),
      "GET /v1/ping HTTP/9.9\r\nHost: a\r\n\r\n",
      "GET /v1/ping HTTP/1.1\r\nHost a\r\n\r\n",
      "GET /v1/ping HTTP/1.1\r\nHost: a\r\nContent-Length: -5\r\n\r\n",
      "GET /v1/ping HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
      "POST /v1/parse HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      "GET /v1/ping HTTP/1.1\r\n\r\n",  // HTTP/1.1 requires Host
      "\r\n\r\n\r\n\r\n",
      "G\xffT / HTTP/1.1\r\n\r\n",
  };
  for (std::size_t i = 0; i < garbage.size(); ++i) {
    HttpResult result = Raw(garbage[i]);
    ASSERT_TRUE(result.ok) << "garbage[" << i << "]: " << result.error;
    EXPECT_EQ(result.status, 400) << "garbage[" << i << "]: " << result.body;
    EXPECT_EQ(Code(result), "http.bad_request") << "garbage[" << i << "]";
  }
  EXPECT_EQ(Get("/v1/ping").status, 200);
  EXPECT_EQ(server_->Snapshot().requests.at({std::string(node::kUnmatchedRoute), 400}), garbage.size());
}

TEST_F(HttpServerTest, OnlyHttp11IsServed) {
  StartServer();
  HttpResult result = Raw("GET /v1/ping HTTP/1.0\r\n\r\n");
  ASSERT_TRUE(result.ok) << result.error;
  EXPECT_EQ(result.status, 505);
  EXPECT_EQ(Code(result), "http.version_not_supported");
}

// "/v1/ping?p0=&p1=...": one parameter more than the default limit.
std::string TooManyQueryParameters() {
  std::string target = "/v1/ping?";
  for (std::size_t i = 0; i <= HttpLimits{}.max_query_params; ++i) target += "p" + std::to_string(i) + "=&";
  return target;
}

TEST_F(HttpServerTest, OddTargetsAre400Or414) {
  StartServer();
  struct Case {
    std::string target;
    int status;
    const char* code;
  };
  const std::vector<Case> cases = {
      {"/v1/../v1/ping", 400, "http.bad_target"},
      {"/v1/%2e%2E/ping", 400, "http.bad_target"},
      {"/v1/./ping", 400, "http.bad_target"},
      {"/v1/blocks/a%2Fb", 400, "http.bad_target"},
      {"/v1/blocks/a%5Cb", 400, "http.bad_target"},
      {"/v1/blocks/a%00b", 400, "http.bad_target"},
      {"/v1/blocks/%0d%0aSet-Cookie:x", 400, "http.bad_target"},
      {"/v1/blocks/%ff%fe", 400, "http.bad_target"},
      {"/v1/blocks/%C0%AF", 400, "http.bad_target"},  // overlong '/'
      {"/v1/blocks/\xe3\x81\x82", 400, "http.bad_target"},  // raw UTF-8 must be escaped
      {"/v1/blocks/%zz", 400, "http.bad_target"},
      {"/v1/blocks/%4", 400, "http.bad_target"},
      {"/v1/blocks/{x}", 400, "http.bad_target"},
      {"http://127.0.0.1/v1/ping", 400, "http.bad_target"},
      {"*", 400, "http.bad_target"},
      {"/v1/ping?a=1&a=2", 400, "http.bad_query"},
      {"/v1/ping?a=%ff", 400, "http.bad_query"},
      {"/v1/ping?=x", 400, "http.bad_query"},
      {"/v1/ping?a=%0a", 400, "http.bad_query"},
      {TooManyQueryParameters(), 400, "http.bad_query"},
      {"/v1/blocks/" + std::string(2100, 'a'), 414, "http.target_too_long"},
  };
  for (const Case& c : cases) {
    HttpResult result = Get(c.target);
    ASSERT_TRUE(result.ok) << c.target << ": " << result.error;
    EXPECT_EQ(result.status, c.status) << c.target;
    EXPECT_EQ(Code(result), c.code) << c.target;
  }
  EXPECT_EQ(Get("/v1/ping?a=%E3%81%82").status, 200);  // escaped UTF-8 is fine
  EXPECT_EQ(Get("/v1/ping").status, 200);
}

TEST_F(HttpServerTest, JsonRouteWantsJsonContentType) {
  StartServer();
  for (const HttpHeaderList& headers : std::vector<HttpHeaderList>{
           {}, {{"Content-Type", "text/plain"}}, {{"Content-Type", "application/jsonx"}}}) {
    HttpResult result = Request(kHost, port(), "POST", "/v1/parse", "{}", headers);
    ASSERT_TRUE(result.ok) << result.error;
    EXPECT_EQ(result.status, 415);
    EXPECT_EQ(Code(result), "http.unsupported_media_type");
  }
  for (const char* type : {"application/json", "Application/JSON; charset=utf-8"}) {
    HttpResult result = Request(kHost, port(), "POST", "/v1/parse", "{\"a\":[1,2]}", {{"Content-Type", type}});
    EXPECT_EQ(result.status, 200) << type;
    EXPECT_EQ(Body(result)["parsed"], (nlohmann::json{{"a", {1, 2}}})) << type;
  }
}

TEST_F(HttpServerTest, DeeplyNestedBodyReachesTheHandlerWhichRefusesIt) {
  StartServer();
  std::string nested = std::string(100'000, '[') + std::string(100'000, ']');
  HttpResult result = Request(kHost, port(), "POST", "/v1/parse", nested, {{"Content-Type", "application/json"}});
  ASSERT_TRUE(result.ok) << result.error;
  EXPECT_EQ(result.status, 400);
  EXPECT_EQ(Code(result), "json.too_deep");
  EXPECT_EQ(Get("/v1/ping").status, 200);
}

TEST_F(HttpServerTest, HandlerExceptionIs500WithoutDetailsAndServerSurvives) {
  StartServer();
  for (int i = 0; i < 3; ++i) {
    HttpResult result = Get("/v1/throw");
    ASSERT_TRUE(result.ok) << result.error;
    EXPECT_EQ(result.status, 500);
    EXPECT_EQ(Code(result), "http.internal");
    EXPECT_EQ(result.body.find("secret"), std::string::npos);
  }
  EXPECT_EQ(Get("/v1/ping").status, 200);
  EXPECT_EQ(server_->Snapshot().handler_exceptions, 3u);
}

// --- connections -------------------------------------------------------------------

TEST_F(HttpServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  StartServer();
  HttpConnection connection(kHost, port(), 2s);
  ASSERT_TRUE(connection.connected()) << connection.error();
  HttpResult first = connection.Exchange(BuildHttpRequest("GET", "/v1/blocks/1", "", {}, true), 2s);
  HttpResult second = connection.Exchange(BuildHttpRequest("GET", "/v1/blocks/2", "", {}, true), 2s);
  ASSERT_TRUE(first.ok && second.ok) << first.error << " / " << second.error;
  EXPECT_EQ(Body(first)["params"]["height"], "1");
  EXPECT_EQ(Body(second)["params"]["height"], "2");
  EXPECT_NE(second.Header("Connection").value_or(""), "close");
  EXPECT_EQ(server_->Snapshot().connections_accepted, 1u);
}

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  StartServer();
  HttpConnection connection(kHost, port(), 2s);
  ASSERT_TRUE(connection.Send(BuildHttpRequest("GET", "/v1/blocks/1", "", {}, true) +
                                  BuildHttpRequest("GET", "/v1/blocks/2", "", {}, false),
                              2s));
  HttpResult first = connection.ReadResponse(2s);
  HttpResult second = connection.ReadResponse(2s);
  ASSERT_TRUE(first.ok && second.ok) << first.error << " / " << second.error;
  EXPECT_EQ(Body(first)["params"]["height"], "1");
  EXPECT_EQ(Body(second)["params"]["height"], "2");
  EXPECT_EQ(second.Header("Connection").value_or(""), "close");
  EXPECT_TRUE(connection.WaitForClose(2s));
}

TEST_F(HttpServerTest, ConnectionClosesAfterMaxRequests) {
  HttpLimits limits = ShortLimits();
  limits.max_requests_per_connection = 2;
  StartServer(limits);
  HttpConnection connection(kHost, port(), 2s);
  HttpResult first = connection.Exchange(BuildHttpRequest("GET", "/v1/ping", "", {}, true), 2s);
  HttpResult second = connection.Exchange(BuildHttpRequest("GET", "/v1/ping", "", {}, true), 2s);
  ASSERT_TRUE(first.ok && second.ok);
  EXPECT_NE(first.Header("Connection").value_or(""), "close");
  EXPECT_EQ(second.Header("Connection").value_or(""), "close");
  EXPECT_TRUE(connection.WaitForClose(2s));
}

TEST_F(HttpServerTest, ExpectContinueGetsAnInterimAnswer) {
  StartServer();
  HttpConnection connection(kHost, port(), 2s);
  ASSERT_TRUE(connection.Send(
      "POST /v1/parse HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
      "Expect: 100-continue\r\n\r\n",
      2s));
  HttpResult interim = connection.ReadResponse(2s);
  ASSERT_TRUE(interim.ok) << interim.error;
  EXPECT_EQ(interim.status, 100);
  ASSERT_TRUE(connection.Send("[]", 2s));
  HttpResult final_answer = connection.ReadResponse(2s);
  ASSERT_TRUE(final_answer.ok) << final_answer.error;
  EXPECT_EQ(final_answer.status, 200);
}

TEST_F(HttpServerTest, SlowlorisIsCutOffWhileAnHonestClientIsServed) {
  StartServer();  // request_timeout 1 s
  const std::string request = BuildHttpRequest("GET", "/v1/ping", "", {{"X-Padding", std::string(200, 'p')}}, true);
  std::atomic<bool> cut_off{false};
  std::chrono::milliseconds cut_after{0};
  HttpResult slow_answer;
  std::thread slow([&] {
    HttpConnection connection(kHost, port(), 2s);
    auto start = std::chrono::steady_clock::now();
    // One byte every 200 ms, never the whole request; at most 10 s.
    for (std::size_t i = 0; i + 1 < request.size() && i < 50; ++i) {
      if (connection.PeerReadable() || !connection.Send(request.substr(i, 1), 1s)) {
        cut_off = true;
        break;
      }
      std::this_thread::sleep_for(200ms);
    }
    cut_after = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    slow_answer = connection.ReadResponse(2s);
  });
  std::this_thread::sleep_for(300ms);
  auto honest_start = std::chrono::steady_clock::now();
  HttpResult honest = Get("/v1/ping");
  auto honest_time = std::chrono::steady_clock::now() - honest_start;
  slow.join();
  EXPECT_EQ(honest.status, 200);
  EXPECT_LT(honest_time, 900ms);
  EXPECT_TRUE(cut_off);
  EXPECT_GE(cut_after, 900ms);
  EXPECT_LT(cut_after, 3s);
  ASSERT_TRUE(slow_answer.ok) << slow_answer.error;
  EXPECT_EQ(slow_answer.status, 408);
  EXPECT_EQ(Code(slow_answer), "http.request_timeout");
  EXPECT_EQ(server_->Snapshot().requests_timed_out, 1u);
}

TEST_F(HttpServerTest, SilentConnectionIsClosedAfterRequestTimeout) {
  StartServer();  // request_timeout 1 s
  HttpConnection connection(kHost, port(), 2s);
  ASSERT_TRUE(connection.connected());
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(connection.WaitForClose(3s));
  auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, 900ms);
  EXPECT_LT(waited, 2500ms);
}

TEST_F(HttpServerTest, IdleKeepAliveConnectionIsClosed) {
  HttpLimits limits = ShortLimits();
  limits.idle_keepalive_timeout = 300ms;
  StartServer(limits);
  HttpConnection connection(kHost, port(), 2s);
  ASSERT_EQ(connection.Exchange(BuildHttpRequest("GET", "/v1/ping", "", {}, true), 2s).status, 200);
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(connection.WaitForClose(3s));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 900ms);
}

TEST_F(HttpServerTest, OverConnectionLimitIs503UntilSlotsFree) {
  HttpLimits limits = ShortLimits();
  limits.max_connections = 8;
  limits.request_timeout = 10s;  // the idle connections must stay open
  StartServer(limits);
  std::vector<std::unique_ptr<HttpConnection>> idle;
  for (int i = 0; i < 8; ++i) {
    idle.push_back(std::make_unique<HttpConnection>(kHost, port(), 2s));
    ASSERT_TRUE(idle.back()->connected());
  }
  ASSERT_TRUE(Eventually([&] { return server_->Snapshot().connections_open == 8; }));
  HttpResult refused = Get("/v1/ping");
  ASSERT_TRUE(refused.ok) << refused.error;
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(Code(refused), "http.over_capacity");
  EXPECT_EQ(refused.Header("Connection").value_or(""), "close");
  idle[0]->Close();
  idle[1]->Close();
  ASSERT_TRUE(Eventually([&] { return server_->Snapshot().connections_open == 6; }));
  HttpResult served = Get("/v1/ping");
  EXPECT_EQ(served.status, 200);
  EXPECT_EQ(server_->Snapshot().connections_rejected, 1u);
}

// 8 client threads x 50 requests each, every answer checked.
void ExpectAllServed(std::uint16_t port, const node::HttpServer& server) {
  constexpr int kThreads = 8;
  constexpr int kRequestsEach = 50;
  std::atomic<int> served{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < kThreads; ++t) {
    clients.emplace_back([&, t] {
      for (int i = 0; i < kRequestsEach; ++i) {
        std::string height = std::to_string(t * 1000 + i);
        HttpResult result = Request(kHost, port, "GET", "/v1/blocks/" + height);
        if (result.ok && result.status == 200 &&
            nlohmann::json::parse(result.body, nullptr, false)["params"]["height"] == height) {
          ++served;
        }
      }
    });
  }
  for (std::thread& client : clients) client.join();
  EXPECT_EQ(served.load(), kThreads * kRequestsEach);
  EXPECT_EQ(server.Snapshot().requests.at({"/v1/blocks/{height}", 200}),
            static_cast<std::uint64_t>(kThreads * kRequestsEach));
}

TEST_F(HttpServerTest, ConcurrentClientsAreAllServed) {
  StartServer();
  ExpectAllServed(port(), *server_);
}

TEST_F(HttpServerTest, ConcurrentClientsAreAllServedBySeveralIoThreads) {
  StartServer(ShortLimits(), /*io_threads=*/4);
  ExpectAllServed(port(), *server_);
}

// --- metrics and lifecycle -------------------------------------------------------

TEST_F(HttpServerTest, SnapshotCountsByRouteAndStatus) {
  StartServer();
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Get("/v1/ping").status, 200);
  ASSERT_EQ(Get("/v1/blocks/9").status, 200);
  ASSERT_EQ(Get("/absent").status, 404);
  ASSERT_EQ(Request(kHost, port(), "DELETE", "/v1/ping").status, 405);
  node::HttpStats stats = server_->Snapshot();
  EXPECT_EQ(stats.requests.at({"/v1/ping", 200}), 3u);
  EXPECT_EQ(stats.requests.at({"/v1/blocks/{height}", 200}), 1u);
  EXPECT_EQ(stats.requests.at({std::string(node::kUnmatchedRoute), 404}), 1u);
  EXPECT_EQ(stats.requests.at({std::string(node::kUnmatchedRoute), 405}), 1u);
  EXPECT_EQ(stats.requests.size(), 4u);  // raw paths never become labels
  const node::LatencyHistogram& ping = stats.latency.at("/v1/ping");
  EXPECT_EQ(ping.count, 3u);
  std::uint64_t in_buckets = 0;
  for (std::uint64_t n : ping.bucket_counts) in_buckets += n;
  EXPECT_EQ(in_buckets, 3u);
  EXPECT_EQ(stats.connections_accepted, 6u);
  EXPECT_TRUE(Eventually([&] { return server_->Snapshot().connections_open == 0; }));
}

TEST_F(HttpServerTest, StopClosesIdleConnectionsAndEndsTheLoop) {
  HttpLimits limits = ShortLimits();
  limits.request_timeout = 10s;
  limits.idle_keepalive_timeout = 10s;
  StartServer(limits);
  HttpConnection fresh(kHost, port(), 2s);
  HttpConnection kept(kHost, port(), 2s);
  ASSERT_EQ(kept.Exchange(BuildHttpRequest("GET", "/v1/ping", "", {}, true), 2s).status, 200);
  ASSERT_TRUE(Eventually([&] { return server_->Snapshot().connections_open == 2; }));
  std::uint16_t old_port = port();
  server_->Stop();
  EXPECT_TRUE(fresh.WaitForClose(2s));
  EXPECT_TRUE(kept.WaitForClose(2s));
  EXPECT_EQ(io_done_.wait_for(3s), std::future_status::ready);  // far below the 10 s timeouts
  HttpConnection late(kHost, old_port, 1s);
  EXPECT_FALSE(late.connected());
  EXPECT_FALSE(server_->Listen("127.0.0.1", 0).ok());
}

TEST_F(HttpServerTest, StopLetsARequestInFlightFinish) {
  StartServer();
  HttpConnection connection(kHost, port(), 2s);
  std::string request = BuildHttpRequest("GET", "/v1/ping", "", {}, true);
  ASSERT_TRUE(connection.Send(request.substr(0, 10), 1s));
  // Stop only once the server has read the request's first bytes: before
  // that the connection is idle, and an idle connection is closed at Stop.
  ASSERT_TRUE(Eventually([&] { return server_->Snapshot().requests_started == 1; }));
  server_->Stop();
  ASSERT_TRUE(connection.Send(request.substr(10), 1s));
  HttpResult result = connection.ReadResponse(2s);
  ASSERT_TRUE(result.ok) << result.error;
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.Header("Connection").value_or(""), "close");
  EXPECT_TRUE(connection.WaitForClose(2s));
  EXPECT_EQ(io_done_.wait_for(3s), std::future_status::ready);
}

// The server object may go before its connections: they keep what they use.
TEST_F(HttpServerTest, DestroyingTheServerMidRequestIsSafe) {
  StartServer();
  HttpConnection connection(kHost, port(), 2s);
  std::string request = BuildHttpRequest("GET", "/v1/blocks/5", "", {}, true);
  ASSERT_TRUE(connection.Send(request.substr(0, 10), 1s));
  // As above: mid-request means the server has read its first bytes (a
  // fixed sleep here was not always enough under load: "end of stream").
  ASSERT_TRUE(Eventually([&] { return server_->Snapshot().requests_started == 1; }));
  server_.reset();
  ASSERT_TRUE(connection.Send(request.substr(10), 1s));
  HttpResult result = connection.ReadResponse(2s);
  ASSERT_TRUE(result.ok) << result.error;
  EXPECT_EQ(Body(result)["params"]["height"], "5");
  EXPECT_EQ(io_done_.wait_for(3s), std::future_status::ready);
  io_thread_.join();
}

TEST(HttpServerListen, RefusesBadAddressesAndBusyPorts) {
  boost::asio::io_context io;
  node::HttpServer first(io);
  ASSERT_TRUE(first.Listen("127.0.0.1", 0).ok());
  node::HttpServer second(io);
  Status busy = second.Listen("127.0.0.1", first.port());
  ASSERT_FALSE(busy.ok());
  EXPECT_EQ(busy.error().code, "http.listen");
  node::HttpServer third(io);
  Status bad = third.Listen("localhost.invalid", 0);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "http.bad_address");
  Status again = first.Listen("127.0.0.1", 0);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "http.already_listening");
}

}  // namespace
}  // namespace jobcard::testing
