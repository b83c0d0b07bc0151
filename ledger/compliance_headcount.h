// Counting open employments (在籍者) on given dates, for the headcount check.
//
// Each subject's employment at an employer group is decided by its latest
// hire or separation effective on or before the date: open after a hire,
// closed after a separation. Events on the same date are taken in the order
// their original entries were recorded (log order), so a one-day job (hire,
// then separation, both dated d) is closed on d and a same-day re-hire is
// open. With one hire and at most one later separation per subject this is
// spec §10's "a hire effective <= as_of and no separation effective <= as_of".
#pragma once

#include <cstdint>
#include <vector>

#include "ledger/identifiers.h"

namespace jobcard::ledger {

struct EmploymentEvent {
  SubjectId subject{};
  Date date;                // effective date of the current version
  std::uint64_t order = 0;  // log index of the original entry: breaks same-date ties
  bool hire = true;         // false: separation
};

// +1 when a side job starts, -1 when it ends, on the effective date. The
// caller emits an end only with its start and never dated before it, so the
// running sum is never negative.
struct SideJobEvent {
  Date date;
  int delta = 0;
};

struct OpenCounts {
  std::uint32_t employed = 0;   // distinct subjects with an open employment
  std::uint32_t side_jobs = 0;  // side jobs started and not ended
  bool operator==(const OpenCounts&) const = default;
};

// The counts on each of `dates` (any order; the answer is in the same order),
// in one sweep over the events sorted by date.
std::vector<OpenCounts> CountOpenOn(std::vector<EmploymentEvent> events, std::vector<SideJobEvent> side_jobs,
                                    const std::vector<Date>& dates);

}  // namespace jobcard::ledger
