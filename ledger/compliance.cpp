#include "ledger/compliance.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "ledger/compliance_headcount.h"
#include "ledger/compliance_succession.h"
#include "ledger/compliance_version.h"

namespace jobcard::ledger {

namespace {

constexpr std::size_t kEntryPage = 1000;

std::int64_t DaysFromTo(const Date& from, const Date& to) { return to.DaysSinceEpoch() - from.DaysSinceEpoch(); }

// What one employer's own entries contribute to the headcounts of its group.
struct EmploymentFacts {
  std::vector<EmploymentEvent> employment;
  std::vector<SideJobEvent> side_jobs;
};

// One pass over the entries of the employers a report covers: late and
// overdue rows go straight into the report, employment events are kept per
// employer for the headcount check that follows.
class EntryScan {
 public:
  EntryScan(const ComplianceSource& source, const ComplianceOptions& options, ComplianceReport& report)
      : source_(source), options_(options), report_(report) {}

  void ScanEmployer(const CorporateNumber& employer) {
    std::uint64_t from = 0;
    // Every page reads at least one transaction or ends the loop, and the
    // budget caps the total.
    for (;;) {
      if (scanned_ >= options_.max_scan) {
        report_.truncated = true;
        return;
      }
      auto page = source_.EmployerEntries(employer, from, std::min(kEntryPage, options_.max_scan - scanned_));
      scanned_ += page.read;
      for (const auto& entry : page.entries) Consider(employer, entry);
      if (!page.next_from || page.read == 0) return;
      from = *page.next_from;
    }
  }

  // The employment facts of a group's members, merged.
  EmploymentFacts GroupFacts(const std::vector<CorporateNumber>& group) const {
    EmploymentFacts out;
    for (const auto& member : group) {
      auto it = facts_.find(member);
      if (it == facts_.end()) continue;
      out.employment.insert(out.employment.end(), it->second.employment.begin(), it->second.employment.end());
      out.side_jobs.insert(out.side_jobs.end(), it->second.side_jobs.begin(), it->second.side_jobs.end());
    }
    return out;
  }

 private:
  void Consider(const CorporateNumber& employer, const ComplianceEntry& entry) {
    const EntryRecord& r = entry.record;
    // Corrections are reached from the entry they correct; disputes are the
    // worker's, not the employer's record.
    if (r.kind == TxKind::kCorrection || r.kind == TxKind::kDispute) return;
    const bool recorded_here = r.employer == employer;
    // The host's index also lists secondments; only the start matters there.
    if (!recorded_here && r.kind != TxKind::kSecondmentStart) return;
    const CurrentVersion version = ResolveCurrent(source_, entry);
    if (!version.counts) return;
    if (recorded_here) {
      CheckLate(entry, version);
      AddEmployment(entry, version, facts_[employer]);
    }
    if (r.kind == TxKind::kSecondmentStart) CheckOverdue(entry, version);
  }

  // compliance.late_recording, measured with the block time, not recorded_at.
  void CheckLate(const ComplianceEntry& entry, const CurrentVersion& version) {
    const Date committed = Date::FromUnixSeconds(entry.committed_ms / 1000);
    if (committed > options_.as_of || version.effective_date < options_.start_date) return;
    const std::int64_t late = DaysFromTo(version.effective_date, committed) - options_.deadline_days;
    if (late <= 0) return;
    const EntryRecord& r = entry.record;
    report_.late_entries.push_back(
        LateEntryRow{r.id, r.kind, r.employer, r.subject, version.effective_date, committed, late, version.corrected, r.log_index});
  }

  // compliance.overdue_secondment: open on the report date, past its expected end.
  void CheckOverdue(const ComplianceEntry& entry, const CurrentVersion& version) {
    const EntryRecord& r = entry.record;
    const Date& d = options_.as_of;
    if (!(r.expected_end < d) || d < version.effective_date) return;
    const auto end = EndDate(r.closed_by);
    if (end && *end <= d) return;
    // A secondment between two employers of one report is listed once.
    if (!secondments_seen_.insert(r.id).second) return;
    report_.overdue_secondments.push_back(OverdueSecondmentRow{r.id, r.subject, r.employer, r.host_employer, version.effective_date,
                                                               r.expected_end, DaysFromTo(r.expected_end, d), r.log_index});
  }

  void AddEmployment(const ComplianceEntry& entry, const CurrentVersion& version, EmploymentFacts& facts) const {
    const EntryRecord& r = entry.record;
    if (r.kind == TxKind::kHire || r.kind == TxKind::kSeparation) {
      facts.employment.push_back(EmploymentEvent{r.subject, version.effective_date, r.log_index, r.kind == TxKind::kHire});
    } else if (r.kind == TxKind::kSideJobStart) {
      const auto end = EndDate(r.closed_by);
      if (end && *end < version.effective_date) return;  // corrected dates say it never ran
      facts.side_jobs.push_back(SideJobEvent{version.effective_date, +1});
      if (end) facts.side_jobs.push_back(SideJobEvent{*end, -1});
    }
  }

