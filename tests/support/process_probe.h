// What /proc says about another process (Linux): its resident memory and
// whether it still runs. For tests and tools that watch a node under load.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <unistd.h>

namespace jobcard::testing {

// A "Name:   N kB" field of /proc/PID/status in KiB; nullopt if it cannot be read.
inline std::optional<std::uint64_t> StatusFieldKib(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stoull(line.substr(field.size() + 1));
  }
  return std::nullopt;
}

// VmRSS of `pid` in KiB, from /proc/PID/status; nullopt if it cannot be read.
inline std::optional<std::uint64_t> ResidentKib(pid_t pid) { return StatusFieldKib(pid, "VmRSS"); }

// VmHWM of `pid` in KiB: the most it has been resident since it started, or
// since ResetPeakResident; nullopt if it cannot be read.
inline std::optional<std::uint64_t> PeakResidentKib(pid_t pid) { return StatusFieldKib(pid, "VmHWM"); }

// Sets VmHWM back to the current VmRSS (Linux 4.0+: "5" to clear_refs), so
// that the peak of one attack can be read apart; false if not allowed.
inline bool ResetPeakResident(pid_t pid) {
  std::ofstream out("/proc/" + std::to_string(pid) + "/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
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

// User + system CPU seconds in a /proc stat file (/proc/PID/stat for a
// process, /proc/PID/task/TID/stat for one thread); nullopt if unreadable.
inline std::optional<double> CpuSecondsInStatFile(const std::string& path) {
  std::ifstream in(path);
  std::string stat;
  if (!std::getline(in, stat)) return std::nullopt;
  // Fields after the last ')' (comm may hold spaces): state is the 3rd field
  // of the line, utime and stime the 14th and 15th.
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(stat.substr(close + 1));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  if (!fields) return std::nullopt;
  const long ticks = ::sysconf(_SC_CLK_TCK);
  if (ticks <= 0) return std::nullopt;
  return static_cast<double>(utime + stime) / static_cast<double>(ticks);
}

// User + system CPU seconds `pid` has used so far (its own threads, not its
// children); nullopt if it cannot be read.
inline std::optional<double> CpuSeconds(pid_t pid) {
  return CpuSecondsInStatFile("/proc/" + std::to_string(pid) + "/stat");
}

}  // namespace jobcard::testing
