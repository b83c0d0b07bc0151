#include "ledger/compliance_succession.h"

#include <algorithm>
#include <set>

namespace jobcard::ledger {

namespace {
constexpr std::size_t kEmployerPage = 1000;
}  // namespace

SuccessionGroups SuccessionGroups::Load(const ComplianceSource& source, std::size_t max_employers) {
  SuccessionGroups out;
  CorporateNumber after{};
  // Each page advances `after`; the loop ends at the last page or the cap.
  while (out.all_.size() < max_employers) {
    const std::size_t want = std::min(kEmployerPage, max_employers - out.all_.size());
    auto page = source.Employers(after, want);
    for (const auto& id : page) {
      out.all_.push_back(id);
      auto record = source.Employer(id);
      if (record && record->successor != CorporateNumber{}) out.predecessors_[record->successor].push_back(id);
    }
    if (page.size() < want) return out;
    after = page.back();
  }
  out.complete_ = source.Employers(after, 1).empty();
  return out;
}

std::vector<CorporateNumber> SuccessionGroups::GroupOf(const CorporateNumber& employer) const {
  std::set<CorporateNumber> group{employer};
  std::vector<CorporateNumber> frontier{employer};
  // Succession forbids cycles (rule G20) and each step adds a new member, so
  // this ends after at most all_.size() steps; the set guards it anyway.
  while (!frontier.empty()) {
    CorporateNumber next = frontier.back();
    frontier.pop_back();
    auto it = predecessors_.find(next);
    if (it == predecessors_.end()) continue;
    for (const auto& p : it->second) {
      if (group.insert(p).second) frontier.push_back(p);
    }
  }
  return {group.begin(), group.end()};
}

}  // namespace jobcard::ledger
