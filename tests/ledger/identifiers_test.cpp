#include "ledger/identifiers.h"

#include <gtest/gtest.h>

#include "ledger/pseudonym.h"

namespace jobcard::ledger {
namespace {

TEST(CorporateNumber, AcceptsPublishedNumbers) {
  // Published 法人番号 of well-known bodies (National Tax Agency's public registry).
  for (const char* n : {"7000012050002", "1180301018771", "5010401067252"}) {
    EXPECT_TRUE(CorporateNumber::Parse(n).ok()) << n;
  }
}

TEST(CorporateNumber, RejectsWrongCheckDigitAndForm) {
  EXPECT_EQ(CorporateNumber::Parse("8000012050002").error().code, "id.corporate_number_check");
  EXPECT_EQ(CorporateNumber::Parse("700001205000").error().code, "id.corporate_number_form");
  EXPECT_EQ(CorporateNumber::Parse("70000120500a2").error().code, "id.corporate_number_form");
}

TEST(CorporateNumber, EverySingleDigitChangeIsCaughtOrChangesCheck) {
  const std::string good = "7000012050002";
  int caught = 0, total = 0;
  for (std::size_t i = 1; i < good.size(); ++i) {
    for (char d = '0'; d <= '9'; ++d) {
      if (d == good[i]) continue;
      std::string bad = good;
      bad[i] = d;
      ++total;
      if (!CorporateNumber::Parse(bad).ok()) ++caught;
    }
  }
  // A mod-9 check cannot catch a change by exactly 9 (0<->9) at any position.
  EXPECT_GE(caught, total - 24);
  EXPECT_GT(caught, total * 8 / 10);
}

TEST(MyNumber, CheckDigit) {
  EXPECT_TRUE(ValidateMyNumber("123456789018").ok());
  EXPECT_EQ(ValidateMyNumber("123456789012").error().code, "id.my_number_check");
  EXPECT_EQ(ValidateMyNumber("12345678901").error().code, "id.my_number_form");
  EXPECT_EQ(ValidateMyNumber("12345678901x").error().code, "id.my_number_form");
  // The error never echoes the number.
  EXPECT_EQ(ValidateMyNumber("123456789012").error().message.find("1234"), std::string::npos);
}

TEST(MyNumber, RemainderZeroOrOneGivesZero) {
  // Search for bases whose weighted sum is 0 or 1 mod 11 and check the rule.
  int found = 0;
  for (int i = 0; i < 2000 && found < 5; ++i) {
    char base[12];
    std::snprintf(base, sizeof base, "%011d", i * 7919);
    int sum = 0;
    for (int n = 1; n <= 11; ++n) sum += (base[11 - n] - '0') * (n <= 6 ? n + 1 : n - 5);
    if (sum % 11 <= 1) {
      EXPECT_EQ(MyNumberCheckDigit(base), 0);
      ++found;
    } else {
      EXPECT_EQ(MyNumberCheckDigit(base), 11 - sum % 11);
    }
  }
  EXPECT_GT(found, 0);
}

TEST(Pseudonym, KeyedAndValidated) {
  Bytes key1(32, 1), key2(32, 2);
  auto a = DeriveSubjectId(key1, "123456789018");
  auto b = DeriveSubjectId(key2, "123456789018");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b) << "a different registrar key gives an unrelated pseudonym";
  EXPECT_EQ(*a, *DeriveSubjectId(key1, "123456789018"));
  EXPECT_EQ(DeriveSubjectId(key1, "123456789012").error().code, "id.my_number_check");
  EXPECT_EQ(DeriveSubjectId(Bytes(5, 0), "123456789018").error().code, "pseudonym.key_size");
}

TEST(Date, RealCalendarDatesOnly) {
  EXPECT_TRUE(Date::Parse("2024-02-29").ok());
  EXPECT_EQ(Date::Parse("2023-02-29").error().code, "date.invalid");
  EXPECT_EQ(Date::Parse("1900-02-29").error().code, "date.invalid");
  EXPECT_TRUE(Date::Parse("2000-02-29").ok());
  EXPECT_EQ(Date::Parse("2026-04-31").error().code, "date.invalid");
  EXPECT_EQ(Date::Parse("2026-13-01").error().code, "date.invalid");
  EXPECT_EQ(Date::Parse("2026-4-1").error().code, "date.form");
  EXPECT_EQ(Date::Parse("1899-12-31").error().code, "date.invalid");
}

TEST(Date, DaysAndUnixSecondsAgree) {
  EXPECT_EQ(Date::Parse("1970-01-01")->DaysSinceEpoch(), 0);
  EXPECT_EQ(Date::Parse("2026-04-01")->DaysSinceEpoch(), 20544);
  EXPECT_EQ(Date::FromUnixSeconds(20544ULL * 86400 + 3600).str(), "2026-04-01");
  for (std::int64_t day = 0; day < 80000; day += 37) {
    Date d = Date::FromUnixSeconds(static_cast<std::uint64_t>(day) * 86400);
    EXPECT_EQ(d.DaysSinceEpoch(), day);
  }
}

}  // namespace
}  // namespace jobcard::ledger
