#include "ledger/compliance_version.h"

namespace jobcard::ledger {

namespace {
bool Retracts(const ComplianceEntry& version) {
  if (version.record.kind != TxKind::kCorrection) return false;
  const auto reason = static_cast<CorrectionReason>(version.reason);
  return reason == CorrectionReason::kRetraction || reason == CorrectionReason::kWrongSubject ||
         reason == CorrectionReason::kWrongKind;
}
}  // namespace

CurrentVersion ResolveCurrent(const ComplianceSource& source, const ComplianceEntry& root) {
  CurrentVersion out;
  if (root.void_entry) return out;
  ComplianceEntry current = root;
  EntryId next = root.record.superseded_by;
  // A chain of corrections is at most a subject's whole history long.
  for (std::size_t step = 0; step < kMaxSubjectEntries && next != EntryId{}; ++step) {
    auto correction = source.Entry(next);
    if (!correction) break;
    next = correction->record.superseded_by;
    // A void correction is ignored; the version before it stays current.
    if (!correction->void_entry) current = std::move(*correction);
  }
  out.counts = !Retracts(current);
  out.effective_date = current.record.effective_date;
  out.corrected = current.record.id != root.record.id;
  return out;
}

}  // namespace jobcard::ledger
