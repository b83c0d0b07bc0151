#include "node/pending_overlay.h"

#include <cstdlib>
#include <utility>

namespace jobcard::node {

namespace {

// Moves every record of `from` into `into` (the map's node itself, where
// `into` does not hold the key yet), noting its key and counting a writer.
// Leaves `from` empty.
template <class Map, class Keys, class Writers>
void Merge(Map& from, Map& into, Keys& written, Writers& writers) {
  while (!from.empty()) {
    auto node = from.extract(from.begin());
    written.push_back(node.key());
    ++writers[node.key()];
    auto placed = into.insert(std::move(node));
    if (!placed.inserted) placed.position->second = std::move(placed.node.mapped());
  }
}

// One writer fewer for each key; a key nobody pending wrote leaves the overlay,
// so reads fall through to the base, which now holds the committed value.
template <class Map, class Keys, class Writers>
void ReleaseKeys(const Keys& written, Map& map, Writers& writers) {
  for (const auto& key : written) {
    auto count = writers.find(key);
    if (count == writers.end()) std::abort();  // released more often than written: a bug
    if (--count->second > 0) continue;
    writers.erase(count);
    map.erase(key);
  }
}

}  // namespace

PendingWrites PendingOverlay::Apply(const ledger::Tx& tx, const ledger::EntryId& id, std::uint32_t index_in_block,
                                    const ledger::TxContext& ctx) {
  try {
    return ApplyOnScratch(tx, id, index_in_block, ctx);
  } catch (...) {
    // Whatever an interrupted Apply left there would pass for the next one's writes.
    ResetScratch();
    throw;
  }
}

PendingWrites PendingOverlay::ApplyOnScratch(const ledger::Tx& tx, const ledger::EntryId& id, std::uint32_t index_in_block,
                                             const ledger::TxContext& ctx) {
  ledger::ApplyTx(*scratch_, tx, id, index_in_block, ctx);
  ledger::StateDelta& mine = scratch_->delta();
  ledger::StateDelta& all = overlay_->delta();
  PendingWrites writes;
  Merge(mine.employers, all.employers, writes.employers, employer_writers_);
  Merge(mine.key_owners, all.key_owners, writes.key_owners, key_owner_writers_);
  Merge(mine.subjects, all.subjects, writes.subjects, subject_writers_);
  Merge(mine.subject_keys, all.subject_keys, writes.subject_keys, subject_key_writers_);
  Merge(mine.entries, all.entries, writes.entries, entry_writers_);
  Merge(mine.tx_locations, all.tx_locations, writes.tx_locations, tx_location_writers_);
  Merge(mine.matchers, all.matchers, writes.matchers, matcher_writers_);
  writes.headcounts = mine.headcounts.size();
  for (auto& headcount : mine.headcounts) all.headcounts.push_back(std::move(headcount));
  mine.headcounts.clear();
  if (mine.validators) {
    all.validators = std::move(mine.validators);
    mine.validators.reset();
    writes.validators = true;
    ++validator_writers_;
  }
  for (const ledger::EntryId& appended : mine.log_appends) all.log_appends.push_back(appended);
  mine.log_appends.clear();
  return writes;
}

void PendingOverlay::ResetScratch() {
  // Through the StateView reference: StateOverlay's copy constructor would copy our delta.
  const ledger::StateView& below = *overlay_;
  scratch_.emplace(below);
}

void PendingOverlay::Release(const PendingWrites& writes) {
  ledger::StateDelta& all = overlay_->delta();
  ReleaseKeys(writes.employers, all.employers, employer_writers_);
  ReleaseKeys(writes.key_owners, all.key_owners, key_owner_writers_);
  ReleaseKeys(writes.subjects, all.subjects, subject_writers_);
  ReleaseKeys(writes.subject_keys, all.subject_keys, subject_key_writers_);
  ReleaseKeys(writes.entries, all.entries, entry_writers_);
  ReleaseKeys(writes.tx_locations, all.tx_locations, tx_location_writers_);
  ReleaseKeys(writes.matchers, all.matchers, matcher_writers_);
  if (writes.validators && --validator_writers_ == 0) all.validators.reset();
}

void PendingOverlay::DropOldest(const std::vector<const PendingWrites*>& oldest) {
  ledger::StateDelta& all = overlay_->delta();
  std::size_t headcounts = 0;
  for (const PendingWrites* writes : oldest) {
    Release(*writes);
    headcounts += writes->headcounts;
  }
  // Both are appended in application order, so the oldest are at the front.
  // Every applied transaction appends exactly one log entry.
  if (oldest.size() > all.log_appends.size() || headcounts > all.headcounts.size()) std::abort();
  all.log_appends.erase(all.log_appends.begin(), all.log_appends.begin() + static_cast<std::ptrdiff_t>(oldest.size()));
  all.headcounts.erase(all.headcounts.begin(), all.headcounts.begin() + static_cast<std::ptrdiff_t>(headcounts));
}

void PendingOverlay::DropAny(const std::vector<const PendingWrites*>& dropped, const IdSet& ids) {
  std::size_t headcounts = 0;
  for (const PendingWrites* writes : dropped) {
    Release(*writes);
    headcounts += writes->headcounts;
  }
  // Log appends and headcounts are in application order and name their
  // transaction: one pass over them (cheap next to re-validating them).
  ledger::StateDelta& all = overlay_->delta();
  const std::size_t log_before = all.log_appends.size();
  const std::size_t headcounts_before = all.headcounts.size();
  std::erase_if(all.log_appends, [&](const ledger::EntryId& id) { return ids.count(id) > 0; });
  std::erase_if(all.headcounts, [&](const ledger::HeadcountRecord& record) { return ids.count(record.id) > 0; });
  // Every applied transaction appends exactly one log entry.
  if (log_before - all.log_appends.size() != dropped.size() || headcounts_before - all.headcounts.size() != headcounts) {
    std::abort();
  }
}

void PendingOverlay::Rebase(const ledger::StateView& base) {
  ledger::StateDelta delta = std::move(overlay_->delta());
  overlay_.emplace(base);
  overlay_->delta() = std::move(delta);
  ResetScratch();
}

}  // namespace jobcard::node
