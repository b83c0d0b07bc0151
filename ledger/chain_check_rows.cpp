// Step 4 of CheckChain (chain_check.h): every row of every column family of
// the stored database against the replayed chain's, in key order, and a
// name for a row a person can act on (spec/storage.md lists the layouts).
#include <algorithm>

#include "ledger/chain_check.h"
#include "ledger/employer_tile.h"
#include "ledger/encoding.h"
#include "ledger/log_tile.h"

namespace jobcard::ledger {

namespace {

constexpr std::size_t kShownBytes = 48;

// Hex of a value, cut after kShownBytes.
std::string ShownHex(ByteView value) {
  if (value.size() <= kShownBytes) return ToHex(value);
  return ToHex(value.first(kShownBytes)) + "... (" + std::to_string(value.size()) + " bytes)";
}

std::uint64_t U64At(ByteView bytes, std::size_t offset) {
  std::uint64_t v = 0;
  if (bytes.size() < offset + 8) return 0;
  for (std::size_t i = 0; i < 8; ++i) v = (v << 8) | bytes[offset + i];
  return v;
}

// bytes[offset, offset + length), clamped to what there is.
ByteView Part(ByteView bytes, std::size_t offset, std::size_t length) {
  if (offset >= bytes.size()) return {};
  return bytes.subspan(offset, std::min(length, bytes.size() - offset));
}

std::string Text(ByteView bytes) { return std::string(bytes.begin(), bytes.end()); }

struct RowName {
  std::uint64_t height;
  std::string what;
};

// The height of the transaction an index row points at (the replay knows it).
std::uint64_t HeightOfTx(const ChainStore& replay, ByteView id_bytes, std::uint64_t fallback) {
  if (id_bytes.size() != 32) return fallback;
  EntryId id{};
  std::copy(id_bytes.begin(), id_bytes.end(), id.begin());
  auto location = replay.GetTxLocation(id);
  return location ? location->height : fallback;
}

std::string StateRowName(ByteView key) {
  if (key.empty()) return "an empty state key";
  const ByteView rest = key.subspan(1);
  switch (key[0]) {
    case 'E': return "employer record " + Text(rest);
    case 'K': return "employer key index row (key -> employer) for key " + ToHex(rest);
    case 'S': return "subject record " + ToHex(rest);
    case 'k': return "subject key index row (key -> subject) for key " + ToHex(rest);
    case 'N': return "entry record " + ToHex(rest);
    case 'M': return "matcher record " + ToHex(rest);
    case 'V': return "validator set record";
    case 'H': return "headcount declaration of employer " + Text(Part(rest, 0, 13));
    default: return "unknown state row " + ToHex(key);
  }
}

// `value`: the row's value in whichever store has it.
RowName NameRow(StoreFamily family, ByteView key, ByteView value, const ChainStore& replay) {
  const std::uint64_t tip = replay.Tip().height;
  switch (family) {
    case StoreFamily::kMeta:
      return {tip, "meta record '" + Text(key) + "'"};
    case StoreFamily::kBlocks:
      return {U64At(key, 0), "block row of height " + std::to_string(U64At(key, 0))};
    case StoreFamily::kBlockHashes:
      return {U64At(value, 0), "block hash index row (hash -> height) for " + ToHex(key)};
    case StoreFamily::kCerts:
      return {U64At(key, 0), "certificate of block " + std::to_string(U64At(key, 0))};
    case StoreFamily::kTxs:
      return {U64At(value, 0), "transaction row " + ToHex(key)};
    case StoreFamily::kLogNodes:
      if (auto tile = DecodeLogTileKey(key); tile.ok()) {
        const std::uint64_t first = tile->tile * kLogTileWidth;
        return {tip, "entry log tile (level " + std::to_string(tile->level) + ", nodes " + std::to_string(first) + " to " +
                         std::to_string(first + kLogTileWidth - 1) + ")"};
      }
      return {tip, "entry log node (level " + std::to_string(key.empty() ? 0 : key[0]) + ", index " +
                       std::to_string(U64At(key, 1)) + ")"};
    case StoreFamily::kSmtNodes:
      return {tip, "state index node " + ToHex(key)};
    case StoreFamily::kSmtPages:
      return {tip, "state index page (depth " + std::to_string(key.empty() ? 0 : key[0] * 4) + ", path " + ToHex(Part(key, 1, 32)) + ")"};
    case StoreFamily::kState:
      return {tip, StateRowName(key)};
    case StoreFamily::kBySubject:
      return {HeightOfTx(replay, value, tip), "subject index row (subject " + ToHex(Part(key, 1, 32)) +
                                                  ", log index " + std::to_string(U64At(key, 33)) + ")"};
    case StoreFamily::kByEmployer:
      if (auto tile = DecodeEmployerTileKey(key); tile.ok()) {
        const std::uint64_t first = tile->tile * kEmployerTileWidth;
        return {HeightOfTx(replay, Part(value, 1, 32), tip), "employer index tile (employer " + tile->employer + ", log indexes " +
                                                                 std::to_string(first) + " to " +
                                                                 std::to_string(first + kEmployerTileWidth - 1) + ")"};
      }
      return {HeightOfTx(replay, value, tip), "employer index row (employer " + Text(Part(key, 0, 13)) +
                                                  ", log index " + std::to_string(U64At(key, 13)) + ")"};
  }
  return {tip, "row " + ToHex(key)};
}

std::string FamilyLabel(StoreFamily family) { return std::string(StoreFamilyName(family)) + " family: "; }

std::optional<CheckProblem> ReadFailure(StoreFamily family, const StoreRows& rows, std::uint64_t tip) {
  Status s = rows.status();
  if (s.ok()) return std::nullopt;
  return CheckProblem{tip, FamilyLabel(family) + "the rows cannot be read", "readable rows", s.error().message + " [" + s.error().code + "]"};
}

std::optional<CheckProblem> CompareFamily(StoreFamily family, const ChainStore& stored, const ChainStore& replay,
                                          std::uint64_t& rows_compared) {
  const std::uint64_t tip = replay.Tip().height;
  auto found = stored.Rows(family);
  auto expected = replay.Rows(family);
  for (;;) {
    if (!found->Valid()) {
      if (auto p = ReadFailure(family, *found, tip)) return p;
    }
    if (!expected->Valid()) {
      if (auto p = ReadFailure(family, *expected, tip)) return p;
    }
    if (!found->Valid() && !expected->Valid()) return std::nullopt;
    int order = 0;  // < 0: the stored row comes first (an extra row); > 0: the replay's (a missing row)
    if (!found->Valid()) {
      order = 1;
    } else if (!expected->Valid()) {
      order = -1;
    } else {
      const ByteView a = found->key(), b = expected->key();
      order = std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end())   ? -1
              : std::lexicographical_compare(b.begin(), b.end(), a.begin(), a.end()) ? 1
                                                                                     : 0;
    }
    if (order > 0) {
      RowName name = NameRow(family, expected->key(), expected->value(), replay);
      return CheckProblem{name.height, FamilyLabel(family) + name.what + " is missing", ShownHex(expected->value()), "no row"};
    }
    if (order < 0) {
      RowName name = NameRow(family, found->key(), found->value(), replay);
      return CheckProblem{name.height, FamilyLabel(family) + name.what + " is not in the replayed chain (an extra row)", "no row",
                          ShownHex(found->value())};
    }
    const ByteView a = found->value(), b = expected->value();
    if (!std::equal(a.begin(), a.end(), b.begin(), b.end())) {
      RowName name = NameRow(family, expected->key(), b, replay);
      const auto mismatch = std::mismatch(a.begin(), a.end(), b.begin(), b.end());
      const auto offset = static_cast<std::size_t>(mismatch.first - a.begin());
      return CheckProblem{name.height, FamilyLabel(family) + name.what + " differs (first at byte " + std::to_string(offset) + ")",
                          ShownHex(b), ShownHex(a)};
    }
    ++rows_compared;
    found->Next();
    expected->Next();
  }
}

}  // namespace

std::optional<CheckProblem> CompareStoreRows(const ChainStore& stored, const ChainStore& replay, std::uint64_t& rows_compared) {
  for (std::size_t f = 0; f < kStoreFamilyCount; ++f) {
    if (auto p = CompareFamily(static_cast<StoreFamily>(f), stored, replay, rows_compared)) return p;
  }
  return std::nullopt;
}

}  // namespace jobcard::ledger
