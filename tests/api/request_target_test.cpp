// ParseRequestTarget without sockets: decoding and every refusal.
#include "node/http/request_target.h"

#include <gtest/gtest.h>

namespace jobcard::node {
namespace {

Result<RequestTarget> Parse(std::string_view target) { return ParseRequestTarget(target, 2048, 4); }

std::string CodeOf(std::string_view target) {
  auto parsed = Parse(target);
  return parsed.ok() ? "ok" : parsed.error().code;
}

TEST(RequestTarget, DecodesPathAndQuery) {
  auto parsed = Parse("/v1/a%20b/%E3%81%82?x=1+2&y=%3D&z&&");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->path, "/v1/a b/\xe3\x81\x82");
  EXPECT_EQ(parsed->segments, (std::vector<std::string>{"v1", "a b", "\xe3\x81\x82"}));
  EXPECT_EQ(parsed->query, (HttpParams{{"x", "1 2"}, {"y", "="}, {"z", ""}}));
  auto root = Parse("/");
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(root->path, "/");
  EXPECT_TRUE(root->segments.empty());
  EXPECT_EQ(Parse("/a/")->segments, (std::vector<std::string>{"a", ""}));
  EXPECT_EQ(Parse("/a?p=/x?y")->query.at("p"), "/x?y");
}

TEST(RequestTarget, RefusesWhatHandlersMustNotSee) {
  for (const char* target : {"", "v1", "*", "http://h/x", "/a/..", "/a/.", "/%2e%2e/x", "/a%2fb", "/a%5cb", "/a%00",
                             "/a%1f", "/a%7f", "/%ff", "/%c0%af", "/%ed%a0%80", "/%", "/%4", "/%g0", "/a b",
                             "/a\"b", "/a<b", "/a#b", "/\xe3\x81\x82", "/a{b}", "/a|b", "/a\\b", "/a^b"}) {
    EXPECT_EQ(CodeOf(target), "http.bad_target") << target;
  }
  for (const char* target : {"/a?x=%ff", "/a?x=%0a", "/a?=1", "/a?x=1&x=2", "/a?x=%", "/a?x=a#b",
                             "/a?a&b&c&d&e", "/a?x=\xff"}) {
    EXPECT_EQ(CodeOf(target), "http.bad_query") << target;
  }
  EXPECT_EQ(CodeOf("/a?a&b&c&d"), "ok");
  EXPECT_EQ(CodeOf("/" + std::string(2047, 'a')), "ok");
  EXPECT_EQ(CodeOf("/" + std::string(2048, 'a')), "http.target_too_long");
}

}  // namespace
}  // namespace jobcard::node
