// Command-line reading shared by the helper programs (tests/tools/,
// tests/bench/): `--help`, `--json` and `--name value` options, where a value
// is either a string option or a decimal number below 10^18.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <set>
#include <string>

namespace jobcard::testing {

// `string_options`: the options whose value is any string (such as --dir);
// every other option needs a number. `accept(name, value, number)` stores
// an option and returns false when the name is unknown or the number out of
// range. Returns nullopt to go on, or the exit status to end with: 0 after
// --help (usage printed), 2 after a usage error (explained on stderr).
inline std::optional<int> ReadToolArgs(
    int argc, char** argv, const char* usage, bool& json, const std::set<std::string>& string_options,
    const std::function<bool(const std::string& name, const std::string& value, std::uint64_t number)>& accept) {
  for (int i = 1; i < argc; ++i) {
    const std::string name = argv[i];
    if (name == "--help") {
      std::fputs(usage, stdout);
      return 0;
    }
    if (name == "--json") {
      json = true;
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "%s needs a value\n%s", name.c_str(), usage);
      return 2;
    }
    const std::string value = argv[++i];
    std::uint64_t number = 0;
    if (string_options.count(name) == 0) {
      if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos || value.size() >= 19) {
        std::fprintf(stderr, "%s needs a number, got '%s'\n", name.c_str(), value.c_str());
        return 2;
      }
      number = std::stoull(value);
    }
    if (!accept(name, value, number)) {
      std::fprintf(stderr, "unknown option or value out of range: %s %s\n%s", name.c_str(), value.c_str(), usage);
      return 2;
    }
  }
  return std::nullopt;
}

}  // namespace jobcard::testing
