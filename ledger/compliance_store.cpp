#include "ledger/compliance_store.h"

namespace jobcard::ledger {

std::vector<CorporateNumber> StoreComplianceSource::Employers(const CorporateNumber& after, std::size_t limit) const {
  return store_.Employers(after, limit);
}

std::optional<EmployerRecord> StoreComplianceSource::Employer(const CorporateNumber& id) const {
  auto it = employers_.find(id);
  if (it == employers_.end()) it = employers_.emplace(id, store_.GetEmployer(id)).first;
  return it->second;
}

ComplianceEntryPage StoreComplianceSource::EmployerEntries(const CorporateNumber& employer, std::uint64_t from_log_index,
                                                           std::size_t limit) const {
  // One id more than asked tells where the next page starts.
  const auto ids = store_.EmployerTxIds(employer, from_log_index, limit + 1);
  ComplianceEntryPage page;
  page.read = std::min(limit, ids.size());
  for (std::size_t i = 0; i < page.read; ++i) {
    // Headcount declarations share the index and have no entry record.
    if (auto record = store_.GetEntry(ids[i])) page.entries.push_back(Complete(std::move(*record)));
  }
  if (ids.size() > limit) {
    if (auto next = store_.GetTxLocation(ids[limit])) page.next_from = next->log_index;
  }
  return page;
}

std::optional<ComplianceEntry> StoreComplianceSource::Entry(const EntryId& id) const {
  auto record = store_.GetEntry(id);
  if (!record) return std::nullopt;
  return Complete(std::move(*record));
}

std::vector<HeadcountRecord> StoreComplianceSource::Headcounts(const CorporateNumber& employer, std::size_t limit) const {
  std::vector<HeadcountRecord> out = store_.Headcounts(employer, limit);
  // A declaration signed with a key revoked back past it may be forged.
  std::erase_if(out, [&](const HeadcountRecord& h) {
    auto tx = store_.GetTx(h.id);
    return tx && SignedWithRevokedKey({h.employer}, h.height, *tx);
  });
  return out;
}

ComplianceEntry StoreComplianceSource::Complete(EntryRecord record) const {
  ComplianceEntry out;
  // The reason and the signers are only in the transaction, which every
  // committed entry has.
  if (auto tx = store_.GetTx(record.id)) {
    if (const auto* e = std::get_if<CareerEntry>(&tx->body)) out.reason = e->reason;
    out.void_entry = SignedWithRevokedKey({record.employer, record.host_employer}, record.height, *tx);
  }
  out.committed_ms = BlockTimeMs(record.height);
  out.record = std::move(record);
  return out;
}

bool StoreComplianceSource::SignedWithRevokedKey(std::initializer_list<CorporateNumber> employers, std::uint64_t height,
                                                 const Tx& tx) const {
  for (const CorporateNumber& id : employers) {
    auto employer = id == CorporateNumber{} ? std::nullopt : Employer(id);
    if (!employer) continue;
    for (const auto& sig : tx.signatures) {
      const EmployerKeyRecord* key = employer->FindKey(sig.signer);
      if (key && key->revoked_from_height != 0 && key->revoked_from_height <= height) return true;
    }
  }
  return false;
}

std::uint64_t StoreComplianceSource::BlockTimeMs(std::uint64_t height) const {
  auto it = block_times_.find(height);
  if (it != block_times_.end()) return it->second;
  auto header = store_.GetBlockHeader(height);
  // Every committed entry's block is stored (Open checks the chain); 0
  // (1970) would only make the entry look early, never late.
  const std::uint64_t time_ms = header.ok() ? header->time_ms : 0;
  block_times_.emplace(height, time_ms);
  return time_ms;
}

ComplianceOptions StoreComplianceOptions(const ChainStore& store, std::optional<Date> as_of) {
  ComplianceOptions options;
  options.as_of = as_of.value_or(Date::FromUnixSeconds(store.Tip().time_ms / 1000));
  options.deadline_days = store.genesis().params.recording_deadline_days;
  options.start_date = ComplianceStartDate(store.genesis());
  return options;
}

}  // namespace jobcard::ledger
