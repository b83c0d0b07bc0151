// StateOverlay: a StateView over a base view plus pending changes. Executing
// a block writes only into the overlay; its change sets are the block's state
// delta, which the store commits in one batch with the block. Nothing is
// written anywhere else, which is what makes execution a pure function of
// (state, block).
#pragma once

#include <map>
#include <unordered_map>

#include "crypto/fixed_bytes_keys.h"
#include "ledger/state_view.h"

namespace jobcard::ledger {

// The maps that grow with every transaction (subjects, subject keys,
// entries, transaction locations) are hash maps: the mempool's pending
// overlay holds one of these for its whole backlog, and every admission
// looks several of them up (ordered, they cost the devnet ~3 % more CPU per
// entry; BENCHMARKS.md "Session 10"). Nothing depends on their iteration order: the state index sorts its changes
// (smt_apply.cpp), the store sorts its batch (sorted_write_batch.h) and the
// caches are keyed. The governance maps stay small and ordered.
template <typename Key, typename Value>
using DeltaMap = std::unordered_map<Key, Value, crypto::FixedBytesHash>;
struct StateDelta {
  std::map<CorporateNumber, EmployerRecord> employers;
  std::map<crypto::PublicKey, CorporateNumber> key_owners;
  DeltaMap<SubjectId, SubjectRecord> subjects;
  // key -> the subject it is the current key of; nullopt: no longer any
  // subject's key (a recovery replaced it).
  DeltaMap<crypto::PublicKey, std::optional<SubjectId>> subject_keys;
  DeltaMap<EntryId, EntryRecord> entries;
  DeltaMap<EntryId, TxLocation> tx_locations;
  std::map<crypto::PublicKey, MatcherRecord> matchers;
  std::vector<HeadcountRecord> headcounts;
  std::optional<std::vector<ValidatorRecord>> validators;  // set when changed
  std::vector<EntryId> log_appends;                        // tx ids in commit order
};

class StateOverlay final : public StateView {
 public:
  explicit StateOverlay(const StateView& base) : base_(base) {}

  std::optional<EmployerRecord> GetEmployer(const CorporateNumber& id) const override;
  std::optional<CorporateNumber> GetKeyOwner(const crypto::PublicKey& key) const override;
  std::optional<SubjectRecord> GetSubject(const SubjectId& id) const override;
  std::optional<SubjectId> GetSubjectByKey(const crypto::PublicKey& key) const override;
  std::optional<EntryRecord> GetEntry(const EntryId& id) const override;
  std::optional<TxLocation> GetTxLocation(const EntryId& id) const override;
  std::vector<ValidatorRecord> GetValidators() const override;
  std::optional<MatcherRecord> GetMatcher(const crypto::PublicKey& key) const override;
  std::uint64_t LogSize() const override { return base_.LogSize() + delta_.log_appends.size(); }

  StateDelta& delta() { return delta_; }
  const StateDelta& delta() const { return delta_; }

 private:
  const StateView& base_;
  StateDelta delta_;
};

}  // namespace jobcard::ledger
