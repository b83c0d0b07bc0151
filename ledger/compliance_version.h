// The current version of a career entry for the compliance rules (spec
// data-model.md §9.5): follow the corrections that supersede it, ignore void
// ones, and drop the entry when it is void itself or its current version
// retracts it (retraction, wrong subject, wrong kind).
#pragma once

#include "ledger/compliance.h"

namespace jobcard::ledger {

struct CurrentVersion {
  bool counts = false;   // false: void or retracted, as if it never happened
  Date effective_date;   // of the current version
  bool corrected = false;
};

// `root` is an entry that is not itself a correction.
CurrentVersion ResolveCurrent(const ComplianceSource& source, const ComplianceEntry& root);

}  // namespace jobcard::ledger
