// A route's own body limit (RouteOptions::max_body_bytes) over real sockets:
// it lets that route read more than the server's max_body_bytes while every
// other route, and every path without one, keeps the server's limit, for
// declared and chunked bodies alike; only max_large_bodies such bodies are
// held at once; and no route may pass kMaxRouteBodyBytes.
#include "tests/api/http_test_server.h"

namespace jobcard::testing {
namespace {

constexpr const char* kHost = "127.0.0.1";
constexpr std::size_t kServerLimit = 1000;
constexpr std::size_t kBulkLimit = 3000;

// The test routes (/v1/parse keeps the server's limit) plus /v1/bulk with its own.
void RoutesWithABulkRoute(node::HttpServer& server) {
  AddTestRoutes(server);
  server.Route(
      http::verb::post, "/v1/bulk",
      [](const HttpRequest& request) { return HttpResponse::Json(http::status::ok, {{"body_bytes", request.body.size()}}); },
      node::RouteOptions{.json_body = true, .max_body_bytes = kBulkLimit});
}

class RouteBodyLimitTest : public HttpServerTest {
 protected:
  void SetUp() override {
    HttpLimits limits = ShortLimits();
    limits.max_body_bytes = kServerLimit;
    limits.max_large_bodies = 1;
    StartServer(limits, 1, RoutesWithABulkRoute);
  }
  HttpResult Post(std::string_view target, std::size_t body_bytes) {
    return Request(kHost, port(), "POST", target, std::string(body_bytes, ' '), {{"Content-Type", "application/json"}});
  }
  HttpResult PostChunked(std::string_view target, std::size_t chunks, std::size_t chunk_bytes) {
    std::string request = "POST " + std::string(target) +
                          " HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", chunk_bytes);
    for (std::size_t i = 0; i < chunks; ++i) request += size + std::string(chunk_bytes, ' ') + "\r\n";
    return Raw(request + "0\r\n\r\n");
  }
};

TEST_F(RouteBodyLimitTest, ARouteWithItsOwnLimitReadsMoreThanTheServersLimit) {
  HttpResult bulk = Post("/v1/bulk", 2 * kServerLimit);
  ASSERT_TRUE(bulk.ok) << bulk.error;
  EXPECT_EQ(bulk.status, 200) << bulk.body;
  EXPECT_EQ(Body(bulk)["body_bytes"], 2 * kServerLimit);
  EXPECT_EQ(Post("/v1/bulk", kBulkLimit).status, 200) << "the limit itself is allowed";

  HttpResult over = Post("/v1/bulk", kBulkLimit + 1);
  EXPECT_EQ(over.status, 413);
  EXPECT_EQ(Code(over), "http.body_too_large");
  EXPECT_EQ(over.Header("Connection").value_or(""), "close");
}

TEST_F(RouteBodyLimitTest, OtherRoutesAndUnroutedPathsKeepTheServersLimit) {
  EXPECT_EQ(Post("/v1/parse", kServerLimit).status, 400) << "read, and refused by the handler as not JSON";
  for (const char* target : {"/v1/parse", "/v1/nowhere", "/v1/bulk/extra", "/v1/%zz"}) {
    HttpResult result = Post(target, kServerLimit + 1);
    ASSERT_TRUE(result.ok) << target << ": " << result.error;
    EXPECT_EQ(result.status, 413) << target;
    EXPECT_EQ(Code(result), "http.body_too_large") << target;
  }
  EXPECT_EQ(Get("/v1/ping").status, 200);
}

TEST_F(RouteBodyLimitTest, ChunkedBodiesAreBoundByTheirRoute) {
  EXPECT_EQ(PostChunked("/v1/bulk", 4, 500).status, 200);
  EXPECT_EQ(PostChunked("/v1/parse", 4, 500).status, 413);
  EXPECT_EQ(PostChunked("/v1/bulk", 7, 500).status, 413);
}

// The refusal comes from the header, before the client is invited to send.
TEST_F(RouteBodyLimitTest, AnExpectContinueOverTheRoutesLimitIsRefusedAtOnce) {
  for (const auto& [target, expected] : {std::pair<const char*, int>{"/v1/parse", 413}, {"/v1/bulk", 100}}) {
    HttpConnection connection(kHost, port(), 2s);
    ASSERT_TRUE(connection.Send("POST " + std::string(target) +
                                    " HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 2000\r\n"
                                    "Expect: 100-continue\r\n\r\n",
                                2s));
    HttpResult answer = connection.ReadResponse(2s);
    ASSERT_TRUE(answer.ok) << answer.error;
    EXPECT_EQ(answer.status, expected) << target;
  }
}

// A client holding the one place for a body over the server's limit (half
// its body sent) leaves the next such request a 503, but not a small one.
TEST_F(RouteBodyLimitTest, OnlyMaxLargeBodiesAreReadAtOnce) {
  const std::string head =
      "POST /v1/bulk HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 2000\r\n\r\n";
  HttpConnection holder(kHost, port(), 2s);
  ASSERT_TRUE(holder.Send(head + std::string(1000, ' '), 2s)) << holder.error();
  // Until the server has read the holder's header, another large body may still get the place.
  HttpResult refused;
  for (int i = 0; i < 100 && refused.status != 503; ++i) {
    refused = Post("/v1/bulk", 2 * kServerLimit);
    ASSERT_TRUE(refused.ok) << refused.error;
    if (refused.status != 503) std::this_thread::sleep_for(2ms);
  }
  ASSERT_EQ(refused.status, 503);
  EXPECT_EQ(Code(refused), "http.over_capacity");
  EXPECT_EQ(Post("/v1/bulk", kServerLimit).status, 200) << "a body within the server's limit needs no place";

  ASSERT_TRUE(holder.Send(std::string(1000, ' '), 2s)) << holder.error();
  HttpResult held = holder.ReadResponse(2s);
  ASSERT_TRUE(held.ok) << held.error;
  EXPECT_EQ(held.status, 200);
  EXPECT_EQ(Post("/v1/bulk", 2 * kServerLimit).status, 200) << "the place is free again";
}

TEST(RouteBodyLimitDeathTest, ARouteLimitOverTheCeilingAbortsAtRegistration) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        boost::asio::io_context io;
        node::HttpServer server(io);
        server.Route(http::verb::post, "/v1/huge", [](const HttpRequest&) { return HttpResponse(); },
                     node::RouteOptions{.max_body_bytes = node::kMaxRouteBodyBytes + 1});
      },
      "kMaxRouteBodyBytes");
}

}  // namespace
}  // namespace jobcard::testing
