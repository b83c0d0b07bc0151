// An in-memory ComplianceSource for tests of the compliance rules: entries
// are added in log order with the dates that matter (effective, committed)
// and the links a store would keep (superseded_by, closed_by).
#pragma once

#include <map>
#include <string>

#include "crypto/hash.h"
#include "ledger/compliance.h"
#include "tests/support/chain_fixture.h"
#include "tests/support/dated_chain.h"

namespace jobcard::testing {

struct MemoryEntry {
  MemoryEntry(ledger::TxKind k, const ledger::CorporateNumber& e, std::uint64_t s, std::string effective_date, std::string committed_date)
      : kind(k), employer(e), subject(s), effective(std::move(effective_date)), committed(std::move(committed_date)) {}
  MemoryEntry& Host(const ledger::CorporateNumber& h) { host = h; return *this; }
  MemoryEntry& ExpectedEnd(std::string date) { expected_end = std::move(date); return *this; }
  MemoryEntry& Ref(const ledger::EntryId& id) { ref = id; return *this; }
  MemoryEntry& Reason(std::uint8_t r) { reason = r; return *this; }
  MemoryEntry& Void() { return VoidIf(true); }
  MemoryEntry& VoidIf(bool v) { void_entry = v; return *this; }

  ledger::TxKind kind;
  ledger::CorporateNumber employer;
  std::uint64_t subject;  // SyntheticSubject(subject)
  std::string effective;
  std::string committed;  // the block's date
  ledger::CorporateNumber host{};
  std::string expected_end{};
  ledger::EntryId ref{};    // corrected or ended entry
  std::uint8_t reason = 0;  // correction reason
  bool void_entry = false;
};

class MemoryComplianceSource final : public ledger::ComplianceSource {
 public:
  void AddEmployer(const ledger::CorporateNumber& id, const ledger::CorporateNumber& successor = {}) {
    employers_[id] = ledger::EmployerRecord{id, "社" + id.str(), ledger::EmployerStatus::kActive, {}, successor, 0};
  }

  ledger::EntryId Add(const MemoryEntry& m) {
    ledger::ComplianceEntry e;
    ledger::EntryRecord& r = e.record;
    r.id = crypto::Sha256(AsBytes("entry" + std::to_string(next_log_)));
    r.kind = m.kind;
    r.employer = m.employer;
    r.subject = SyntheticSubject(m.subject);
    r.host_employer = m.host;
    r.effective_date = D(m.effective);
    if (!m.expected_end.empty()) r.expected_end = D(m.expected_end);
    r.log_index = next_log_++;
    r.height = r.log_index + 1;
    e.reason = m.reason;
    e.void_entry = m.void_entry;
    e.committed_ms = MidnightMs(D(m.committed)) + 9 * 3600 * 1000;  // 09:00 UTC: the date is the block's
    if (m.kind == ledger::TxKind::kCorrection) entries_.at(m.ref).record.superseded_by = r.id;
    if (m.kind == ledger::TxKind::kSecondmentEnd || m.kind == ledger::TxKind::kSideJobEnd) entries_.at(m.ref).record.closed_by = r.id;
    index_[m.employer].push_back(r.id);
    if (m.host != ledger::CorporateNumber{}) index_[m.host].push_back(r.id);
    entries_[r.id] = e;
    return r.id;
  }

  ledger::EntryId AddHeadcount(const ledger::CorporateNumber& employer, const std::string& as_of, std::uint32_t count) {
    ledger::HeadcountRecord h{employer, D(as_of), count, crypto::Sha256(AsBytes("headcount" + std::to_string(next_log_))), next_log_ + 1};
    ++next_log_;
    headcounts_[employer].push_back(h);
    return h.id;
  }

  std::vector<ledger::CorporateNumber> Employers(const ledger::CorporateNumber& after, std::size_t limit) const override {
    std::vector<ledger::CorporateNumber> out;
    for (auto it = employers_.upper_bound(after); it != employers_.end() && out.size() < limit; ++it) out.push_back(it->first);
    return out;
  }
  std::optional<ledger::EmployerRecord> Employer(const ledger::CorporateNumber& id) const override {
    auto it = employers_.find(id);
    if (it == employers_.end()) return std::nullopt;
    return it->second;
  }
  ledger::ComplianceEntryPage EmployerEntries(const ledger::CorporateNumber& employer, std::uint64_t from,
                                              std::size_t limit) const override {
    ledger::ComplianceEntryPage page;
    auto it = index_.find(employer);
    if (it == index_.end()) return page;
    for (const auto& id : it->second) {
      const ledger::ComplianceEntry& e = entries_.at(id);
      if (e.record.log_index < from) continue;
      if (page.read == limit) {
        page.next_from = e.record.log_index;
        break;
      }
      page.entries.push_back(e);
      ++page.read;
    }
    return page;
  }
  std::optional<ledger::ComplianceEntry> Entry(const ledger::EntryId& id) const override {
    auto it = entries_.find(id);
    if (it == entries_.end()) return std::nullopt;
    return it->second;
  }
  std::vector<ledger::HeadcountRecord> Headcounts(const ledger::CorporateNumber& employer, std::size_t limit) const override {
    auto it = headcounts_.find(employer);
    if (it == headcounts_.end()) return {};
    return std::vector<ledger::HeadcountRecord>(it->second.begin(), it->second.begin() + static_cast<std::ptrdiff_t>(std::min(limit, it->second.size())));
  }

 private:
  std::map<ledger::CorporateNumber, ledger::EmployerRecord> employers_;
  std::map<ledger::EntryId, ledger::ComplianceEntry> entries_;
  std::map<ledger::CorporateNumber, std::vector<ledger::EntryId>> index_;  // log order
  std::map<ledger::CorporateNumber, std::vector<ledger::HeadcountRecord>> headcounts_;
  std::uint64_t next_log_ = 0;
};

}  // namespace jobcard::testing
