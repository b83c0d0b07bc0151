// In-memory states for tests, tools and the simulator: no store, no I/O.
//
//   EmptyState   the state before genesis: nothing exists, no validators.
//   MemoryState  a state that starts empty and is filled by merging deltas
//                (GenesisDelta, a block's BlockExecution::delta, ...), so a
//                test can build "the committed state" without RocksDB.
//
// Thread safety: const methods may run concurrently with each other; Apply
// must not run concurrently with anything else on the same object.
#pragma once

#include "ledger/genesis.h"
#include "ledger/state_overlay.h"

namespace jobcard::ledger {

class EmptyState final : public StateView {
 public:
  std::optional<EmployerRecord> GetEmployer(const CorporateNumber&) const override { return std::nullopt; }
  std::optional<CorporateNumber> GetKeyOwner(const crypto::PublicKey&) const override { return std::nullopt; }
  std::optional<SubjectRecord> GetSubject(const SubjectId&) const override { return std::nullopt; }
  std::optional<SubjectId> GetSubjectByKey(const crypto::PublicKey&) const override { return std::nullopt; }
  std::optional<EntryRecord> GetEntry(const EntryId&) const override { return std::nullopt; }
  std::optional<TxLocation> GetTxLocation(const EntryId&) const override { return std::nullopt; }
  std::vector<ValidatorRecord> GetValidators() const override { return {}; }
  std::optional<MatcherRecord> GetMatcher(const crypto::PublicKey&) const override { return std::nullopt; }
  std::uint64_t LogSize() const override { return 0; }
};

class MemoryState final : public StateView {
 public:
  MemoryState() = default;
  // Copies are independent snapshots. Assignment is spelled out because the
  // overlay holds a reference; every MemoryState shares the same empty base,
  // so copying the contents is the whole state.
  MemoryState(const MemoryState&) = default;
  MemoryState(MemoryState&&) noexcept = default;
  MemoryState& operator=(const MemoryState& other);
  MemoryState& operator=(MemoryState&& other) noexcept;
  // The state at height 0 of the chain `genesis` starts: Apply(GenesisDelta(genesis)).
  static MemoryState FromGenesis(const Genesis& genesis);

  // Merges `delta` as if it were committed: its records replace the ones
  // with the same key, headcounts and log appends are appended, and the
  // validator set is replaced when the delta changes it.
  void Apply(const StateDelta& delta);

  // Everything applied so far, merged.
  const StateDelta& contents() const { return overlay_.delta(); }

  std::optional<EmployerRecord> GetEmployer(const CorporateNumber& id) const override { return overlay_.GetEmployer(id); }
  std::optional<CorporateNumber> GetKeyOwner(const crypto::PublicKey& key) const override { return overlay_.GetKeyOwner(key); }
  std::optional<SubjectRecord> GetSubject(const SubjectId& id) const override { return overlay_.GetSubject(id); }
  std::optional<SubjectId> GetSubjectByKey(const crypto::PublicKey& key) const override {
    return overlay_.GetSubjectByKey(key);
  }
  std::optional<EntryRecord> GetEntry(const EntryId& id) const override { return overlay_.GetEntry(id); }
  std::optional<TxLocation> GetTxLocation(const EntryId& id) const override { return overlay_.GetTxLocation(id); }
  std::vector<ValidatorRecord> GetValidators() const override { return overlay_.GetValidators(); }
  std::optional<MatcherRecord> GetMatcher(const crypto::PublicKey& key) const override { return overlay_.GetMatcher(key); }
  std::uint64_t LogSize() const override { return overlay_.LogSize(); }

 private:
  // One shared, stateless base: it keeps MemoryState copyable, which a
  // member base (referenced by the overlay) would not allow.
  static const EmptyState& SharedEmpty();

  StateOverlay overlay_{SharedEmpty()};
};

}  // namespace jobcard::ledger
