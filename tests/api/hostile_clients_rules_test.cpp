// The attacker's judge (tests/support/hostile_clients.h) must be able to
// fail: against a careless server (routes that accept anything, throw, or
// answer errors without a JSON body) it reports every broken rule, and it
// reads answers the way spec/http.md writes them.
#include <gtest/gtest.h>

#include "tests/api/http_test_server.h"
#include "tests/support/hostile_clients.h"
#include "tests/support/raw_http_client.h"

namespace jobcard::testing {
namespace {

void CarelessRoutes(node::HttpServer& server) {
  // Takes any body, however deep, and says it was accepted.
  server.Route(http::verb::post, "/v1/txs", [](const HttpRequest&) {
    return HttpResponse::Json(http::status::accepted, {{"status", "pending"}});
  });
  // Refuses, but not with a JSON {code,message} body.
  server.Route(http::verb::post, "/v1/receipts", [](const HttpRequest&) {
    return HttpResponse::Raw(http::status::bad_request, "no", "text/plain");
  });
  server.Route(http::verb::post, "/v1/bundles/verify", [](const HttpRequest&) -> HttpResponse {
    throw std::runtime_error("a parser that recursed too deep");
  });
}

class HostileClientsRulesTest : public HttpServerTest {};

TEST_F(HostileClientsRulesTest, ACarelessServerBreaksTheRulesAndIsToldSo) {
  StartServer(ShortLimits(), 1, CarelessRoutes);
  AttackOptions options;
  options.port = port();
  options.duration = std::chrono::milliseconds(0);  // every probe once
  AttackTally tally = RunAttack(Attack::kDeepJson, options);
  EXPECT_GT(tally.requests, 0u);
  EXPECT_EQ(tally.unexpected_count, tally.requests) << tally.Summary();
  std::string all;
  for (const auto& problem : tally.unexpected) all += problem + "\n";
  EXPECT_NE(all.find("/v1/txs 100k [: status 202"), std::string::npos) << all;
  EXPECT_NE(all.find("/v1/receipts 100k [: status 400 without a JSON {code,message} body"), std::string::npos) << all;
  EXPECT_NE(all.find("/v1/bundles/verify 100k [: status 500"), std::string::npos) << all;
}

TEST_F(HostileClientsRulesTest, AServerThatNeverTimesOutSlowSendersIsNotCredited408) {
  StartServer(ShortLimits(), 1, CarelessRoutes);
  AttackOptions options;
  options.port = port();
  options.slow_connections = 2;
  options.slow_byte_interval = std::chrono::milliseconds(100);
  options.duration = std::chrono::milliseconds(300);
  options.slow_attack_minimum = std::chrono::milliseconds(300);
  // The test server's request_timeout is 1 s: within 0.3 s nothing is cut off.
  AttackTally tally = RunAttack(Attack::kSlowHeaders, options);
  EXPECT_EQ(tally.Count(408), 0u) << tally.Summary();
  EXPECT_EQ(tally.requests, 2u);
}

TEST(RawAnswer, ReadsStatusBodyAndTheJsonErrorCode) {
  RawAnswer answer = ParseRawAnswer(
      "HTTP/1.1 413 Payload Too Large\r\nContent-Length: 57\r\n\r\n"
      "{\"code\":\"http.body_too_large\",\"message\":\"too large, sorry\"}",
      true);
  EXPECT_EQ(answer.status, 413);
  EXPECT_TRUE(answer.json_error);
  EXPECT_EQ(answer.code, "http.body_too_large");
  EXPECT_TRUE(answer.closed);
  EXPECT_FALSE(ParseRawAnswer("HTTP/1.1 400 Bad\r\n\r\n{\"code\":\"x\"}", false).json_error);
  EXPECT_EQ(ParseRawAnswer("", true).status, 0);
  EXPECT_EQ(ParseRawAnswer("garbage that is long enough", true).status, 0);
}

TEST(AttackNames, RoundTripAndUnknownNamesAreRefused) {
  for (Attack attack : AllAttacks()) EXPECT_EQ(AttackFromName(AttackName(attack)), attack);
  EXPECT_EQ(AllAttacks().size(), 9u);
  EXPECT_FALSE(AttackFromName("everything").has_value());
}

}  // namespace
}  // namespace jobcard::testing
