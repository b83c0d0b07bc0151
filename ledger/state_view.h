// StateView: read access to the committed ledger state, the only thing
// validation may consult. Implementations: the RocksDB store (committed
// state), StateOverlay (state plus the effects of earlier transactions in
// the block being built), and plain in-memory maps in tests.
//
// Thread safety: implementations document their own; validation calls only
// const methods from one thread.
#pragma once

#include <optional>
#include <vector>

#include "ledger/state_records.h"

namespace jobcard::ledger {

class StateView {
 public:
  virtual ~StateView() = default;
  virtual std::optional<EmployerRecord> GetEmployer(const CorporateNumber& id) const = 0;
  // The employer a signing key belongs to (keys are never shared or reused).
  virtual std::optional<CorporateNumber> GetKeyOwner(const crypto::PublicKey& key) const = 0;
  virtual std::optional<SubjectRecord> GetSubject(const SubjectId& id) const = 0;
  // The subject whose current key `key` is (rule G15: at most one).
  virtual std::optional<SubjectId> GetSubjectByKey(const crypto::PublicKey& key) const = 0;
  virtual std::optional<EntryRecord> GetEntry(const EntryId& id) const = 0;
  virtual std::optional<TxLocation> GetTxLocation(const EntryId& id) const = 0;
  virtual std::vector<ValidatorRecord> GetValidators() const = 0;
  virtual std::optional<MatcherRecord> GetMatcher(const crypto::PublicKey& key) const = 0;
  virtual std::uint64_t LogSize() const = 0;
};

}  // namespace jobcard::ledger
