#include "cli/passphrase.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

namespace jobcard::cli {
namespace {

// Feeds `input` through a pipe, as a terminal would deliver it.
Result<crypto::SecureBuffer> ReadFrom(const std::string& input, std::size_t max_bytes, std::string* rest = nullptr) {
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  EXPECT_EQ(::write(fds[1], input.data(), input.size()), static_cast<ssize_t>(input.size()));
  ::close(fds[1]);
  auto line = ReadPassphraseLine(fds[0], max_bytes);
  if (rest != nullptr) {
    char buffer[256];
    ssize_t n = ::read(fds[0], buffer, sizeof buffer);
    rest->assign(buffer, n > 0 ? static_cast<std::size_t>(n) : 0);
  }
  ::close(fds[0]);
  return line;
}

std::string Text(const Result<crypto::SecureBuffer>& r) {
  if (!r.ok()) return "error:" + r.error().code;
  return std::string(reinterpret_cast<const char*>(r->data()), r->size());
}

TEST(PassphraseLine, StopsAtTheLineEndAndDropsIt) {
  std::string rest;
  EXPECT_EQ(Text(ReadFrom("秘密 pass\nnext line\n", 64, &rest)), "秘密 pass");
  EXPECT_EQ(rest, "next line\n");
  EXPECT_EQ(Text(ReadFrom("crlf\r\n", 64)), "crlf");
  EXPECT_EQ(Text(ReadFrom("no newline", 64)), "no newline");
  EXPECT_EQ(Text(ReadFrom("\n", 64)), "");
  EXPECT_EQ(Text(ReadFrom("", 64)), "");
  EXPECT_EQ(Text(ReadFrom(" spaces kept \n", 64)), " spaces kept ");
}

TEST(PassphraseLine, BoundIsExactAndAnOverlongLineIsConsumed) {
  EXPECT_EQ(Text(ReadFrom(std::string(8, 'a') + "\n", 8)), std::string(8, 'a'));
  std::string rest;
  EXPECT_EQ(Text(ReadFrom(std::string(9, 'a') + "\nafter\n", 8, &rest)), "error:cli.passphrase_too_long");
  EXPECT_EQ(rest, "after\n");
}

TEST(Passphrase, EnvironmentVariableIsUsedWithoutAsking) {
  ASSERT_EQ(::setenv(kPassphraseEnvVar, "from the environment", 1), 0);
  EXPECT_EQ(Text(GetPassphrase(PassphraseUse::kCreate, "unused: ")), "from the environment");
  ASSERT_EQ(::setenv(kPassphraseEnvVar, std::string(kMaxPassphraseBytes + 1, 'x').c_str(), 1), 0);
  EXPECT_EQ(Text(GetPassphrase(PassphraseUse::kUnlock, "unused: ")), "error:cli.passphrase_too_long");
  ASSERT_EQ(::unsetenv(kPassphraseEnvVar), 0);
}

}  // namespace
}  // namespace jobcard::cli
