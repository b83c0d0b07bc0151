#include "node/log.h"

#include <gtest/gtest.h>

#include <mutex>
#include <thread>
#include <vector>

namespace jobcard::node {
namespace {

constexpr std::uint64_t kExampleMs = 1795939200123;  // 2026-11-29T08:00:00.123Z

TEST(LogFormat, MatchesTheDocumentedExample) {
  EXPECT_EQ(FormatLogLine(kExampleMs, LogLevel::kInfo, "block committed", {{"height", 12}, {"txs", 40}, {"ms", 3}}),
            "2026-11-29T08:00:00.123Z info  block committed height=12 txs=40 ms=3");
}

TEST(LogFormat, PadsEveryLevelToTheSameWidth) {
  EXPECT_EQ(FormatLogLine(0, LogLevel::kDebug, "e", {}), "1970-01-01T00:00:00.000Z debug e");
  EXPECT_EQ(FormatLogLine(0, LogLevel::kWarn, "e", {}), "1970-01-01T00:00:00.000Z warn  e");
  EXPECT_EQ(FormatLogLine(999, LogLevel::kError, "e", {}), "1970-01-01T00:00:00.999Z error e");
}

TEST(LogFormat, QuotesAndEscapesValuesThatNeedIt) {
  const std::string line = FormatLogLine(0, LogLevel::kInfo, "x",
                                         {{"name", "北海道精密工業株式会社"},
                                          {"reason", "key revoked"},
                                          {"empty", ""},
                                          {"quote", "say \"hi\""},
                                          {"path", "C:\\keys"},
                                          {"multi", "a\nb"},
                                          {"ok", true},
                                          {"neg", -5}});
  EXPECT_EQ(line,
            "1970-01-01T00:00:00.000Z info  x name=北海道精密工業株式会社 reason=\"key revoked\" empty=\"\" "
            "quote=\"say \\\"hi\\\"\" path=\"C:\\\\keys\" multi=\"a\\nb\" ok=true neg=-5");
}

TEST(LogFormat, AnEventNeverSpansTwoLines) {
  const std::string line = FormatLogLine(0, LogLevel::kInfo, "peer said\nforged line", {});
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_NE(line.find("peer said\\nforged line"), std::string::npos) << line;
}

TEST(LogLevelNames, RoundTrip) {
  for (LogLevel level : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn, LogLevel::kError}) {
    EXPECT_EQ(ParseLogLevel(LogLevelName(level)), level);
  }
  EXPECT_EQ(ParseLogLevel("INFO"), std::nullopt);
  EXPECT_EQ(ParseLogLevel("warning"), std::nullopt);
  EXPECT_EQ(ParseLogLevel(""), std::nullopt);
}

// Captures lines into a vector for one test and restores stderr and the
// level afterwards.
class CapturedLog : public ::testing::Test {
 protected:
  void SetUp() override {
    saved_level_ = GetLogLevel();
    SetLogSink([this](std::string_view line) {
      std::lock_guard<std::mutex> lock(mutex_);
      lines_.emplace_back(line);
    });
  }
  void TearDown() override {
    SetLogSink(nullptr);
    SetLogLevel(saved_level_);
  }
  std::vector<std::string> Lines() {
    std::lock_guard<std::mutex> lock(mutex_);
    return lines_;
  }

  LogLevel saved_level_ = LogLevel::kInfo;
  std::mutex mutex_;
  std::vector<std::string> lines_;
};

TEST_F(CapturedLog, EventsBelowTheLevelAreDropped) {
  SetLogLevel(LogLevel::kWarn);
  EXPECT_FALSE(LogEnabled(LogLevel::kInfo));
  LogDebug("debug event");
  LogInfo("info event");
  LogWarn("warn event", {{"peer", "validator-1"}});
  LogError("error event");
  const auto lines = Lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find(" warn  warn event peer=validator-1"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find(" error error event"), std::string::npos) << lines[1];
  EXPECT_EQ(lines[0].size(), std::string("2026-11-29T08:00:00.123Z warn  warn event peer=validator-1").size());
}

TEST_F(CapturedLog, ConcurrentEventsArriveWhole) {
  SetLogLevel(LogLevel::kDebug);
  constexpr int kThreads = 4, kPerThread = 200;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < kPerThread; ++i) LogInfo("tick", {{"thread", t}, {"i", i}});
    });
  }
  for (auto& thread : threads) thread.join();
  const auto lines = Lines();
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(kThreads * kPerThread));
  for (const std::string& line : lines) EXPECT_NE(line.find(" info  tick thread="), std::string::npos) << line;
}

}  // namespace
}  // namespace jobcard::node
