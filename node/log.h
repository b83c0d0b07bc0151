// A tiny structured logger: one line per event on stderr, e.g.
//
//   2026-11-29T08:00:00.123Z info  block committed height=12 txs=40 ms=3
//
// UTC time with milliseconds, the level padded to five characters, the event
// (a short fixed phrase, so lines can be grepped), then key=value fields in
// the order given. A value is quoted when it is empty or holds a space, '"',
// '=' or '\'; control characters (a newline would split the event across
// lines) are escaped in values and in the event.
//
// Thread safety: every function may be called from any thread; a line is
// written whole, never interleaved with another.
#pragma once

#include <concepts>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace jobcard::node {

enum class LogLevel : std::uint8_t { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

std::string_view LogLevelName(LogLevel level);                 // "debug", "info", "warn", "error"
std::optional<LogLevel> ParseLogLevel(std::string_view name);  // the names above, exactly

// Events below the global level are dropped; the default is info.
void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();
bool LogEnabled(LogLevel level);

// One key=value pair. Keys are identifiers chosen by the code (units last:
// `ms`, `bytes`), never user input.
struct LogField {
  LogField(std::string_view k, std::string_view v) : key(k), value(v) {}
  LogField(std::string_view k, const char* v) : key(k), value(v) {}
  LogField(std::string_view k, const std::string& v) : key(k), value(v) {}
  LogField(std::string_view k, bool v) : key(k), value(v ? "true" : "false") {}
  template <std::integral T>
    requires(!std::same_as<T, bool> && !std::same_as<T, char>)
  LogField(std::string_view k, T v) : key(k), value(std::to_string(v)) {}

  std::string_view key;
  std::string value;
};

// The line for an event (without the newline); pure, for tests.
std::string FormatLogLine(std::uint64_t unix_ms, LogLevel level, std::string_view event,
                          std::initializer_list<LogField> fields);

void Log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields = {});
inline void LogDebug(std::string_view event, std::initializer_list<LogField> fields = {}) {
  Log(LogLevel::kDebug, event, fields);
}
inline void LogInfo(std::string_view event, std::initializer_list<LogField> fields = {}) {
  Log(LogLevel::kInfo, event, fields);
}
inline void LogWarn(std::string_view event, std::initializer_list<LogField> fields = {}) {
  Log(LogLevel::kWarn, event, fields);
}
inline void LogError(std::string_view event, std::initializer_list<LogField> fields = {}) {
  Log(LogLevel::kError, event, fields);
}

// Where lines go: each call gets one line without its newline. An empty
// sink restores stderr. For tests and for embedding the node (simulator).
using LogSink = std::function<void(std::string_view line)>;
void SetLogSink(LogSink sink);

}  // namespace jobcard::node