  // The current effective date of the *_end that closed an entry, if it counts.
  std::optional<Date> EndDate(const EntryId& closed_by) const {
    if (closed_by == EntryId{}) return std::nullopt;
    auto end = source_.Entry(closed_by);
    if (!end) return std::nullopt;
    const CurrentVersion version = ResolveCurrent(source_, *end);
    if (!version.counts) return std::nullopt;
    return version.effective_date;
  }

  const ComplianceSource& source_;
  const ComplianceOptions& options_;
  ComplianceReport& report_;
  std::size_t scanned_ = 0;
  std::set<EntryId> secondments_seen_;
  std::map<CorporateNumber, EmploymentFacts> facts_;
};

// compliance.headcount_mismatch for each declaration of `employer` dated on
// or before the report date.
void CheckHeadcounts(const ComplianceSource& source, const SuccessionGroups& groups, const EntryScan& scan,
                     const CorporateNumber& employer, const ComplianceOptions& options, ComplianceReport& report) {
  // One more than the budget tells whether declarations were left unread.
  std::vector<HeadcountRecord> declarations = source.Headcounts(employer, options.max_headcounts + 1);
  if (declarations.size() > options.max_headcounts) {
    declarations.resize(options.max_headcounts);
    report.truncated = true;
  }
  std::erase_if(declarations, [&](const HeadcountRecord& h) { return options.as_of < h.as_of; });
  if (declarations.empty()) return;
  std::vector<Date> dates;
  dates.reserve(declarations.size());
  for (const auto& h : declarations) dates.push_back(h.as_of);
  EmploymentFacts facts = scan.GroupFacts(groups.GroupOf(employer));
  const auto counts = CountOpenOn(std::move(facts.employment), std::move(facts.side_jobs), dates);
  for (std::size_t i = 0; i < declarations.size(); ++i) {
    const HeadcountRecord& h = declarations[i];
    if (counts[i].employed == h.active_employees) continue;
    report.headcount_mismatches.push_back(HeadcountMismatchRow{
        h.id, h.employer, h.as_of, h.active_employees, counts[i].employed,
        static_cast<std::int64_t>(h.active_employees) - static_cast<std::int64_t>(counts[i].employed), counts[i].side_jobs, h.height});
  }
}

template <typename Row, typename Less>
void SortAndCap(std::vector<Row>& rows, Less less, std::size_t max_rows, bool& truncated) {
  std::sort(rows.begin(), rows.end(), less);
  if (rows.size() > max_rows) {
    rows.resize(max_rows);
    truncated = true;
  }
}

ComplianceReport Build(const ComplianceSource& source, const SuccessionGroups& groups,
                       const std::vector<CorporateNumber>& scope, const ComplianceOptions& options) {
  ComplianceReport report;
  report.as_of = options.as_of;
  report.employer_count = scope.size();
  report.truncated = !groups.complete();
  EntryScan scan(source, options, report);
  for (const auto& employer : scope) scan.ScanEmployer(employer);
  for (const auto& employer : scope) CheckHeadcounts(source, groups, scan, employer, options, report);
  // Log indexes are unique, and so are declaration ids: the orders are total.
  SortAndCap(report.late_entries, [](const auto& a, const auto& b) { return a.log_index < b.log_index; }, options.max_rows,
             report.truncated);
  SortAndCap(report.overdue_secondments,
             [](const auto& a, const auto& b) {
               return a.expected_end != b.expected_end ? a.expected_end < b.expected_end : a.log_index < b.log_index;
             },
             options.max_rows, report.truncated);
  SortAndCap(report.headcount_mismatches,
             [](const auto& a, const auto& b) {
               return std::tie(a.employer, a.as_of, a.height, a.id) < std::tie(b.employer, b.as_of, b.height, b.id);
             },
             options.max_rows, report.truncated);
  return report;
}

}  // namespace

Result<ComplianceReport> BuildEmployerReport(const ComplianceSource& source, const CorporateNumber& employer,
                                             const ComplianceOptions& options) {
  if (!source.Employer(employer)) {
    return MakeError("compliance.unknown_employer", "employer " + employer.str() + " is not registered");
  }
  const SuccessionGroups groups = SuccessionGroups::Load(source, options.max_employers);
  std::vector<CorporateNumber> scope = groups.GroupOf(employer);
  ComplianceReport report = Build(source, groups, scope, options);
  report.employers = std::move(scope);
  return report;
}

ComplianceReport BuildLedgerReport(const ComplianceSource& source, const ComplianceOptions& options) {
  const SuccessionGroups groups = SuccessionGroups::Load(source, options.max_employers);
  return Build(source, groups, groups.all(), options);
}

}  // namespace jobcard::ledger
