// The state index stored in pages (spec/storage.md, format 5): the nodes of
// the tree kept by position instead of by hash, four levels to a row, so that
// a block rewrites a few rows per changed key instead of putting and deleting
// one row per node on its path.
//
// A page is the part of the tree at depths 4k .. 4k+3 below one position at
// depth 4k: up to 15 nodes (1 + 2 + 4 + 8). It is keyed by that position:
// u8 k, then the first 4k bits of the path packed most significant bit first
// into ceil(4k / 8) bytes, the bits past 4k zero. Inside a page a node at
// depth 4k + r sits in slot 2^r - 1 + (its path's bits 4k .. 4k+r-1 as a
// number). The tree, its root, its hashes and its proofs are those of
// sparse_merkle.h; only where the nodes are kept changes.
//
// Rows are addressed by position, not content, so a reader must check that a
// node it reads hashes to what its parent names (PagedSmtNodeStore does): a
// walk racing a commit, or a damaged row, then gets an error, never a wrong
// node. Pure: the rows come from an SmtPageRows the caller implements.
#pragma once

#include <array>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/result.h"
#include "ledger/smt_node.h"
#include "ledger/sparse_merkle.h"

namespace jobcard::ledger {

inline constexpr std::size_t kSmtPageLevels = 4;
inline constexpr std::size_t kSmtPageSlots = 15;  // 1 + 2 + 4 + 8

// The row key of the page holding the node at `at`, and its slot there.
Bytes SmtPageKey(const SmtNodePosition& at);
std::size_t SmtPageSlot(const SmtNodePosition& at);

// A page key as a fixed-width value, for hash tables of rows (the page-row
// cache, the backlog): u8 k then ceil(4k / 8) bytes, k <= 64, is at most 33
// bytes; zero-padded to 33 (k fixes the length, so the padding is
// unambiguous). nullopt for bytes that are not a page key.
using SmtPageRowKey = FixedBytes<33>;
std::optional<SmtPageRowKey> PackSmtPageKey(ByteView key);
// The key's bytes inside a packed key.
inline ByteView SmtPageKeyBytes(const SmtPageRowKey& key) { return ByteView(key.data(), 1 + (4u * key[0] + 7) / 8); }

struct SmtPage {
  std::array<std::optional<SmtNode>, kSmtPageSlots> slots;
  bool empty() const;
  bool operator==(const SmtPage&) const = default;
};

// u16 bitmap of the occupied slots (bit i = slot i, bit 15 zero), then each
// occupied slot's EncodeSmtNode in slot order. An empty page is never stored.
// Decode errors: encoding.truncated, encoding.trailing_bytes, smt.bad_node,
// smt.bad_page (bit 15 set, or no slot occupied).
Bytes EncodeSmtPage(const SmtPage& page);
Result<SmtPage> DecodeSmtPage(ByteView bytes);
// The same, into `page` (every slot set or cleared), without the copies a
// returned page costs: ~1 KB copied three or four times for each page a
// block reads. On an error `page` is left part-written.
Status DecodeSmtPageInto(ByteView bytes, SmtPage& page);
// DecodeSmtPageInto for the row stored under `key`: its error names the page.
Status DecodeStoredSmtPage(ByteView key, ByteView row, SmtPage& page);

// Where page rows are read from (a RocksDB family, a map in tests).
class SmtPageRows {
 public:
  virtual ~SmtPageRows() = default;
  // nullopt: no such row. An error: the read failed.
  virtual Result<std::optional<Bytes>> GetPageRow(ByteView key) const = 0;
  // The page under `key` decoded into `page`: false, and `page` untouched,
  // when there is no row. Errors: a failed read, or the row's decode error
  // (its code, the page named in the message). This default decodes
  // GetPageRow's row; a source that holds its rows in memory (the backlog)
  // decodes the row where it lies, without copying it out first.
  virtual Result<bool> ReadPageInto(ByteView key, SmtPage& page) const;
};

// The page stored under `key` in `rows`, decoded; nullopt when there is no
// row. Errors: those of ReadPageInto.
Result<std::optional<SmtPage>> ReadSmtPage(const SmtPageRows& rows, ByteView key);

// The node in slot `slot` of `page` (nullptr: no such page), the page keyed
// `key`, if it hashes to `hash`, what its parent names; otherwise
// smt.missing_node (no page, or an empty slot) or smt.node_mismatch.
Result<SmtNode> CheckedSmtPageNode(const SmtPage* page, ByteView key, std::size_t slot, const Hash32& hash);

// An SmtNodeStore over page rows: GetNode reads the page at the node's
// position and returns the node there only if it hashes to `hash`
// (otherwise smt.missing_node when the slot or page is empty,
// smt.node_mismatch when it holds another node). Keeps the last page it
// decoded at each page level, since a walk reads up to four nodes of a page
// and comes back up to it after the subtrees below; so one
// object serves one walk (not thread-safe), and a walk racing a commit can
// see a page from before it: the hash check turns that into an error and the
// caller walks again.
class PagedSmtNodeStore final : public SmtNodeStore {
 public:
  explicit PagedSmtNodeStore(const SmtPageRows& rows) : rows_(rows) { held_.reserve(kSmtDepth / kSmtPageLevels + 1); }
  Result<SmtNode> GetNode(const Hash32& hash, const SmtNodePosition& at) const override;

 private:
  Result<const SmtPage*> PageAt(const Bytes& key) const;

  // The last page read at each page level (index k for depths 4k..4k+3),
  // or that there was no row; grown as deeper levels are reached, within
  // room reserved for all 65 up front, so that the pointers PageAt hands
  // out stay valid. A walk is depth first, so when it
  // comes back up to a page it still finds it here: keeping only the last
  // page read made the walk read and decode an upper page again after the
  // subtrees below it (BENCHMARKS.md, "Session 21").
  struct HeldPage {
    bool read = false;
    Bytes key;
    std::optional<SmtPage> page;
  };
  const SmtPageRows& rows_;
  mutable std::vector<HeldPage> held_;
};

// A row to write: the page's encoding, or nullopt to delete the row (the
// page was left empty).
using SmtPageWrites = std::vector<std::pair<Bytes, std::optional<Bytes>>>;

// The rows a store of pages holding `update`'s old tree must write to hold
// its new one (the store computes them with SmtApplyToPages, in one pass,
// smt_page_update.h; this is the two-pass reference its tests check it
// against): each page with a vacated or placed position, read from `rows`
// (as stored: unchecked, its untouched nodes are carried over), emptied at
// the vacated slots, filled at the placed ones. Sorted by key. Errors: a
// failed read, or a stored page that does not decode.
Result<SmtPageWrites> SmtPageChanges(const SmtPageRows& rows, const SmtUpdate& update);

// Every page of the tree under `root`, read through `nodes`, one page at a
// time (depth first, so memory stays bounded by the tree's depth):
// `visit(key, page)` for each; its error stops the walk and is returned.
Status ForEachSmtPage(const SmtNodeStore& nodes, const Hash32& root,
                      const std::function<Status(const Bytes& key, const SmtPage& page)>& visit);

}  // namespace jobcard::ledger
