// Employer groups under succession (事業承継): records of a merged or closed
// employer pass to its successor (spec data-model.md §9.4), so a report for
// an employer covers its own records and those of every predecessor, and its
// headcount counts employments recorded by either. The store keeps only the
// forward link (successor), so the reverse is built from one bounded pass
// over all employers.
#pragma once

#include <map>
#include <vector>

#include "ledger/compliance.h"

namespace jobcard::ledger {

class SuccessionGroups {
 public:
  // Reads at most `max_employers` employers; complete() tells whether that was all.
  static SuccessionGroups Load(const ComplianceSource& source, std::size_t max_employers);

  // `employer` and its predecessors, transitively, in 法人番号 order.
  std::vector<CorporateNumber> GroupOf(const CorporateNumber& employer) const;
  // Every employer read, in 法人番号 order.
  const std::vector<CorporateNumber>& all() const { return all_; }
  bool complete() const { return complete_; }

 private:
  std::map<CorporateNumber, std::vector<CorporateNumber>> predecessors_;  // successor -> direct predecessors
  std::vector<CorporateNumber> all_;
  bool complete_ = true;
};

}  // namespace jobcard::ledger
