// A store-backed test chain whose blocks carry chosen dates: enrolments,
// career entries and headcount declarations signed with the TestChain keys
// (employers A and B), committed with ProduceSoloBlock at 00:00 UTC of the
// block's date. For tests of rules that depend on block time (compliance).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ledger/chain_store.h"
#include "ledger/payload.h"
#include "tests/support/chain_fixture.h"

namespace jobcard::testing {

ledger::Date D(const std::string& iso);
std::uint64_t MidnightMs(const ledger::Date& date);

struct EntrySpec {
  EntrySpec(ledger::TxKind k, const ledger::CorporateNumber& e, std::uint64_t s, std::string effective_date)
      : kind(k), employer(e), subject(s), effective(std::move(effective_date)) {}
  EntrySpec& Ref(const ledger::EntryId& id) { references.push_back(id); return *this; }
  EntrySpec& Host(const ledger::CorporateNumber& h) { host = h; return *this; }
  EntrySpec& ExpectedEnd(std::string date) { expected_end = std::move(date); return *this; }
  EntrySpec& Reason(std::uint8_t r) { reason = r; return *this; }
  EntrySpec& Fields(std::vector<ledger::PayloadField> f) { fields = std::move(f); return *this; }

  ledger::TxKind kind;
  ledger::CorporateNumber employer;  // A or B of the TestChain
  std::uint64_t subject;             // SyntheticSubject(subject)
  std::string effective;             // YYYY-MM-DD
  std::vector<ledger::EntryId> references;
  ledger::CorporateNumber host;  // secondments: the other of A and B
  std::string expected_end;      // secondment_start
  std::uint8_t reason = 0;       // correction
  std::vector<ledger::PayloadField> fields;  // the payload; default {position: staff}
};

class DatedChain {
 public:
  explicit DatedChain(const std::string& dir, TestChain chain = MakeTestChain());

  // Starts the next block, dated `date` (its time and every recorded_at are
  // 00:00 UTC of that date).
  void BeginBlock(const std::string& date);
  // Transactions for that block, signed; the transaction's id is returned.
  ledger::EntryId Enroll(std::uint64_t subject);
  ledger::EntryId Entry(const EntrySpec& spec);
  // The subject disputes entry `ref` (recorded by `employer`), signing with the subject key.
  ledger::EntryId Dispute(std::uint64_t subject, const ledger::EntryId& ref, const ledger::CorporateNumber& employer);
  ledger::EntryId Headcount(const ledger::CorporateNumber& employer, const std::string& as_of, std::uint32_t count);
  ledger::EntryId Governance(ledger::TxKind kind, ledger::TxBody body);
  // Commits the block; fails the test if a transaction is rejected.
  void Commit();

  ledger::ChainStore& store() { return *store_; }
  const TestChain& chain() const { return chain_; }

 private:
  const crypto::SigningKey& KeyOf(const ledger::CorporateNumber& employer) const;
  ledger::EntryId Queue(ledger::Tx tx);

  TestChain chain_;
  std::unique_ptr<ledger::ChainStore> store_;
  std::vector<ledger::Tx> pending_;
  std::uint64_t nonce_ = 1;
  std::uint64_t block_ms_ = 0;  // the block being built
};

}  // namespace jobcard::testing
