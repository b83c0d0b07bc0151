// What /proc says about another process (Linux): its resident memory and
// whether it still runs. For tests and tools that watch a node under load.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace jobcard::testing {

// VmRSS of `pid` in KiB, from /proc/PID/status; nullopt if it cannot be read.
inline std::optional<std::uint64_t> ResidentKib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6));
  }
  return std::nullopt;
}

// True while `pid` exists and has not exited (a zombie, exited but not yet
// reaped, counts as gone). Does not reap it.
inline bool ProcessRunning(pid_t pid) {
  if (pid <= 0) return false;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!std::getline(in, stat)) return false;
  // "PID (comm) STATE ...": comm may hold spaces or parentheses, so the
  // state is the field after the last ')'.
  const auto close = stat.rfind(')');
  if (close == std::string::npos || close + 2 >= stat.size()) return false;
  const char state = stat[close + 2];
  return state != 'Z' && state != 'X';
}

}  // namespace jobcard::testing
