// Turning an employer's or a worker's command-line input into checked
// entry fields: the payload (from flags and/or a JSON file), dates,
// 法人番号 and ids. Every check here runs before anything is unlocked or
// sent, so a typo costs nothing; the messages name the flag.
#pragma once

#include <string>

#include "cli/args.h"
#include "ledger/identifiers.h"
#include "ledger/payload.h"

namespace jobcard::cli {

// One --<field> flag per payload field, named after the field with '-' for
// '_': --employment-type, --position, --grade, --department, --duties,
// --work-location, --salary-band, --separation-reason, --note, --work-pattern.
OptionSpec WithPayloadOptions(OptionSpec spec);
std::string PayloadFlagName(ledger::PayloadFieldId id);
extern const char* const kPayloadOptionsHelp;

inline constexpr std::size_t kMaxPayloadFileBytes = 64 * 1024;

// The payload from the field flags and --payload FILE.json (an object of
// field name -> string), with a fresh salt. A field given both ways, an
// unknown field, a value too long or with control characters is an error.
Result<ledger::Payload> PayloadFromArgs(const Args& args);

// --<option> YYYY-MM-DD; a date after tomorrow (UTC) is refused, since the
// ledger refuses entries effective after the day they are recorded (one day
// of skew absorbs time zones).
Result<ledger::Date> PastDateOption(const Args& args, const std::string& option);
// --<option> YYYY-MM-DD, any calendar date (an expected end may lie ahead).
Result<ledger::Date> DateOption(const Args& args, const std::string& option);

// --<option> NUMBER as a 法人番号, check digit included.
Result<ledger::CorporateNumber> CorporateNumberOption(const Args& args, const std::string& option);

// Today's date in UTC, as the ledger's rules count days.
ledger::Date TodayUtc();

}  // namespace jobcard::cli
