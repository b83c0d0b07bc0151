// The web portal's files as the node serves them (node/portal_routes.cpp):
// every embedded file at its path with the right media type and the strict
// Content-Security-Policy; nothing else, whatever the path tries.
#include "node/portal_routes.h"

#include <gtest/gtest.h>

#include "node/portal_assets.h"
#include "tests/api/http_test_server.h"

namespace jobcard::testing {
namespace {

class PortalStaticTest : public HttpServerTest {
 protected:
  void SetUp() override { StartServer(ShortLimits(), 1, [](node::HttpServer& s) { node::RegisterPortal(s); }); }
};

TEST(PortalContentType, FollowsTheExtension) {
  EXPECT_EQ(node::PortalContentType("/portal/index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(node::PortalContentType("/portal/app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(node::PortalContentType("/portal/style.css"), "text/css; charset=utf-8");
  EXPECT_EQ(node::PortalContentType("/portal/timeline.png"), "image/png");
  EXPECT_EQ(node::PortalContentType("/portal/README.md"), "application/octet-stream");
  EXPECT_EQ(node::PortalContentType("/portal/.js"), "application/octet-stream");
}

TEST(PortalAssets, HoldThePageItsScriptsAndLibsodium) {
  std::vector<std::string> paths;
  for (const auto& asset : node::PortalAssets()) {
    paths.emplace_back(asset.path);
    EXPECT_FALSE(asset.body.empty()) << asset.path;
    EXPECT_TRUE(asset.path.starts_with("/portal/")) << asset.path;
  }
  for (const char* expected : {"/portal/index.html", "/portal/app.js", "/portal/style.css", "/portal/codec.js",
                               "/portal/vendor/libsodium-sumo.js", "/portal/vendor/libsodium-wrappers.js"}) {
    EXPECT_NE(std::find(paths.begin(), paths.end(), expected), paths.end()) << expected;
  }
}

TEST_F(PortalStaticTest, ServesEveryFileWithItsTypeAndTheSecurityFields) {
  for (const auto& asset : node::PortalAssets()) {
    HttpResult r = Get(asset.path);
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.status, 200) << asset.path;
    EXPECT_EQ(r.body, asset.body) << asset.path;
    EXPECT_EQ(r.Header("Content-Type"), std::string(node::PortalContentType(asset.path))) << asset.path;
    EXPECT_EQ(r.Header("Content-Security-Policy"), std::string(node::kPortalContentSecurityPolicy)) << asset.path;
    EXPECT_EQ(r.Header("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(r.Header("X-Frame-Options"), "DENY");
  }
  HttpResult root = Get("/");
  ASSERT_TRUE(root.ok);
  EXPECT_EQ(root.status, 200);
  EXPECT_EQ(root.Header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(root.body.find("/portal/app.js"), std::string::npos);
}

TEST_F(PortalStaticTest, ThePolicyAllowsNoInlineCodeNorOtherOrigins) {
  const std::string policy(node::kPortalContentSecurityPolicy);
  EXPECT_NE(policy.find("default-src 'none'"), std::string::npos);
  EXPECT_NE(policy.find("script-src 'self' 'wasm-unsafe-eval';"), std::string::npos);
  EXPECT_EQ(policy.find("'unsafe-eval'"), std::string::npos);
  EXPECT_EQ(policy.find("'unsafe-inline'"), std::string::npos);
  EXPECT_EQ(policy.find("'unsafe-hashes'"), std::string::npos);
  EXPECT_EQ(policy.find("http"), std::string::npos);
  EXPECT_EQ(policy.find('*'), std::string::npos);
  // And the page itself carries no inline script or style the policy would block.
  HttpResult page = Get("/");
  ASSERT_TRUE(page.ok);
  EXPECT_EQ(page.body.find("<script>"), std::string::npos);
  EXPECT_EQ(page.body.find("style="), std::string::npos);
  EXPECT_EQ(page.body.find("onclick"), std::string::npos);
}

TEST_F(PortalStaticTest, NoPathReachesAnythingElse) {
  // Traversal in every spelling the target parser might meet; each is refused
  // (400) or names no route (404), and never answers with a file.
  for (const char* target : {"/portal/../CMakeLists.txt", "/portal/%2e%2e/CMakeLists.txt", "/portal/%2E%2E/%2E%2E/etc/passwd",
                             "/portal/..%2fCMakeLists.txt", "/portal/..%5cCMakeLists.txt", "/portal/vendor/../app.js",
                             "/portal/./app.js", "/portal//app.js", "/portal/app.js%00.png", "/portal/README.md",
                             "/portal/embed_files.cpp", "/portal/", "/portal", "/portal/APP.JS", "/portal/app.js/",
                             "/node/portal/app.js", "/portal/vendor/", "/%2e%2e/%2e%2e/etc/passwd", "/..", "/portal/docs/timeline.png"}) {
    HttpResult r = Get(target);
    ASSERT_TRUE(r.ok) << target << ": " << r.error;
    EXPECT_TRUE(r.status == 400 || r.status == 404) << target << " answered " << r.status;
    EXPECT_EQ(r.Header("Content-Type"), "application/json; charset=utf-8") << target;
  }
  // Other methods on a file: 405, not a write.
  HttpResult put = Request("127.0.0.1", port(), "PUT", "/portal/app.js", "x", {});
  ASSERT_TRUE(put.ok);
  EXPECT_EQ(put.status, 405);
}

}  // namespace
}  // namespace jobcard::testing
