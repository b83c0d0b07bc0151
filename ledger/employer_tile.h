// The `by_employer` index stored as tiles (store format 9, spec/storage.md):
// one row holds an employer's entries among kEmployerTileWidth consecutive
// log indexes, instead of one row per entry.
//
// Why: every career entry and headcount put a `by_employer` row (two for a
// secondment: the host's too), a million small rows for a 1 M-entry ingest,
// each paying for a memtable insert, the WAL, a flush and compactions, while
// the index is only ever scanned in log order (EmployerTxIds). An employer
// recording many entries a block now writes a row per 256 log indexes.
//
// As the log's tiles (log_tile.h), a tile's content is a function of the
// chain alone (the employer's entries among those log indexes), so a replay
// and a converted store write the same rows. A tile only grows: entries are
// appended in log order, so the tile an employer's next entry falls in is
// either new or its last tile, rewritten longer.
//
// Pure: no database here. chain_store.cpp reads and writes the rows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/result.h"
#include "ledger/identifiers.h"

namespace jobcard::ledger {

inline constexpr std::size_t kEmployerTileWidth = 256;
// Key: 't', the 法人番号's 13 digits, then the tile's number (log index /
// 256) as 8 bytes big-endian. 't' sorts after every digit, so tiles sort
// after every format-8 row (13 digits, then a log index) and a conversion's
// two kinds of rows stay apart.
inline constexpr char kEmployerTileTag = 't';
inline constexpr std::size_t kEmployerTileKeySize = 1 + 13 + 8;
// Value: per entry, the log index's place in the tile (u8) and the entry's
// id (32), places strictly increasing; 1 to 256 entries.
inline constexpr std::size_t kEmployerTileEntryBytes = 1 + 32;

std::string EmployerTileKey(const CorporateNumber& employer, std::uint64_t tile);
// The key every tile of the employer begins with.
std::string EmployerTilePrefix(const CorporateNumber& employer);

struct EmployerTileId {
  std::string employer;  // the 13 digits, as stored
  std::uint64_t tile = 0;
};
// "store.bad_employer_tile_key": not 22 bytes, or not tagged.
Result<EmployerTileId> DecodeEmployerTileKey(ByteView key);

struct EmployerIndexEntry {
  std::uint64_t log_index = 0;
  EntryId id{};
  friend bool operator==(const EmployerIndexEntry&, const EmployerIndexEntry&) = default;
};

// The entries of tile number `tile`. "store.bad_employer_tile": not a whole
// number of entries, none, more than 256, or places not strictly increasing
// (the decoder's size limit is 256 entries).
Result<std::vector<EmployerIndexEntry>> DecodeEmployerTile(ByteView value, std::uint64_t tile);

struct EmployerTileRow {
  std::string key;
  Bytes value;
};

// An entry of a block for the index: the employer it is listed under.
struct EmployerIndexAddition {
  CorporateNumber employer;
  EmployerIndexEntry entry;
};

// The stored tile with that key, if any (its value, not yet checked).
using StoredEmployerTile = std::function<Result<std::optional<Bytes>>(const std::string& key)>;

// The tile rows a block's additions change: each tile they touch, whole, its
// stored entries before the first addition followed by the new ones (stored
// entries at or after it are a block committed since the caller read the
// tip, not this block's to keep). A tile whose first addition is at place 0
// is not read (nothing can precede it). Errors: a stored tile that does not
// decode, and additions of one employer not in increasing log order
// ("store.employer_tile_order"; a block's always are).
Result<std::vector<EmployerTileRow>> EmployerTileRows(const std::vector<EmployerIndexAddition>& additions,
                                                      const StoredEmployerTile& stored);

// Builds tiles from format 8's rows, given in key order (employer, then log
// index): the conversion to format 9. Add fails ("store.employer_tile_order")
// unless each employer's log indexes increase.
class EmployerTileAssembler {
 public:
  Status Add(const CorporateNumber& employer, const EmployerIndexEntry& entry, std::vector<EmployerTileRow>& out);
  void Finish(std::vector<EmployerTileRow>& out);

 private:
  std::optional<CorporateNumber> employer_;
  std::uint64_t last_index_ = 0;
  EmployerTileRow current_;
};

}  // namespace jobcard::ledger
