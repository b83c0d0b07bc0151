#include "node/huge_pages.h"

#include <gtest/gtest.h>

namespace jobcard::node {
namespace {

constexpr std::string_view kMadvise = "always [madvise] never\n";
constexpr std::string_view kAlways = "[always] madvise never\n";
constexpr std::string_view kNever = "always madvise [never]\n";

TEST(HugePageTunables, AsksForHugePagesWhenTheKernelOffersThem) {
  EXPECT_EQ(HugePageTunables(nullptr, nullptr, kMadvise), std::optional<std::string>("glibc.malloc.hugetlb=1"));
  EXPECT_EQ(HugePageTunables("", nullptr, kAlways), std::optional<std::string>("glibc.malloc.hugetlb=1"));
}

TEST(HugePageTunables, KeepsTheTunablesAlreadySet) {
  EXPECT_EQ(HugePageTunables("glibc.malloc.arena_max=2", nullptr, kMadvise),
            std::optional<std::string>("glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1"));
}

TEST(HugePageTunables, LeavesAloneWhatIsAlreadyDecided) {
  // Set by the re-execution itself (no loop) or by a user (their value wins).
  EXPECT_EQ(HugePageTunables("glibc.malloc.hugetlb=1", nullptr, kMadvise), std::nullopt);
  EXPECT_EQ(HugePageTunables("glibc.malloc.arena_max=2:glibc.malloc.hugetlb=0", nullptr, kMadvise), std::nullopt);
  // Turned off by the operator.
  EXPECT_EQ(HugePageTunables(nullptr, "0", kMadvise), std::nullopt);
  EXPECT_NE(HugePageTunables(nullptr, "1", kMadvise), std::nullopt);
}

TEST(HugePageTunables, LeavesAloneAKernelWithoutHugePages) {
  EXPECT_EQ(HugePageTunables(nullptr, nullptr, kNever), std::nullopt);
  EXPECT_EQ(HugePageTunables(nullptr, nullptr, std::nullopt), std::nullopt);
  EXPECT_EQ(HugePageTunables(nullptr, nullptr, ""), std::nullopt);
}

TEST(TunablesAskForHugePages, ReadsTheLastSettingOfTheTunable) {
  EXPECT_TRUE(TunablesAskForHugePages("glibc.malloc.hugetlb=1"));
  EXPECT_TRUE(TunablesAskForHugePages("glibc.malloc.arena_max=2:glibc.malloc.hugetlb=2"));
  EXPECT_FALSE(TunablesAskForHugePages("glibc.malloc.hugetlb=0"));
  EXPECT_FALSE(TunablesAskForHugePages("glibc.malloc.hugetlb=1:glibc.malloc.hugetlb=0"));
  EXPECT_FALSE(TunablesAskForHugePages("glibc.malloc.hugetlb=10"));
  EXPECT_FALSE(TunablesAskForHugePages("xglibc.malloc.hugetlb=1"));
  EXPECT_FALSE(TunablesAskForHugePages(""));
  EXPECT_FALSE(TunablesAskForHugePages(nullptr));
}

TEST(TunablesAskForHugePages, AgreesWithWhatTheReexecutionSets) {
  const auto set = HugePageTunables("glibc.malloc.arena_max=2", nullptr, kMadvise);
  ASSERT_TRUE(set.has_value());
  EXPECT_TRUE(TunablesAskForHugePages(set->c_str()));
}

}  // namespace
}  // namespace jobcard::node
