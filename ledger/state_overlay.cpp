#include "ledger/state_overlay.h"

namespace jobcard::ledger {

namespace {
template <typename Map, typename Key>
auto Lookup(const Map& map, const Key& key) -> std::optional<typename Map::mapped_type> {
  auto it = map.find(key);
  if (it == map.end()) return std::nullopt;
  return it->second;
}
}  // namespace

std::optional<EmployerRecord> StateOverlay::GetEmployer(const CorporateNumber& id) const {
  if (auto v = Lookup(delta_.employers, id)) return v;
  return base_.GetEmployer(id);
}
std::optional<CorporateNumber> StateOverlay::GetKeyOwner(const crypto::PublicKey& key) const {
  if (auto v = Lookup(delta_.key_owners, key)) return v;
  return base_.GetKeyOwner(key);
}
std::optional<SubjectRecord> StateOverlay::GetSubject(const SubjectId& id) const {
  if (auto v = Lookup(delta_.subjects, id)) return v;
  return base_.GetSubject(id);
}
std::optional<SubjectId> StateOverlay::GetSubjectByKey(const crypto::PublicKey& key) const {
  auto it = delta_.subject_keys.find(key);
  if (it != delta_.subject_keys.end()) return it->second;
  return base_.GetSubjectByKey(key);
}
std::optional<EntryRecord> StateOverlay::GetEntry(const EntryId& id) const {
  if (auto v = Lookup(delta_.entries, id)) return v;
  return base_.GetEntry(id);
}
std::optional<TxLocation> StateOverlay::GetTxLocation(const EntryId& id) const {
  if (auto v = Lookup(delta_.tx_locations, id)) return v;
  return base_.GetTxLocation(id);
}
std::vector<ValidatorRecord> StateOverlay::GetValidators() const {
  return delta_.validators ? *delta_.validators : base_.GetValidators();
}
std::optional<MatcherRecord> StateOverlay::GetMatcher(const crypto::PublicKey& key) const {
  if (auto v = Lookup(delta_.matchers, key)) return v;
  return base_.GetMatcher(key);
}

}  // namespace jobcard::ledger
