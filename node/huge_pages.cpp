#include "node/huge_pages.h"

#include <sys/auxv.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

namespace jobcard::node {

std::optional<std::string> HugePageTunables(const char* current_tunables, const char* opt_out,
                                            std::optional<std::string_view> thp_setting) {
  if (opt_out != nullptr && std::string_view(opt_out) == "0") return std::nullopt;
  const std::string_view current = current_tunables != nullptr ? current_tunables : "";
  if (current.find("glibc.malloc.hugetlb") != std::string_view::npos) return std::nullopt;
  // The kernel marks its choice in brackets: "always [madvise] never".
  if (!thp_setting || (thp_setting->find("[always]") == std::string_view::npos &&
                       thp_setting->find("[madvise]") == std::string_view::npos)) {
    return std::nullopt;
  }
  if (current.empty()) return std::string(kHugePageTunable);
  return std::string(current) + ":" + kHugePageTunable;
}

namespace {

std::optional<std::string> ReadThpSetting() {
  // The file is one short line ("always [madvise] never"); read no more
  // than a line's worth, whatever is mounted there.
  std::ifstream in("/sys/kernel/mm/transparent_hugepage/enabled");
  if (!in) return std::nullopt;
  std::string text(256, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

constexpr bool kSanitized =
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
    true;
#else
    false;
#endif
#else
    false;
#endif

}  // namespace

bool TunablesAskForHugePages(const char* tunables) {
  if (tunables == nullptr) return false;
  // A colon-separated list of name=value; the last setting of a name wins.
  bool on = false;
  std::string_view rest = tunables;
  while (!rest.empty()) {
    const auto colon = rest.find(':');
    const std::string_view item = rest.substr(0, colon);
    constexpr std::string_view kName = "glibc.malloc.hugetlb=";
    if (item.substr(0, kName.size()) == kName) {
      const std::string_view value = item.substr(kName.size());
      on = value == "1" || value == "2";
    }
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return on;
}

namespace {

// Set in the re-executed process's environment: a second guard, beside the
// tunable itself, that the re-execution happens once.
constexpr const char* kReexecMarker = "JOBCARD_HUGE_PAGES_REEXECUTED";

// Whether glibc honours GLIBC_TUNABLES here and /proc/self/exe is this
// program. A privileged process (setuid, or file capabilities to bind a low
// port: AT_SECURE) has its tunables ignored or stripped by glibc, so the
// variable would not take and, stripped, would not stop a second
// re-execution. A program started through the loader by hand
// (ld-linux-x86-64.so.2 jobcard ...) has no interpreter (AT_BASE 0), and its
// /proc/self/exe is the loader.
bool ReexecutionCanWork() { return ::getauxval(AT_SECURE) == 0 && ::getauxval(AT_BASE) != 0; }

}  // namespace

bool HugePageHeapOn() {
  return !kSanitized && ::getauxval(AT_SECURE) == 0 && TunablesAskForHugePages(std::getenv("GLIBC_TUNABLES"));
}

void ReexecWithHugePageHeap(char** argv) {
  if (kSanitized || !ReexecutionCanWork() || std::getenv(kReexecMarker) != nullptr) return;
  const char* current = std::getenv("GLIBC_TUNABLES");
  const auto tunables = HugePageTunables(current, std::getenv("JOBCARD_HUGE_PAGES"), ReadThpSetting());
  if (!tunables) return;
  const std::optional<std::string> previous = current != nullptr ? std::optional<std::string>(current) : std::nullopt;
  if (::setenv("GLIBC_TUNABLES", tunables->c_str(), 1) != 0 || ::setenv(kReexecMarker, "1", 1) != 0) return;
  ::execv("/proc/self/exe", argv);
  // The exec failed (no /proc, say): carry on with ordinary pages, and put
  // the environment back so that the log line does not claim huge pages.
  if (previous) {
    ::setenv("GLIBC_TUNABLES", previous->c_str(), 1);
  } else {
    ::unsetenv("GLIBC_TUNABLES");
  }
  ::unsetenv(kReexecMarker);
}

}  // namespace jobcard::node
