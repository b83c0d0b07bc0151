#include "ledger/identifiers.h"

#include <cstdio>

namespace jobcard::ledger {

namespace {
bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool IsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

// Howard Hinnant's days_from_civil: exact for the proleptic Gregorian calendar.
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}
}  // namespace

int CorporateNumberCheckDigit(std::string_view base12) {
  int sum = 0;
  for (int n = 1; n <= 12; ++n) {
    int p = base12[12 - n] - '0';
    int q = (n % 2 == 1) ? 1 : 2;
    sum += p * q;
  }
  return 9 - (sum % 9);
}

Result<CorporateNumber> CorporateNumber::Parse(std::string_view text) {
  if (text.size() != 13 || !AllDigits(text)) {
    return MakeError("id.corporate_number_form", "a corporate number (法人番号) is exactly 13 digits");
  }
  if (CorporateNumberCheckDigit(text.substr(1)) != text[0] - '0') {
    return MakeError("id.corporate_number_check", "corporate number " + std::string(text) +
                                                      " has a wrong check digit");
  }
  CorporateNumber out;
  for (std::size_t i = 0; i < 13; ++i) out.digits[i] = text[i];
  return out;
}

int MyNumberCheckDigit(std::string_view first11) {
  int sum = 0;
  for (int n = 1; n <= 11; ++n) {
    int p = first11[11 - n] - '0';
    int q = n <= 6 ? n + 1 : n - 5;
    sum += p * q;
  }
  int r = sum % 11;
  return r <= 1 ? 0 : 11 - r;
}

Status ValidateMyNumber(std::string_view text) {
  // The messages never echo the number: it must not end up in logs.
  if (text.size() != 12 || !AllDigits(text)) {
    return MakeError("id.my_number_form", "a My Number (マイナンバー) is exactly 12 digits");
  }
  if (MyNumberCheckDigit(text.substr(0, 11)) != text[11] - '0') {
    return MakeError("id.my_number_check", "the My Number has a wrong check digit");
  }
  return Status::Ok();
}

Result<Date> Date::Make(int year, int month, int day) {
  if (year < kMinYear || year > kMaxYear || month < 1 || month > 12 || day < 1 ||
      day > DaysInMonth(year, month)) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
    return MakeError("date.invalid", std::string(buf) + " is not a calendar date between " +
                                         std::to_string(kMinYear) + " and " + std::to_string(kMaxYear));
  }
  return Date{static_cast<std::uint16_t>(year), static_cast<std::uint8_t>(month),
              static_cast<std::uint8_t>(day)};
}

Result<Date> Date::Parse(std::string_view iso) {
  if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-' || !AllDigits(iso.substr(0, 4)) ||
      !AllDigits(iso.substr(5, 2)) || !AllDigits(iso.substr(8, 2))) {
    return MakeError("date.form", "dates are written YYYY-MM-DD");
  }
  auto num = [&](std::size_t at, std::size_t len) {
    int v = 0;
    for (std::size_t i = at; i < at + len; ++i) v = v * 10 + (iso[i] - '0');
    return v;
  };
  return Make(num(0, 4), num(5, 2), num(8, 2));
}

Date Date::FromUnixSeconds(std::uint64_t seconds) {
  // Hinnant's civil_from_days.
  std::int64_t z = static_cast<std::int64_t>(seconds / 86400) + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return Date{static_cast<std::uint16_t>(y + (m <= 2)), static_cast<std::uint8_t>(m),
              static_cast<std::uint8_t>(d)};
}

std::string Date::str() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04u-%02u-%02u", static_cast<unsigned>(year),
                static_cast<unsigned>(month), static_cast<unsigned>(day));
  return buf;
}

std::int64_t Date::DaysSinceEpoch() const { return DaysFromCivil(year, month, day); }

}  // namespace jobcard::ledger
