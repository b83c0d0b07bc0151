#include "node/huge_pages.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

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
  std::ifstream in("/sys/kernel/mm/transparent_hugepage/enabled");
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
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

bool HugePageHeapOn() { return !kSanitized && TunablesAskForHugePages(std::getenv("GLIBC_TUNABLES")); }

void ReexecWithHugePageHeap(char** argv) {
  if (kSanitized) return;
  const auto tunables = HugePageTunables(std::getenv("GLIBC_TUNABLES"), std::getenv("JOBCARD_HUGE_PAGES"), ReadThpSetting());
  if (!tunables) return;
  if (::setenv("GLIBC_TUNABLES", tunables->c_str(), 1) != 0) return;
  ::execv("/proc/self/exe", argv);
  // The exec failed (no /proc, say): carry on with ordinary pages. The
  // variable stays set, so children do not try again; it is harmless here.
}

}  // namespace jobcard::node
