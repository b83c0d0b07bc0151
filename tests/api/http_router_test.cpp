// HttpRouter without sockets: pattern rules, precedence, HEAD and 405 data.
#include "node/http/http_router.h"

#include <gtest/gtest.h>

namespace jobcard::node {
namespace {

namespace http = boost::beast::http;

HttpHandler Named(std::string name) {
  return [name](const HttpRequest&) { return HttpResponse::Json(http::status::ok, {{"name", name}}); };
}

std::string NameOf(const RouteMatch& match) {
  if (match.route == nullptr) return "<none>";
  return match.route->handler(HttpRequest{}).json["name"];
}

TEST(HttpRouter, RejectsMalformedAndDuplicatePatterns) {
  HttpRouter router;
  for (const char* bad : {"", "v1/x", "/v1//x", "/v1/x/", "/v1/{}", "/v1/{a-b}", "/v1/{a}/{a}", "/v1/x{a}",
                          "/v1/{a", "/v1/a}"}) {
    Status added = router.Add(http::verb::get, bad, Named("bad"), {});
    ASSERT_FALSE(added.ok()) << bad;
    EXPECT_EQ(added.error().code, "http.bad_pattern") << bad;
  }
  ASSERT_TRUE(router.Add(http::verb::get, "/v1/blocks/{height}", Named("a"), {}).ok());
  EXPECT_FALSE(router.Add(http::verb::get, "/v1/blocks/{other}", Named("b"), {}).ok());
  EXPECT_TRUE(router.Add(http::verb::post, "/v1/blocks/{other}", Named("c"), {}).ok());
  EXPECT_TRUE(router.Add(http::verb::get, "/", Named("root"), {}).ok());
}

TEST(HttpRouter, LiteralBeatsCaptureWhateverTheOrder) {
  HttpRouter router;
  ASSERT_TRUE(router.Add(http::verb::get, "/a/{x}/c", Named("capture-first"), {}).ok());
  ASSERT_TRUE(router.Add(http::verb::get, "/a/b/{y}", Named("literal-first"), {}).ok());
  ASSERT_TRUE(router.Add(http::verb::get, "/a/{x}/{y}", Named("captures"), {}).ok());
  EXPECT_EQ(NameOf(router.Find(http::verb::get, {"a", "b", "c"})), "literal-first");
  EXPECT_EQ(NameOf(router.Find(http::verb::get, {"a", "z", "c"})), "capture-first");
  RouteMatch match = router.Find(http::verb::get, {"a", "z", "q"});
  EXPECT_EQ(NameOf(match), "captures");
  EXPECT_EQ(match.params, (HttpParams{{"x", "z"}, {"y", "q"}}));
  EXPECT_EQ(NameOf(router.Find(http::verb::get, {"a", "", "q"})), "<none>");  // captures are never empty
}

TEST(HttpRouter, HeadUsesGetAndWrongMethodListsAllowed) {
  HttpRouter router;
  ASSERT_TRUE(router.Add(http::verb::get, "/r", Named("get"), {}).ok());
  ASSERT_TRUE(router.Add(http::verb::post, "/r", Named("post"), {}).ok());
  EXPECT_EQ(NameOf(router.Find(http::verb::head, {"r"})), "get");
  RouteMatch wrong = router.Find(http::verb::delete_, {"r"});
  EXPECT_EQ(wrong.route, nullptr);
  EXPECT_EQ(AllowHeaderValue(wrong.allowed), "GET, HEAD, POST");
  RouteMatch absent = router.Find(http::verb::get, {"s"});
  EXPECT_EQ(absent.route, nullptr);
  EXPECT_TRUE(absent.allowed.empty());
}

}  // namespace
}  // namespace jobcard::node
