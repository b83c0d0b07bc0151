#include "ledger/memory_state.h"

#include "ledger/execution.h"

namespace jobcard::ledger {

namespace {
template <typename Map>
void MergeInto(Map& into, const Map& from) {
  for (const auto& [key, value] : from) into.insert_or_assign(key, value);
}
}  // namespace

const EmptyState& MemoryState::SharedEmpty() {
  static const EmptyState empty;
  return empty;
}

MemoryState& MemoryState::operator=(const MemoryState& other) {
  overlay_.delta() = other.contents();
  return *this;
}

MemoryState& MemoryState::operator=(MemoryState&& other) noexcept {
  overlay_.delta() = std::move(other.overlay_.delta());
  return *this;
}

MemoryState MemoryState::FromGenesis(const Genesis& genesis) {
  MemoryState state;
  state.Apply(GenesisDelta(genesis));
  return state;
}

void MemoryState::Apply(const StateDelta& delta) {
  StateDelta& own = overlay_.delta();
  MergeInto(own.employers, delta.employers);
  MergeInto(own.key_owners, delta.key_owners);
  MergeInto(own.subjects, delta.subjects);
  MergeInto(own.subject_keys, delta.subject_keys);
  MergeInto(own.entries, delta.entries);
  MergeInto(own.tx_locations, delta.tx_locations);
  MergeInto(own.matchers, delta.matchers);
  own.headcounts.insert(own.headcounts.end(), delta.headcounts.begin(), delta.headcounts.end());
  if (delta.validators) own.validators = delta.validators;
  own.log_appends.insert(own.log_appends.end(), delta.log_appends.begin(), delta.log_appends.end());
}

}  // namespace jobcard::ledger
