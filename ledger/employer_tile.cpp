#include "ledger/employer_tile.h"

#include <algorithm>
#include <cstring>
#include <map>

namespace jobcard::ledger {

namespace {

void AppendEntry(Bytes& value, const EmployerIndexEntry& entry) {
  value.push_back(static_cast<std::uint8_t>(entry.log_index % kEmployerTileWidth));
  value.insert(value.end(), entry.id.begin(), entry.id.end());
}

Error OutOfOrder(const std::string& what) { return MakeError("store.employer_tile_order", what); }

}  // namespace

std::string EmployerTilePrefix(const CorporateNumber& employer) { return kEmployerTileTag + employer.str(); }

std::string EmployerTileKey(const CorporateNumber& employer, std::uint64_t tile) {
  std::string key = EmployerTilePrefix(employer);
  for (int i = 7; i >= 0; --i) key.push_back(static_cast<char>(tile >> (8 * i)));
  return key;
}

Result<EmployerTileId> DecodeEmployerTileKey(ByteView key) {
  if (key.size() != kEmployerTileKeySize || key[0] != static_cast<std::uint8_t>(kEmployerTileTag)) {
    return MakeError("store.bad_employer_tile_key", "an employer index key of " + std::to_string(key.size()) +
                                                        " bytes that is not a tile's (want 't', 13 digits, 8 bytes)");
  }
  EmployerTileId id;
  id.employer.assign(key.begin() + 1, key.begin() + 14);
  for (std::size_t i = 14; i < kEmployerTileKeySize; ++i) id.tile = (id.tile << 8) | key[i];
  // So that tile * 256 + place, a log index, never wraps.
  if (id.tile > (UINT64_MAX >> 8)) {
    return MakeError("store.bad_employer_tile_key", "employer index tile " + std::to_string(id.tile) + " lies beyond any 64-bit log");
  }
  return id;
}

Result<std::vector<EmployerIndexEntry>> DecodeEmployerTile(ByteView value, std::uint64_t tile) {
  if (value.empty() || value.size() % kEmployerTileEntryBytes != 0 ||
      value.size() > kEmployerTileWidth * kEmployerTileEntryBytes) {
    return MakeError("store.bad_employer_tile", "an employer index tile of " + std::to_string(value.size()) +
                                                    " bytes (want 1 to 256 entries of 33 bytes)");
  }
  std::vector<EmployerIndexEntry> entries(value.size() / kEmployerTileEntryBytes);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const std::uint8_t* at = value.data() + i * kEmployerTileEntryBytes;
    if (i > 0 && at[0] <= (entries[i - 1].log_index % kEmployerTileWidth)) {
      return MakeError("store.bad_employer_tile", "an employer index tile whose places do not increase");
    }
    entries[i].log_index = tile * kEmployerTileWidth + at[0];
    std::memcpy(entries[i].id.data(), at + 1, 32);
  }
  return entries;
}

Result<std::vector<EmployerTileRow>> EmployerTileRows(const std::vector<EmployerIndexAddition>& additions,
                                                      const StoredEmployerTile& stored) {
  // Keyed by the row's key: tiles in key order, each employer's additions in
  // the order given (log order).
  std::map<std::string, std::vector<const EmployerIndexEntry*>> by_tile;
  std::map<CorporateNumber, std::uint64_t> last_added;  // each employer's, across its tiles
  for (const EmployerIndexAddition& a : additions) {
    auto [last, first_of_employer] = last_added.try_emplace(a.employer, a.entry.log_index);
    if (!first_of_employer && a.entry.log_index <= last->second) {
      return OutOfOrder("the employer index of " + a.employer.str() + " gets log index " + std::to_string(a.entry.log_index) +
                        " after " + std::to_string(last->second) + ": a block's additions must be in log order");
    }
    last->second = a.entry.log_index;
    by_tile[EmployerTileKey(a.employer, a.entry.log_index / kEmployerTileWidth)].push_back(&a.entry);
  }
  std::vector<EmployerTileRow> rows;
  rows.reserve(by_tile.size());
  for (auto& [key, entries] : by_tile) {
    EmployerTileRow row{key, {}};
    const std::uint64_t tile = entries.front()->log_index / kEmployerTileWidth;
    const std::uint64_t first_added = entries.front()->log_index;
    if (first_added % kEmployerTileWidth != 0) {
      auto prefix = stored(key);
      if (!prefix.ok()) return prefix.error();
      if (*prefix) {
        auto held = DecodeEmployerTile(**prefix, tile);
        if (!held.ok()) return held.error();
        // Entries at or after the first added: a block committed since the
        // caller read the tip (Commit refuses this one as stale then); not
        // this block's to keep.
        std::size_t kept = 0;
        while (kept < held->size() && (*held)[kept].log_index < first_added) ++kept;
        row.value = std::move(**prefix);
        row.value.resize(kept * kEmployerTileEntryBytes);
      }
    }
    row.value.reserve(row.value.size() + entries.size() * kEmployerTileEntryBytes);
    // In log order (checked above), after the kept stored entries (all before the first added).
    for (const EmployerIndexEntry* entry : entries) AppendEntry(row.value, *entry);
    rows.push_back(std::move(row));
  }
  return rows;
}

Status EmployerTileAssembler::Add(const CorporateNumber& employer, const EmployerIndexEntry& entry,
                                  std::vector<EmployerTileRow>& out) {
  const bool same_employer = employer_ && *employer_ == employer;
  if (same_employer && entry.log_index <= last_index_) {
    return OutOfOrder("the employer index of " + employer.str() + " lists log index " + std::to_string(entry.log_index) +
                      " after " + std::to_string(last_index_));
  }
  const std::uint64_t tile = entry.log_index / kEmployerTileWidth;
  if (!same_employer || tile != last_index_ / kEmployerTileWidth) {
    if (employer_) out.push_back(std::move(current_));
    current_ = EmployerTileRow{EmployerTileKey(employer, tile), {}};
  }
  AppendEntry(current_.value, entry);
  employer_ = employer;
  last_index_ = entry.log_index;
  return Status::Ok();
}

void EmployerTileAssembler::Finish(std::vector<EmployerTileRow>& out) {
  if (employer_) out.push_back(std::move(current_));
  employer_.reset();
}

}  // namespace jobcard::ledger
