// The compliance reports' source over the RocksDB store, and the options a
// chain's genesis fixes (deadline, start date, default report date).
//
// One adapter serves one report: it caches block times and employer records
// for the report's duration (bounded by what the report reads). Reads are not
// a snapshot: a block committed while a report runs may be partly seen, which
// a report run after it corrects.
#pragma once

#include <initializer_list>
#include <map>
#include <optional>

#include "ledger/chain_store.h"
#include "ledger/compliance.h"

namespace jobcard::ledger {

class StoreComplianceSource final : public ComplianceSource {
 public:
  explicit StoreComplianceSource(const ChainStore& store) : store_(store) {}

  std::vector<CorporateNumber> Employers(const CorporateNumber& after, std::size_t limit) const override;
  std::optional<EmployerRecord> Employer(const CorporateNumber& id) const override;
  ComplianceEntryPage EmployerEntries(const CorporateNumber& employer, std::uint64_t from_log_index,
                                      std::size_t limit) const override;
  std::optional<ComplianceEntry> Entry(const EntryId& id) const override;
  std::vector<HeadcountRecord> Headcounts(const CorporateNumber& employer, std::size_t limit) const override;

 private:
  ComplianceEntry Complete(EntryRecord record) const;
  // Void (spec §9.5): a key of one of `employers` signed `tx` at `height`
  // while revoked from at or below it, i.e. a revocation reached back past it.
  bool SignedWithRevokedKey(std::initializer_list<CorporateNumber> employers, std::uint64_t height, const Tx& tx) const;
  std::uint64_t BlockTimeMs(std::uint64_t height) const;

  const ChainStore& store_;
  mutable std::map<std::uint64_t, std::uint64_t> block_times_;
  mutable std::map<CorporateNumber, std::optional<EmployerRecord>> employers_;
};

// Deadline and start date from the store's genesis; the report date is
// `as_of`, or the date of the tip's block time when absent.
ComplianceOptions StoreComplianceOptions(const ChainStore& store, std::optional<Date> as_of);

}  // namespace jobcard::ledger
