// Identifiers and dates that appear in the clear on the ledger.
//
//   CorporateNumber  法人番号: 13 ASCII digits, the first is a check digit.
//   SubjectId        a worker's pseudonym: 32 bytes from the registrar's keyed
//                    hash of their My Number (ledger/pseudonym.h). The My
//                    Number itself never reaches the ledger.
//   Date             a calendar date (year, month, day), always a real date.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "crypto/bytes.h"

namespace jobcard::ledger {

using SubjectId = Hash32;
using EntryId = Hash32;  // id of any transaction: the hash of its signed message

struct CorporateNumber {
  std::array<char, 13> digits{};

  static Result<CorporateNumber> Parse(std::string_view text);  // validates the check digit
  std::string str() const { return std::string(digits.begin(), digits.end()); }
  bool operator==(const CorporateNumber&) const = default;
  auto operator<=>(const CorporateNumber&) const = default;
};

// 法人番号 check digit (the leading digit) for the 12-digit base number:
// 9 - (sum of P_n * Q_n mod 9), P_n the n-th digit from the right, Q_n = 1 for
// odd n and 2 for even n.
int CorporateNumberCheckDigit(std::string_view base12);

// マイナンバー check digit (the last digit) for the first 11 digits:
// 11 - (sum of P_n * Q_n mod 11), P_n the n-th digit from the right,
// Q_n = n + 1 for n <= 6 and n - 5 for n >= 7; 0 when the remainder is 0 or 1.
int MyNumberCheckDigit(std::string_view first11);
// Checks a 12-digit My Number's form and check digit; never keeps it.
Status ValidateMyNumber(std::string_view text);

struct Date {
  std::uint16_t year = 0;
  std::uint8_t month = 0;
  std::uint8_t day = 0;

  static Result<Date> Make(int year, int month, int day);  // rejects 2023-02-29 and friends
  static Result<Date> Parse(std::string_view iso);         // "YYYY-MM-DD"
  static Date FromUnixSeconds(std::uint64_t seconds);      // UTC
  std::string str() const;                                 // "YYYY-MM-DD"
  std::int64_t DaysSinceEpoch() const;                     // 1970-01-01 is 0
  bool operator==(const Date&) const = default;
  auto operator<=>(const Date&) const = default;
};

// The years a Date may carry: careers recorded on the ledger start after 1900
// and the ledger is not expected to outlive 2199.
inline constexpr int kMinYear = 1900;
inline constexpr int kMaxYear = 2199;

}  // namespace jobcard::ledger
