// Compliance reports (spec/compliance.md): the findings that show whether
// employers keep their obligation to record. Reports never reject anything;
// a late entry is still better than none.
//
//   late entries          career entries committed more than the statutory
//                         deadline after their effective date (記録期限超過)
//   overdue secondments   在籍出向 still open after their expected end
//   headcount mismatches  在籍者数の届出 that differ from the open
//                         employments (雇入れ without 退職) on that date
//
// The builders are pure functions of a read-only ComplianceSource, so the
// rules are tested on in-memory data; ledger/compliance_store.h adapts the
// RocksDB store. Every loop is bounded by the options' budgets; a report that
// hit one says so with `truncated`.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "ledger/state_records.h"

namespace jobcard::ledger {

inline constexpr std::size_t kMaxComplianceRows = 10000;        // per list
inline constexpr std::size_t kMaxComplianceScan = 200000;       // entries read per report
inline constexpr std::size_t kMaxComplianceEmployers = 100000;  // employers read per report
inline constexpr std::size_t kMaxComplianceHeadcounts = 10000;  // declarations read per employer

// A committed career entry with the facts the rules need beyond its record.
struct ComplianceEntry {
  EntryRecord record;
  std::uint8_t reason = 0;         // a correction's CorrectionReason (from the transaction)
  std::uint64_t committed_ms = 0;  // time of the block that committed it
  bool void_entry = false;         // signed by a key revoked from or below its height (spec §9.5)
};

// One page of an employer's transactions (recorded by it, or hosted by it
// for secondments), in log order.
struct ComplianceEntryPage {
  std::vector<ComplianceEntry> entries;    // the career entries of the page (headcounts are skipped)
  std::size_t read = 0;                    // transactions read, career entries or not
  std::optional<std::uint64_t> next_from;  // log index to continue from; nullopt at the end
};

// The read-only queries the reports need, and nothing else.
class ComplianceSource {
 public:
  virtual ~ComplianceSource() = default;
  // Registered employers in increasing 法人番号 order, strictly after `after`
  // (from the first when empty), at most `limit`.
  virtual std::vector<CorporateNumber> Employers(const CorporateNumber& after, std::size_t limit) const = 0;
  virtual std::optional<EmployerRecord> Employer(const CorporateNumber& id) const = 0;
  // At most `limit` transactions of `employer` from log index `from_log_index`.
  virtual ComplianceEntryPage EmployerEntries(const CorporateNumber& employer, std::uint64_t from_log_index,
                                              std::size_t limit) const = 0;
  // A career entry by id (to follow corrections and ends); nullopt otherwise.
  virtual std::optional<ComplianceEntry> Entry(const EntryId& id) const = 0;
  // The employer's first `limit` headcount declarations by declared date,
  // void ones (spec §9.5) then left out.
  virtual std::vector<HeadcountRecord> Headcounts(const CorporateNumber& employer, std::size_t limit) const = 0;
};

struct ComplianceOptions {
  Date as_of;                            // the report date d
  std::uint32_t deadline_days = 14;      // ChainParams::recording_deadline_days
  Date start_date;                       // ComplianceStartDate(genesis)
  std::size_t max_rows = kMaxComplianceRows;
  std::size_t max_scan = kMaxComplianceScan;
  std::size_t max_employers = kMaxComplianceEmployers;
  std::size_t max_headcounts = kMaxComplianceHeadcounts;
};

struct LateEntryRow {
  EntryId id{};
  TxKind kind = TxKind::kHire;
  CorporateNumber employer;
  SubjectId subject{};
  Date effective_date;  // of the current version (after corrections)
  Date committed_date;  // Date(B) of the block that committed the entry itself
  std::int64_t days_late = 0;  // committed - effective - deadline, > 0
  bool corrected = false;      // a correction superseded the entry
  std::uint64_t log_index = 0;
  bool operator==(const LateEntryRow&) const = default;
};

struct OverdueSecondmentRow {
  EntryId id{};  // the secondment_start
  SubjectId subject{};
  CorporateNumber home;  // 出向元
  CorporateNumber host;  // 出向先
  Date effective_date;
  Date expected_end;
  std::int64_t days_overdue = 0;  // as_of - expected_end, > 0
  std::uint64_t log_index = 0;
  bool operator==(const OverdueSecondmentRow&) const = default;
};

struct HeadcountMismatchRow {
  EntryId id{};  // the headcount declaration
  CorporateNumber employer;
  Date as_of;
  std::uint32_t declared = 0;
  std::uint32_t counted = 0;          // subjects with an open employment on as_of
  std::int64_t difference = 0;        // declared - counted
  std::uint32_t open_side_jobs = 0;   // 兼業・副業 open on as_of: beside the count, not in it
  std::uint64_t height = 0;
  bool operator==(const HeadcountMismatchRow&) const = default;
};

struct ComplianceReport {
  Date as_of;
  std::vector<CorporateNumber> employers;  // covered: the employer and its predecessors (one-employer report)
  std::size_t employer_count = 0;          // how many employers were covered
  std::vector<LateEntryRow> late_entries;                // by log index
  std::vector<OverdueSecondmentRow> overdue_secondments;  // by expected end, then log index
  std::vector<HeadcountMismatchRow> headcount_mismatches;  // by employer, as_of, height, id
  bool truncated = false;  // a list was cut at max_rows, or a budget stopped a scan (entries, employers, headcounts)
};

// The report for one employer: its own records and those of its
// predecessors (事業承継), whose records pass to it. Fails with
// compliance.unknown_employer when it is not registered.
Result<ComplianceReport> BuildEmployerReport(const ComplianceSource& source, const CorporateNumber& employer,
                                             const ComplianceOptions& options);
// The report for every registered employer; each finding appears once.
ComplianceReport BuildLedgerReport(const ComplianceSource& source, const ComplianceOptions& options);

}  // namespace jobcard::ledger
