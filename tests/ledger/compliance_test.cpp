// The compliance rules (spec/compliance.md) on in-memory data: exact rows for
// late entries, overdue secondments and headcount mismatches, with
// corrections, retractions, void entries, successions and the bounds.
#include "ledger/compliance.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "ledger/compliance_headcount.h"
#include "tests/ledger/compliance_memory_source.h"
#include "tests/support/fixtures.h"

namespace jobcard::ledger {
namespace {

using testing::Corp;
using testing::D;
using testing::MemoryComplianceSource;
using testing::MemoryEntry;
using testing::SyntheticSubject;
using K = TxKind;

ComplianceOptions Options(const std::string& as_of, std::uint32_t deadline = 14, const std::string& start = "2026-01-01") {
  ComplianceOptions o;
  o.as_of = D(as_of);
  o.deadline_days = deadline;
  o.start_date = D(start);
  return o;
}

std::vector<EntryId> LateIds(const ComplianceReport& r) {
  std::vector<EntryId> out;
  for (const auto& row : r.late_entries) out.push_back(row.id);
  return out;
}
std::vector<std::pair<EntryId, std::int64_t>> Overdue(const ComplianceReport& r) {
  std::vector<std::pair<EntryId, std::int64_t>> out;
  for (const auto& row : r.overdue_secondments) out.emplace_back(row.id, row.days_overdue);
  return out;
}

class ComplianceTest : public ::testing::Test {
 protected:
  ComplianceTest() {
    src_.AddEmployer(a_);
    src_.AddEmployer(b_);
    src_.AddEmployer(c_);
  }
  ComplianceReport ReportFor(const CorporateNumber& e, const ComplianceOptions& o) {
    auto r = BuildEmployerReport(src_, e, o);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : ComplianceReport{};
  }
  MemoryComplianceSource src_;
  CorporateNumber a_ = Corp(301018771), b_ = Corp(401067252), c_ = Corp(12050002);
};

TEST_F(ComplianceTest, LateEntryIsMeasuredFromTheBlockDate) {
  src_.Add(MemoryEntry(K::kHire, a_, 0, "2026-04-01", "2026-04-15"));
  EntryId e1 = src_.Add(MemoryEntry(K::kHire, a_, 1, "2026-04-01", "2026-04-16"));
  EntryId e2 = src_.Add(MemoryEntry(K::kSeparation, a_, 2, "2026-03-01", "2026-04-20"));
  src_.Add(MemoryEntry(K::kCorrection, a_, 2, "2026-03-01", "2026-06-01").Ref(e2).Reason(1));
  src_.Add(MemoryEntry(K::kPositionChange, a_, 1, "2025-12-01", "2026-04-01"));
  src_.Add(MemoryEntry(K::kHire, a_, 3, "2026-11-01", "2027-01-10"));
  EntryId e6 = src_.Add(MemoryEntry(K::kHire, b_, 4, "2026-04-01", "2026-05-01"));

  ComplianceReport r = ReportFor(a_, Options("2026-12-31"));
  ASSERT_EQ(r.late_entries.size(), 2u);
  EXPECT_EQ(r.late_entries[0], (LateEntryRow{e1, K::kHire, a_, SyntheticSubject(1), D("2026-04-01"), D("2026-04-16"), 1, false, 1}));
  EXPECT_EQ(r.late_entries[1],
            (LateEntryRow{e2, K::kSeparation, a_, SyntheticSubject(2), D("2026-03-01"), D("2026-04-20"), 36, true, 2}))
      << "the correction is not a row; it marks its entry corrected";
  EXPECT_FALSE(r.truncated);
  EXPECT_EQ(r.employers, std::vector<CorporateNumber>{a_});

  EXPECT_EQ(LateIds(BuildLedgerReport(src_, Options("2026-12-31"))), (std::vector<EntryId>{e1, e2, e6}));
  EXPECT_EQ(LateIds(ReportFor(a_, Options("2026-12-31", 15))), std::vector<EntryId>{e2}) << "the deadline is a parameter";
  EXPECT_EQ(LateIds(ReportFor(a_, Options("2026-12-31", 14, "2026-03-02"))), std::vector<EntryId>{e1})
      << "entries effective before the start date are back-fill";
  EXPECT_EQ(LateIds(ReportFor(a_, Options("2026-04-19"))), std::vector<EntryId>{e1}) << "not yet committed on the report date";
}

TEST_F(ComplianceTest, CorrectionsMoveTheEffectiveDateRetractionsAndVoidEntriesDrop) {
  EntryId h1 = src_.Add(MemoryEntry(K::kHire, a_, 1, "2026-04-01", "2026-04-20"));
  src_.Add(MemoryEntry(K::kCorrection, a_, 1, "2026-04-10", "2026-05-01").Ref(h1).Reason(2));
  EntryId h2 = src_.Add(MemoryEntry(K::kHire, a_, 2, "2026-04-15", "2026-04-20"));
  src_.Add(MemoryEntry(K::kCorrection, a_, 2, "2026-03-01", "2026-05-01").Ref(h2).Reason(2));
  EntryId h3 = src_.Add(MemoryEntry(K::kHire, a_, 3, "2026-01-01", "2026-04-20"));
  src_.Add(MemoryEntry(K::kCorrection, a_, 3, "2026-01-01", "2026-05-01").Ref(h3).Reason(5));
  src_.Add(MemoryEntry(K::kHire, a_, 4, "2026-01-01", "2026-04-20").Void());
  EntryId h5 = src_.Add(MemoryEntry(K::kHire, a_, 5, "2026-01-01", "2026-04-20"));
  src_.Add(MemoryEntry(K::kCorrection, a_, 5, "2026-01-01", "2026-05-01").Ref(h5).Reason(5).Void());
  // A chain of two corrections: the last one is current.
  EntryId h6 = src_.Add(MemoryEntry(K::kHire, a_, 6, "2026-04-01", "2026-04-10"));
  EntryId c6 = src_.Add(MemoryEntry(K::kCorrection, a_, 6, "2026-03-01", "2026-04-11").Ref(h6).Reason(2));
  src_.Add(MemoryEntry(K::kCorrection, a_, 6, "2026-04-05", "2026-04-12").Ref(c6).Reason(2));

  ComplianceReport r = ReportFor(a_, Options("2026-12-31"));
  ASSERT_EQ(LateIds(r), (std::vector<EntryId>{h2, h5}));
  EXPECT_EQ(r.late_entries[0].effective_date, D("2026-03-01"));
  EXPECT_EQ(r.late_entries[0].days_late, 36);
  EXPECT_TRUE(r.late_entries[0].corrected);
  EXPECT_EQ(r.late_entries[1].days_late, 95) << "a void retraction is ignored";
  EXPECT_FALSE(r.late_entries[1].corrected);
}

TEST_F(ComplianceTest, OverdueSecondmentsAreOpenOnTheReportDatePastTheirExpectedEnd) {
  auto start = [&](std::uint64_t s, const CorporateNumber& home, const CorporateNumber& host, const std::string& end, bool is_void = false) {
    return src_.Add(MemoryEntry(K::kSecondmentStart, home, s, "2026-04-01", "2026-04-01").Host(host).ExpectedEnd(end).VoidIf(is_void));
  };
  auto finish = [&](std::uint64_t s, const EntryId& of, const std::string& date) {
    return src_.Add(MemoryEntry(K::kSecondmentEnd, a_, s, date, date).Host(b_).Ref(of));
  };
  auto retract = [&](std::uint64_t s, const EntryId& of) {
    src_.Add(MemoryEntry(K::kCorrection, a_, s, "2026-04-01", "2026-06-02").Ref(of).Reason(5));
  };
  EntryId o1 = start(0, a_, b_, "2026-06-30");
  finish(1, start(1, a_, b_, "2026-06-30"), "2026-06-25");
  EntryId o3 = start(2, a_, b_, "2026-06-30");
  finish(2, o3, "2026-07-15");  // ends after the report date: still running on it
  start(3, a_, b_, "2026-07-31");
  retract(4, start(4, a_, b_, "2026-05-31"));
  EntryId o6 = start(5, a_, b_, "2026-05-31");
  retract(5, finish(5, o6, "2026-06-01"));  // a retracted end leaves the secondment open
  start(6, a_, b_, "2026-05-31", /*is_void=*/true);
  EntryId o8 = start(7, b_, a_, "2026-05-31");
  EntryId o9 = start(8, b_, c_, "2026-05-31");

  const auto options = Options("2026-07-10");
  using Rows = std::vector<std::pair<EntryId, std::int64_t>>;
  EXPECT_EQ(Overdue(BuildLedgerReport(src_, options)), (Rows{{o6, 40}, {o8, 40}, {o9, 40}, {o1, 10}, {o3, 10}}))
      << "once each, by expected end then log order";
  EXPECT_EQ(Overdue(ReportFor(a_, options)), (Rows{{o6, 40}, {o8, 40}, {o1, 10}, {o3, 10}})) << "as home and as host";
  EXPECT_EQ(Overdue(ReportFor(c_, options)), (Rows{{o9, 40}}));
  ComplianceReport r = ReportFor(a_, options);
  ASSERT_EQ(r.overdue_secondments.size(), 4u);
  EXPECT_EQ(r.overdue_secondments[1], (OverdueSecondmentRow{o8, SyntheticSubject(7), b_, a_, D("2026-04-01"), D("2026-05-31"), 40, 12}))
      << "the host's report names the home (出向元) and the host (出向先)";
  EXPECT_EQ(Overdue(ReportFor(a_, Options("2026-07-01"))), (Rows{{o6, 31}, {o8, 31}, {o1, 1}, {o3, 1}}));
  EXPECT_TRUE(ReportFor(a_, Options("2026-05-31")).overdue_secondments.empty()) << "due on the expected end itself is not overdue";
}

TEST_F(ComplianceTest, HeadcountCountsOpenEmploymentsOnTheDeclaredDate) {
  auto add = [&](K kind, std::uint64_t s, const std::string& date) {
    return src_.Add(MemoryEntry(kind, a_, s, date, date));
  };
  add(K::kHire, 1, "2026-01-10");
  add(K::kHire, 2, "2026-02-01");
  add(K::kSeparation, 2, "2026-03-31");
  add(K::kHire, 3, "2025-04-01");
  add(K::kSeparation, 3, "2025-12-31");
  add(K::kHire, 3, "2026-03-01");  // re-hired (再雇用)
  EntryId h4 = add(K::kHire, 4, "2026-03-15");
  src_.Add(MemoryEntry(K::kCorrection, a_, 4, "2026-04-15", "2026-04-15").Ref(h4).Reason(2));
  EntryId h5 = add(K::kHire, 5, "2026-01-01");
  src_.Add(MemoryEntry(K::kCorrection, a_, 5, "2026-01-01", "2026-02-01").Ref(h5).Reason(5));
  add(K::kHire, 6, "2026-01-05");
  src_.Add(MemoryEntry(K::kSecondmentStart, a_, 6, "2026-02-01", "2026-02-01").Host(b_).ExpectedEnd("2026-12-31"));
  add(K::kSideJobStart, 7, "2026-02-01");
  src_.Add(MemoryEntry(K::kSideJobEnd, a_, 10, "2026-03-15", "2026-03-15").Ref(add(K::kSideJobStart, 10, "2026-02-01")));
  add(K::kHire, 8, "2026-03-31");  // a one-day job: hired and separated on 03-31
  add(K::kSeparation, 8, "2026-03-31");
  add(K::kHire, 9, "2026-01-01");
  add(K::kSeparation, 9, "2026-03-31");  // left and re-hired the same day
  add(K::kHire, 9, "2026-03-31");
  src_.AddHeadcount(a_, "2026-03-30", 5);
  EntryId wrong = src_.AddHeadcount(a_, "2026-03-31", 5);
  src_.AddHeadcount(a_, "2026-04-15", 5);
  src_.AddHeadcount(a_, "2026-12-31", 99);  // after the report date
  src_.AddHeadcount(b_, "2026-03-01", 0);   // the seconded-in worker counts at home, not here
  EntryId b_wrong = src_.AddHeadcount(b_, "2026-03-02", 1);

  ComplianceReport ra = ReportFor(a_, Options("2026-06-30"));
  ASSERT_EQ(ra.headcount_mismatches.size(), 1u);
  EXPECT_EQ(ra.headcount_mismatches[0], (HeadcountMismatchRow{wrong, a_, D("2026-03-31"), 5, 4, 1, 1, ra.headcount_mismatches[0].height}));
  ComplianceReport rb = ReportFor(b_, Options("2026-06-30"));
  ASSERT_EQ(rb.headcount_mismatches.size(), 1u);
  EXPECT_EQ(rb.headcount_mismatches[0].id, b_wrong);
  EXPECT_EQ(rb.headcount_mismatches[0].counted, 0u);
  EXPECT_EQ(rb.headcount_mismatches[0].difference, 1);
  ComplianceReport all = BuildLedgerReport(src_, Options("2026-06-30"));
  ASSERT_EQ(all.headcount_mismatches.size(), 2u);
  EXPECT_EQ(all.headcount_mismatches[0].employer, std::min(a_, b_)) << "sorted by employer";
  EXPECT_TRUE(ReportFor(a_, Options("2026-03-30")).headcount_mismatches.empty()) << "declarations after the report date wait";
}

// Declarations are read per employer up to a budget; past it the report says
// it is truncated (and shows what it read).
TEST_F(ComplianceTest, HeadcountDeclarationsAreReadUpToABudget) {
  src_.AddHeadcount(a_, "2026-03-30", 1);
  src_.AddHeadcount(a_, "2026-03-31", 2);
  ComplianceOptions o = Options("2026-06-30");
  o.max_headcounts = 2;
  ComplianceReport full = ReportFor(a_, o);
  EXPECT_EQ(full.headcount_mismatches.size(), 2u);
  EXPECT_FALSE(full.truncated);
  o.max_headcounts = 1;
  ComplianceReport cut = ReportFor(a_, o);
  ASSERT_EQ(cut.headcount_mismatches.size(), 1u);
  EXPECT_EQ(cut.headcount_mismatches[0].as_of, D("2026-03-30"));
  EXPECT_TRUE(cut.truncated);
}

TEST_F(ComplianceTest, SuccessionPassesRecordsToTheSuccessor) {
  MemoryComplianceSource src;
  const CorporateNumber p = Corp(111), s = Corp(222), c = Corp(333);
  src.AddEmployer(p, s);
  src.AddEmployer(s);
  src.AddEmployer(c);
  src.Add(MemoryEntry(K::kHire, p, 1, "2026-01-01", "2026-01-05"));
  EntryId late = src.Add(MemoryEntry(K::kHire, p, 3, "2026-01-01", "2026-03-01"));
  src.Add(MemoryEntry(K::kHire, s, 2, "2026-02-01", "2026-02-01"));
  src.Add(MemoryEntry(K::kSeparation, s, 1, "2026-03-01", "2026-03-01"));
  src.AddHeadcount(p, "2026-01-10", 2);
  src.AddHeadcount(s, "2026-02-15", 3);
  EntryId wrong = src.AddHeadcount(s, "2026-03-15", 3);
  const auto options = Options("2026-06-30");

  auto rs = BuildEmployerReport(src, s, options);
  ASSERT_TRUE(rs.ok());
  EXPECT_EQ(rs->employers, (std::vector<CorporateNumber>{std::min(p, s), std::max(p, s)}));
  ASSERT_EQ(LateIds(*rs), std::vector<EntryId>{late});
  EXPECT_EQ(rs->late_entries[0].employer, p);
  EXPECT_EQ(rs->late_entries[0].days_late, 45);
  ASSERT_EQ(rs->headcount_mismatches.size(), 1u);
  EXPECT_EQ(rs->headcount_mismatches[0].id, wrong);
  EXPECT_EQ(rs->headcount_mismatches[0].counted, 2u) << "the successor's separation closes the predecessor's hire";

  auto rp = BuildEmployerReport(src, p, options);
  ASSERT_TRUE(rp.ok());
  EXPECT_EQ(rp->employers, std::vector<CorporateNumber>{p});
  EXPECT_EQ(LateIds(*rp), std::vector<EntryId>{late});
  EXPECT_TRUE(rp->headcount_mismatches.empty());
  auto rc = BuildEmployerReport(src, c, options);
  ASSERT_TRUE(rc.ok());
  EXPECT_TRUE(rc->late_entries.empty() && rc->headcount_mismatches.empty());

  ComplianceReport all = BuildLedgerReport(src, options);
  EXPECT_EQ(all.employer_count, 3u);
  EXPECT_EQ(LateIds(all), std::vector<EntryId>{late}) << "listed once, under the employer that recorded it";
  EXPECT_EQ(all.headcount_mismatches.size(), 1u);
}

TEST_F(ComplianceTest, RowsAreCappedAndBudgetsTruncate) {
  std::vector<EntryId> ids;
  for (std::uint64_t s = 0; s < 3; ++s) {
    ids.push_back(src_.Add(MemoryEntry(K::kHire, a_, s, "2026-01-01", "2026-03-01")));
  }
  struct Case {
    std::size_t max_rows, max_scan, rows;
    bool truncated;
    const char* why;
  };
  const Case cases[] = {
      {kMaxComplianceRows, kMaxComplianceScan, 3, false, "no bound reached"},
      {2, kMaxComplianceScan, 2, true, "the first rows in order, the list cut"},
      {kMaxComplianceRows, 3, 3, false, "a budget that reads everything truncates nothing"},
      {kMaxComplianceRows, 2, 2, true, "the scan stopped early"},
  };
  auto options = Options("2026-12-31");
  for (const Case& c : cases) {
    options.max_rows = c.max_rows;
    options.max_scan = c.max_scan;
    ComplianceReport r = ReportFor(a_, options);
    EXPECT_EQ(LateIds(r), std::vector<EntryId>(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(c.rows))) << c.why;
    EXPECT_EQ(r.truncated, c.truncated) << c.why;
  }

  options.max_scan = kMaxComplianceScan;
  options.max_employers = 2;
  ComplianceReport few = BuildLedgerReport(src_, options);
  EXPECT_EQ(few.employer_count, 2u);
  EXPECT_TRUE(few.truncated) << "a third employer was not read";
}

TEST_F(ComplianceTest, UnknownEmployerIsAnError) {
  auto r = BuildEmployerReport(src_, Corp(999), Options("2026-12-31"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "compliance.unknown_employer");
}

TEST(ComplianceHeadcountTest, LatestEventOnOrBeforeEachDateWins) {
  const SubjectId x = SyntheticSubject(1), y = SyntheticSubject(2);
  std::vector<EmploymentEvent> events = {
      {x, D("2026-01-01"), 0, true},  {x, D("2026-01-01"), 5, true},   // hired twice: still one person
      {y, D("2026-02-01"), 2, true},  {y, D("2026-03-01"), 4, true},   // a second hire while open
      {x, D("2026-03-01"), 3, false}, {x, D("2026-03-01"), 1, true},   // same day: log order decides
  };
  std::vector<SideJobEvent> side = {{D("2026-02-01"), +1}, {D("2026-02-10"), +1}, {D("2026-02-10"), -1}};
  // Dates in any order; answers in the same order.
  auto counts = CountOpenOn(events, side, {D("2026-03-01"), D("2025-12-31"), D("2026-01-01"), D("2026-02-10")});
  EXPECT_EQ(counts, (std::vector<OpenCounts>{{1, 1}, {0, 0}, {1, 0}, {2, 1}}));
}

}  // namespace
}  // namespace jobcard::ledger
