#include "ledger/chain_store.h"

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/sst_file_manager.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>

#include "ledger/byte_bounded_cache.h"
#include "ledger/disk_reserve.h"
#include "ledger/sorted_write_batch.h"
#include "ledger/employer_tile.h"
#include "ledger/encoding.h"
#include "ledger/log_node_store.h"
#include "ledger/log_tile.h"
#include "ledger/merkle_log.h"
#include "ledger/merkle_log_tree.h"
#include "ledger/smt_page.h"
#include "ledger/smt_page_update.h"
#include "ledger/smt_page_backlog.h"
#include "ledger/smt_page_cache.h"
#include "ledger/sparse_merkle.h"

namespace jobcard::ledger {

namespace {

enum Cf : std::size_t { kMeta, kBlocks, kBlockHashes, kCerts, kTxs, kLogNodes, kSmtNodes, kState, kBySubject, kByEmployer, kSmtPages, kCfCount };
// "default" is RocksDB's default column family (rocksdb::kDefaultColumnFamilyName).
constexpr const char* kCfNames[kCfCount] = {"default", "blocks", "block_hashes", "certs", "txs",
                                        "log_nodes", "smt_nodes", "state", "by_subject", "by_employer", "smt_pages"};

// 2: adds the subject key index ('k' rows); 3: the validator-set changes
// (meta "vset" rows); 4: only the tip's state-index nodes are kept; 5: they
// are kept in pages (smt_page.h) in `smt_pages`, `smt_nodes` is empty;
// 6: `by_subject` is empty (a subject's history is its record's entry
// list); 7: an entry record row only for a marked entry (EntryRecordOf
// makes the others from their transactions); 8: a block's state-index pages
// may wait in memory for a later block to write them, the block writing its
// state-index changes in a meta row instead (smt_page_backlog.h); 9: the
// entry log's nodes and `by_employer` in tiles (log_tile.h,
// employer_tile.h); spec/storage.md, Format versions.
constexpr std::uint32_t kStoreFormat = 9;
constexpr std::uint32_t kSubjectKeyIndexFormat = 2;
constexpr std::uint32_t kValidatorSetChangesFormat = 3;  // RecordValidatorSetChanges
constexpr std::uint32_t kStatePagesFormat = 5;           // WriteStatePages
constexpr std::uint32_t kNoSubjectIndexFormat = 6;       // DropSubjectIndex
constexpr std::uint32_t kMarkedEntriesOnlyFormat = 7;    // DropUnmarkedEntryRecords
constexpr std::uint32_t kPageBacklogFormat = 8;          // nothing to convert: only the format row
constexpr std::uint32_t kTilesFormat = 9;                // ConvertToTiles
const std::string kTipKey = "tip";
const std::string kGenesisKey = "genesis";
const std::string kFormatKey = "format";
// Present while the format 6 -> 7 upgrade deletes rows (DropUnmarkedEntryRecords).
const std::string kDroppingEntryRecordsKey = "upgrade.dropping_entry_records";

// A failed read of committed data cannot be worked around: serving or
// validating on top of a partial view would be wrong. Crash loudly; the
// operator sees the message and `jobcard node check` tells more.
constexpr const char* kCheckHint = "the database may be damaged: stop the node and run `jobcard node check --home HOME`";
[[noreturn]] void FatalStorage(const std::string& what, const rocksdb::Status& s) {
  std::fprintf(stderr, "fatal: storage: %s: %s\n%s\n", what.c_str(), s.ToString().c_str(), kCheckHint);
  std::abort();
}
[[noreturn]] void FatalCorrupt(const std::string& what) {
  std::fprintf(stderr, "fatal: storage: corrupt record: %s\n%s\n", what.c_str(), kCheckHint);
  std::abort();
}

// A RocksDB failure as an error with a stable code: a damaged file
// (store.corrupt; RocksDB's message names the file), the database held by
// another process (store.locked), anything else (store.io).
Error StorageError(const std::string& what, const rocksdb::Status& s) {
  const std::string detail = s.ToString();
  if (s.IsCorruption()) return Error{"store.corrupt", what + ": " + detail};
  if (s.IsIOError() && detail.find("LOCK") != std::string::npos) {
    return Error{"store.locked", what + ": the database is in use by another process (is the node running?): " + detail};
  }
  return Error{"store.io", what + ": " + detail};
}

std::string Key(char prefix, ByteView bytes) {
  std::string k(1, prefix);
  k.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return k;
}
std::string CorpKey(char prefix, const CorporateNumber& c) { return std::string(1, prefix) + c.str(); }
std::string HeightKey(std::uint64_t h) {
  Writer w;
  w.U64(h);
  return std::string(w.bytes().begin(), w.bytes().end());
}
// meta: the set after the block at `height`, when it differs from the set
// that certified that block.
const std::string kSetChangePrefix = "vset";
std::string SetChangeKey(std::uint64_t height) { return kSetChangePrefix + HeightKey(height); }
// meta: a block whose state-index pages are in the backlog, not yet in
// `smt_pages`: its state-index changes (EncodeBlockStateChanges).
const std::string kBacklogPrefix = "smt.pending";
std::string BacklogKey(std::uint64_t height) { return kBacklogPrefix + HeightKey(height); }
// A block's batch, reserved up front (Commit).
constexpr std::size_t kBatchBytesPerTx = 1536;
constexpr std::size_t kBatchBytesPerBlock = 64u << 10;
// Byte estimates for the caches: the value, its key and about 96 bytes of
// list and map bookkeeping per entry.
constexpr std::size_t kCacheSlotOverhead = 96;
std::size_t SubjectBytes(const SubjectRecord& r) {
  return sizeof(SubjectId) + sizeof(SubjectRecord) + r.entries.size() * sizeof(SubjectEntryRef) + kCacheSlotOverhead;
}
std::size_t EmployerBytes(const EmployerRecord& r) {
  return sizeof(CorporateNumber) + sizeof(EmployerRecord) + r.name.size() + r.keys.size() * sizeof(EmployerKeyRecord) +
         kCacheSlotOverhead;
}

rocksdb::Slice AsSlice(const Bytes& b) { return rocksdb::Slice(reinterpret_cast<const char*>(b.data()), b.size()); }
ByteView AsView(const std::string& s) { return ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()); }

Bytes EncodeTip(const ChainTip& t) {
  Writer w;
  w.U64(t.height).Fixed(t.block_hash).U64(t.time_ms).Fixed(t.state_root).Fixed(t.log_root).U64(t.log_size);
  return std::move(w).take();
}
Result<ChainTip> DecodeTip(ByteView b) {
  Reader r(b);
  ChainTip t;
  r.U64(t.height);
  r.Fixed(t.block_hash);
  r.U64(t.time_ms);
  r.Fixed(t.state_root);
  r.Fixed(t.log_root);
  r.U64(t.log_size);
  Status s = r.Finish();
  if (!s.ok()) return s.error();
  return t;
}

}  // namespace

struct ChainStore::Db {
  std::unique_ptr<rocksdb::DB> db;
  std::string dir;
  std::uint64_t min_free_bytes = 0;  // StoreOpenOptions::min_free_bytes
  std::function<std::optional<std::uint64_t>(const std::string&)> available_disk_bytes;
  std::vector<rocksdb::ColumnFamilyHandle*> cfs;
  // Gates compactions by the room the next block leaves (disk_reserve.h,
  // CompactionRoom); null without a reserve.
  std::shared_ptr<rocksdb::SstFileManager> table_files;
  std::uint64_t max_table_bytes = 0;  // the allowed total last set on it (Commit only)
  mutable std::mutex tip_mutex;
  ChainTip tip;
  std::atomic<std::uint64_t> commit_sequence{0};
  // The records blocks read and write most, kept across blocks (chain_store.h, Caches).
  mutable ByteBoundedCache<SubjectId, SubjectRecord> subjects{kRecordCacheBytes, &SubjectBytes};
  mutable ByteBoundedCache<CorporateNumber, EmployerRecord> employers{kRecordCacheBytes / 8, &EmployerBytes};
  // The state index's page rows by position (smt_page_cache.h).
  mutable SmtPageRowCache smt_page_rows{kSmtPageCacheBytes};
  // Page rows committed but not yet in `smt_pages` (smt_page_backlog.h), and
  // the blocks whose rows they are, each with a BacklogKey row; the
  // heights are the writer's alone. Written back when it holds
  // `write_back_blocks` blocks, `max_backlog_bytes` of pages, or blocks
  // whose changes rows hold `max_backlog_changes_bytes` (what a rebuild at
  // open reads).
  SmtPageBacklog page_backlog;
  std::vector<std::uint64_t> backlog_heights;
  std::size_t backlog_changes_bytes = 0;
  std::uint32_t write_back_blocks = kStatePageWriteBackBlocks;
  std::size_t max_backlog_bytes = kMaxPageBacklogBytes;
  std::size_t max_backlog_changes_bytes = kMaxStateChangesBacklogBytes;
  std::uint64_t rebuilt_page_blocks = 0;  // RebuildPageBacklog, at Open

  ~Db() {
    for (auto* h : cfs) {
      if (h) db->DestroyColumnFamilyHandle(h);
    }
  }

  std::optional<std::string> Get(Cf cf, const rocksdb::Slice& key) const {
    auto value = TryGet(cf, key);
    if (!value.ok()) {
      std::fprintf(stderr, "fatal: storage: %s\n%s\n", value.error().message.c_str(), kCheckHint);
      std::abort();
    }
    return std::move(*value);
  }
  // For opening and checking: a failed read is an error, not an abort.
  Result<std::optional<std::string>> TryGet(Cf cf, const rocksdb::Slice& key) const {
    std::string value;
    rocksdb::Status s = db->Get(rocksdb::ReadOptions(), cfs[cf], key, &value);
    if (s.IsNotFound()) return std::optional<std::string>();
    if (!s.ok()) return StorageError(std::string("read from ") + kCfNames[cf], s);
    return std::optional<std::string>(std::move(value));
  }
};

struct PreparedBlock::Impl {
  // The entry log's tiles the block's appended nodes change (log_tile.h).
  std::vector<LogTileRow> log_tiles;
  // The `by_employer` tiles its entries and headcounts change (employer_tile.h).
  std::vector<EmployerTileRow> employer_tiles;
  // The state-index pages the block rewrites or deletes (smt_page.h); only
  // the tip's tree is kept, since proofs are served against its root only.
  SmtPageWrites smt_page_writes;
  // The block's state-index changes: its changes row while its pages wait
  // in the backlog (smt_page_backlog.h).
  SmtChanges state_changes;
  std::vector<ValidatorRecord> validators_after;
};

namespace {

// What a block adds to `by_employer`: each career entry under its employer
// (and a secondment's host), each headcount under its employer, in log order.
std::vector<EmployerIndexAddition> EmployerIndexAdditions(const std::vector<Tx>& txs, const StateDelta& delta) {
  std::vector<EmployerIndexAddition> out;
  out.reserve(txs.size());
  for (std::size_t i = 0; i < txs.size(); ++i) {
    const EntryId& id = delta.log_appends[i];
    const std::uint64_t log_index = delta.tx_locations.at(id).log_index;
    if (const auto* e = std::get_if<CareerEntry>(&txs[i].body)) {
      out.push_back({e->employer, {log_index, id}});
      if (e->host_employer != CorporateNumber{}) out.push_back({e->host_employer, {log_index, id}});
    } else if (const auto* hc = std::get_if<Headcount>(&txs[i].body)) {
      out.push_back({hc->employer, {log_index, id}});
    }
  }
  return out;
}

class StoredLogNodes final : public LogNodeStore {
 public:
  explicit StoredLogNodes(const ChainStore::Db& db) : db_(db) {}
  // From format 9 a node is read from its tile (log_tile.h).
  std::optional<Hash32> Get(std::uint8_t level, std::uint64_t index) const override {
    auto v = Tile(TileOf(level, index));
    if (!v) return std::nullopt;
    if (!LogTileCount(AsView(*v)).ok()) FatalCorrupt("entry log tile");
    return HashInLogTile(AsView(*v), index);
  }
  std::optional<std::string> Tile(LogTileId id) const {
    auto key = EncodeLogTileKey(id);
    return db_.Get(kLogNodes, rocksdb::Slice(reinterpret_cast<const char*>(key.data()), key.size()));
  }

 private:
  const ChainStore::Db& db_;
};

class DatabasePageRows final : public SmtPageRows {
 public:
  explicit DatabasePageRows(const ChainStore::Db& db) : db_(db) {}
  Result<std::optional<Bytes>> GetPageRow(ByteView key) const override {
    auto v = db_.Get(kSmtPages, rocksdb::Slice(reinterpret_cast<const char*>(key.data()), key.size()));
    if (!v) return std::optional<Bytes>();
    return std::optional<Bytes>(Bytes(v->begin(), v->end()));
  }

 private:
  const ChainStore::Db& db_;
};

// The tip's page rows: the backlog, the page cache, then the database.
class StoredPageRows final : public SmtPageRows {
 public:
  explicit StoredPageRows(const ChainStore::Db& db)
      : database_(db), cached_(database_, db.smt_page_rows), backlogged_(db.page_backlog, cached_) {}
  StoredPageRows(const StoredPageRows&) = delete;  // the layers refer to each other
  StoredPageRows& operator=(const StoredPageRows&) = delete;
  Result<std::optional<Bytes>> GetPageRow(ByteView key) const override { return backlogged_.GetPageRow(key); }
  // Forwarded too, so that a row waiting in the backlog is decoded where it
  // lies instead of copied out first (the default's GetPageRow).
  Result<bool> ReadPageInto(ByteView key, SmtPage& page) const override { return backlogged_.ReadPageInto(key, page); }

 private:
  DatabasePageRows database_;
  CachedSmtPageRows cached_;
  BackloggedSmtPageRows backlogged_;
};

// The tip's state index (format 5): its pages, through the page-row cache,
// each node checked against the hash its parent names before use. One
// object per walk (PagedSmtNodeStore keeps the last page it read at each
// page level). Until
// session 14 a cache of nodes by hash sat in front; with SHA-256 on the
// CPU's instructions the check costs less than that cache's upkeep
// (BENCHMARKS.md, "Session 14").
class StoredSmtNodes final : public SmtNodeStore {
 public:
  explicit StoredSmtNodes(const ChainStore::Db& db) : rows_(db), pages_(rows_) {}
  Result<SmtNode> GetNode(const Hash32& hash, const SmtNodePosition& at) const override { return pages_.GetNode(hash, at); }

 private:
  StoredPageRows rows_;
  PagedSmtNodeStore pages_;
};

// A format-4 store's state index, content-addressed in `smt_nodes`; read
// once, by the upgrade to format 5 (WriteStatePages).
class Format4SmtNodes final : public SmtNodeStore {
 public:
  explicit Format4SmtNodes(const ChainStore::Db& db) : db_(db) {}
  Result<SmtNode> GetNode(const Hash32& hash, const SmtNodePosition&) const override {
    auto v = db_.TryGet(kSmtNodes, rocksdb::Slice(reinterpret_cast<const char*>(hash.data()), hash.size()));
    if (!v.ok()) return v.error();
    if (!*v) return MakeError("smt.missing_node", "state index node " + ToHex(hash).substr(0, 16) + " is missing");
    auto node = DecodeSmtNode(AsView(**v));
    if (node.ok() && SmtNodeHash(*node) != hash) {
      return MakeError("smt.node_mismatch", "the row of state index node " + ToHex(hash).substr(0, 16) + " holds another node");
    }
    return node;
  }

 private:
  const ChainStore::Db& db_;
};

void PutRecord(rocksdb::WriteBatch& batch, rocksdb::ColumnFamilyHandle* cf, const std::string& key, const Bytes& value) {
  batch.Put(cf, key, AsSlice(value));
}

// Writes a state delta's records (not the derived tree nodes).
void WriteDelta(rocksdb::WriteBatch& batch, const std::vector<rocksdb::ColumnFamilyHandle*>& cfs, const StateDelta& d) {
  auto* state = cfs[kState];
  for (const auto& [id, rec] : d.employers) PutRecord(batch, state, CorpKey('E', id), EncodeEmployer(rec));
  for (const auto& [key, owner] : d.key_owners) batch.Put(state, Key('K', key), owner.str());
  for (const auto& [id, rec] : d.subjects) PutRecord(batch, state, Key('S', id), EncodeSubject(rec));
  for (const auto& [key, subject] : d.subject_keys) {
    if (subject) {
      batch.Put(state, Key('k', key), rocksdb::Slice(reinterpret_cast<const char*>(subject->data()), subject->size()));
    } else {
      batch.Delete(state, Key('k', key));
    }
  }
  // Format 7: an unmarked record is its transaction's (GetEntry), and marks
  // are never taken back, so only a marked record needs a row.
  for (const auto& [id, rec] : d.entries) {
    if (IsMarked(rec)) PutRecord(batch, state, Key('N', id), EncodeEntry(rec));
  }
  for (const auto& [key, rec] : d.matchers) PutRecord(batch, state, Key('M', key), EncodeMatcher(rec));
  for (const auto& h : d.headcounts) {
    Writer k;
    k.U8('H').Raw(AsBytes(h.employer.str())).U16(h.as_of.year).U8(h.as_of.month).U8(h.as_of.day).Fixed(h.id);
    PutRecord(batch, state, std::string(k.bytes().begin(), k.bytes().end()), EncodeHeadcount(h));
  }
  if (d.validators) PutRecord(batch, state, "V", EncodeValidators(*d.validators));
}

Result<std::uint64_t> StoredFormat(const ChainStore::Db& db) {
  auto row = db.TryGet(kMeta, kFormatKey);
  if (!row.ok()) return row.error();
  const auto& v = *row;
  if (!v) return MakeError("store.corrupt", "the database has no format record");
  Reader r(AsView(*v));
  std::uint64_t format = 0;
  r.U64(format);
  if (!r.Finish().ok()) return MakeError("store.corrupt", "the format record is unreadable");
  if (format == 0 || format > kStoreFormat) {
    return MakeError("store.unsupported_format", "the database has store format " + std::to_string(format) +
                                                     "; this build reads formats 1 to " + std::to_string(kStoreFormat));
  }
  return format;
}

// Format 1 -> 2: the subject key index, from the subject records (each holds
// its current key), written in batches of kKeyIndexBatchRows so that memory
// stays bounded however many subjects there are; format 2 goes last, in
// the final synced batch. Interrupted, the store is still format 1 and the
// next Open writes the same rows again.
constexpr std::size_t kKeyIndexBatchRows = 10000;

// The prefix that groups memtable insert hints (Open): one hint for a whole
// family, and none for a range deletion. RocksDB keeps one map of hints per
// memtable, shared by its skip list of rows and its skip list of range
// deletions, so a range deletion given the rows' hint would start its insert
// from a position in the other list: Debian's RocksDB 7.8 fails an assertion
// there (ChainStoreTest's format upgrades met it), and without the assertion
// the list would be corrupted. Every range deletion the store writes begins
// at the empty key (DeleteEveryRow), which is outside this domain; a row
// with the empty key, were there one, would only go in without a hint.
class InsertHintForWholeFamily final : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "jobcard.InsertHintForWholeFamily"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override { return rocksdb::Slice(key.data(), 0); }
  bool InDomain(const rocksdb::Slice& key) const override { return !key.empty(); }
};

// The only range deletion the store writes: every row of a family, from the
// empty key (which keeps it out of the insert hints, above) to `past_every_key`.
void DeleteEveryRow(rocksdb::WriteBatch& batch, rocksdb::ColumnFamilyHandle* cf, const std::string& past_every_key) {
  batch.DeleteRange(cf, rocksdb::Slice(), past_every_key);
}

// Writes one batch of a format upgrade and empties it; the last is synced.
Status WriteUpgradeBatch(const ChainStore::Db& db, rocksdb::WriteBatch& batch, bool sync, const char* what) {
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  rocksdb::Status s = db.db->Write(wo, &batch);
  if (!s.ok()) return MakeError("store.io", std::string(what) + " failed: " + s.ToString());
  batch.Clear();
  return Status::Ok();
}

Status BuildSubjectKeyIndex(const ChainStore::Db& db) {
  rocksdb::WriteBatch batch;
  auto write = [&](bool sync) { return WriteUpgradeBatch(db, batch, sync, "writing the subject key index"); };
  std::unique_ptr<rocksdb::Iterator> it(db.db->NewIterator(rocksdb::ReadOptions(), db.cfs[kState]));
  for (it->Seek("S"); it->Valid() && it->key().starts_with("S"); it->Next()) {
    auto subject = DecodeSubject(ByteView(reinterpret_cast<const std::uint8_t*>(it->value().data()), it->value().size()));
    if (!subject.ok()) return MakeError("store.corrupt", "a subject record is unreadable: " + subject.error().message);
    batch.Put(db.cfs[kState], Key('k', subject->key), rocksdb::Slice(reinterpret_cast<const char*>(subject->id.data()), 32));
    if (static_cast<std::size_t>(batch.Count()) >= kKeyIndexBatchRows) JOBCARD_TRY_STATUS(write(/*sync=*/false));
  }
  if (!it->status().ok()) return MakeError("store.io", "reading the subject records failed: " + it->status().ToString());
  batch.Put(db.cfs[kMeta], kFormatKey, HeightKey(kSubjectKeyIndexFormat));
  return write(/*sync=*/true);
}

SmtChanges StateIndexChanges(const StateDelta& d) {
  SmtChanges changes;
  changes.reserve(d.subjects.size() + d.employers.size());
  for (const auto& [id, rec] : d.subjects) changes.emplace_back(SubjectStateKey(id), SubjectStateValue(rec));
  for (const auto& [id, rec] : d.employers) changes.emplace_back(EmployerStateKey(id), EmployerStateValue(rec));
  return changes;
}

// A page is rewritten many times, so it is deleted with Delete, not
// SingleDelete (which requires exactly one put before it).
void WriteSmtPages(rocksdb::WriteBatch& batch, rocksdb::ColumnFamilyHandle* cf, const SmtPageWrites& writes) {
  for (const auto& [key, page] : writes) {
    const rocksdb::Slice k(reinterpret_cast<const char*>(key.data()), key.size());
    if (page) {
      batch.Put(cf, k, AsSlice(*page));
    } else {
      batch.Delete(cf, k);
    }
  }
}

// Every backlog row that `block_writes` (sorted by key) does not rewrite,
// and the deletion of every backlogged block's changes row: with
// `block_writes` also written, `smt_pages` then holds the tree of the block
// being committed (or, with none, of the tip).
void WriteBacklog(rocksdb::WriteBatch& batch, const ChainStore::Db& db, const SmtPageWrites& block_writes) {
  auto* pages = db.cfs[kSmtPages];
  db.page_backlog.ForEach([&](const SmtPageRowKey& packed, const std::optional<Bytes>& row) {
    const ByteView key = SmtPageKeyBytes(packed);
    auto later = std::lower_bound(block_writes.begin(), block_writes.end(), key, [](const auto& write, ByteView k) {
      return std::lexicographical_compare(write.first.begin(), write.first.end(), k.begin(), k.end());
    });
    if (later != block_writes.end() && std::equal(later->first.begin(), later->first.end(), key.begin(), key.end())) return;
    const rocksdb::Slice k(reinterpret_cast<const char*>(key.data()), key.size());
    if (row) {
      batch.Put(pages, k, AsSlice(*row));
    } else {
      batch.Delete(pages, k);
    }
  });
  for (std::uint64_t height : db.backlog_heights) batch.Delete(db.cfs[kMeta], BacklogKey(height));
}

// Bytes held in memtables, not yet in table files (ChainStore::UnflushedBytes).
std::uint64_t UnflushedBytesOf(const ChainStore::Db& db) {
  std::uint64_t bytes = 0;
  if (!db.db->GetAggregatedIntProperty(rocksdb::DB::Properties::kCurSizeAllMemTables, &bytes)) return 0;
  return bytes;
}

// For a write of the state index's pages outside a block (WriteBackStatePages,
// RebuildPageBacklog): the disk reserve, as Commit judges it
// (disk_reserve.h), so that a stop or a start on a nearly full disk refuses
// with store.no_space instead of running RocksDB out of space.
Status JudgePageWriteRoom(const ChainStore::Db& db, const rocksdb::WriteBatch& batch) {
  if (db.min_free_bytes == 0) return Status::Ok();
  return JudgeDiskReserve(db.available_disk_bytes(db.dir), db.min_free_bytes,
                          BytesABlockWriteNeeds(batch.GetDataSize(), UnflushedBytesOf(db)), db.dir);
}

// Format 4 -> 5: the pages of the tip's tree (read from `smt_nodes`, each
// node checked against its parent's hash) written into `smt_pages` in
// batches of kKeyIndexBatchRows rows; the first batch first drops any page an
// interrupted run left. The last, synced batch removes every `smt_nodes` row
// (one range deletion) and records format 5, so an interrupted run leaves a
// format-4 store that the next Open upgrades again. Older formats keep the
// nodes of earlier roots in `smt_nodes` too: the walk skips them and the
// range deletion removes them (what the format 3 -> 4 pruning did).
// It writes `smt_pages` without telling the page-row cache: it runs inside
// Open, before anything has read a page through the cache, which is empty.
// Keys past every row: pages are u8 (0..64) || up to 32 bytes, nodes 32 bytes.
const std::string kPastEveryPageKey(1, '\xff');
const std::string kPastEveryNodeKey(33, '\xff');

Status WriteStatePages(const ChainStore::Db& db, const Hash32& tip_root) {
  rocksdb::WriteBatch batch;
  auto write = [&](bool sync) { return WriteUpgradeBatch(db, batch, sync, "writing the state index pages"); };
  DeleteEveryRow(batch, db.cfs[kSmtPages], kPastEveryPageKey);
  const Format4SmtNodes nodes(db);
  Status walked = ForEachSmtPage(nodes, tip_root, [&](const Bytes& key, const SmtPage& page) -> Status {
    batch.Put(db.cfs[kSmtPages], rocksdb::Slice(reinterpret_cast<const char*>(key.data()), key.size()), AsSlice(EncodeSmtPage(page)));
    if (static_cast<std::size_t>(batch.Count()) >= kKeyIndexBatchRows) return write(/*sync=*/false);
    return Status::Ok();
  });
  if (!walked.ok()) {
    if (walked.error().code == "store.io") return walked;
    return MakeError("store.corrupt", "the tip's state index is incomplete: " + walked.error().message);
  }
  DeleteEveryRow(batch, db.cfs[kSmtNodes], kPastEveryNodeKey);
  batch.Put(db.cfs[kMeta], kFormatKey, HeightKey(kStatePagesFormat));
  JOBCARD_TRY_STATUS(write(/*sync=*/true));
  // Give the old rows' disk space back now rather than at some later compaction.
  rocksdb::CompactRangeOptions compact;
  const rocksdb::Status compacted = db.db->CompactRange(compact, db.cfs[kSmtNodes], nullptr, nullptr);
  (void)compacted;  // the upgrade is complete; the space comes back at a later compaction otherwise
  return Status::Ok();
}

// Format 5 -> 6: `by_subject` held (subject, log index) -> tx id for every
// career entry, which the subject's record already lists in the same order.
// One synced batch: a range deletion of every row and format 6; interrupted,
// the store is still format 5 and the next Open does it again.
// Keys past every row: 's' || 32 bytes || 8 bytes.
const std::string kPastEverySubjectIndexKey(1, '\xff');

Status DropSubjectIndex(const ChainStore::Db& db) {
  rocksdb::WriteBatch batch;
  DeleteEveryRow(batch, db.cfs[kBySubject], kPastEverySubjectIndexKey);
  batch.Put(db.cfs[kMeta], kFormatKey, HeightKey(kNoSubjectIndexFormat));
  JOBCARD_TRY_STATUS(WriteUpgradeBatch(db, batch, /*sync=*/true, "dropping the subject index"));
  rocksdb::CompactRangeOptions compact;
  const rocksdb::Status compacted = db.db->CompactRange(compact, db.cfs[kBySubject], nullptr, nullptr);
  (void)compacted;  // as in WriteStatePages: the space comes back at a later compaction otherwise
  return Status::Ok();
}

// Calls `visit` with each `'N'` row's key and record, in key order; a row
// that does not decode is store.corrupt, naming the record.
template <typename Visit>
Status ForEachEntryRecord(const ChainStore::Db& db, Visit visit) {
  std::unique_ptr<rocksdb::Iterator> it(db.db->NewIterator(rocksdb::ReadOptions(), db.cfs[kState]));
  for (it->Seek("N"); it->Valid() && it->key().starts_with("N"); it->Next()) {
    const ByteView key(reinterpret_cast<const std::uint8_t*>(it->key().data()), it->key().size());
    auto record = DecodeEntry(ByteView(reinterpret_cast<const std::uint8_t*>(it->value().data()), it->value().size()));
    if (!record.ok()) {
      return MakeError("store.corrupt", "entry record " + ToHex(key.subspan(1)) + " is unreadable (" + record.error().message +
                                            "): the database is damaged; restore the data directory from a backup "
                                            "(a validator can also start over from an empty one and sync)");
    }
    JOBCARD_TRY_STATUS(visit(it->key(), *record));
  }
  if (!it->status().ok()) return StorageError("reading the entry records", it->status());
  return Status::Ok();
}

// Format 6 -> 7: every career entry had an `'N'` record; now only a record a
// later entry marked (closed, superseded, disputed) has one, and any other
// is read from its transaction. First every row is read (a damaged one
// stops the open with nothing changed). A ledger has one row per entry, so
// the deletions go in batches of kUpgradeBatchRows, not one batch of any
// size: one synced batch first records format 7 and a marker (from there an
// older build refuses the store, which would miss the deleted rows, and an
// Open that finds the marker does this again); the marker goes last,
// synced. Every row deleted equals what its transaction gives (GetEntry),
// so a store part-way through reads the same.
constexpr std::size_t kUpgradeBatchRows = 10000;

Status DropUnmarkedEntryRecords(const ChainStore::Db& db) {
  JOBCARD_TRY_STATUS(ForEachEntryRecord(db, [](const rocksdb::Slice&, const EntryRecord&) { return Status::Ok(); }));
  {
    rocksdb::WriteBatch start;
    start.Put(db.cfs[kMeta], kFormatKey, HeightKey(kMarkedEntriesOnlyFormat));
    start.Put(db.cfs[kMeta], kDroppingEntryRecordsKey, "");
    JOBCARD_TRY_STATUS(WriteUpgradeBatch(db, start, /*sync=*/true, "starting to drop the unmarked entry records"));
  }
  rocksdb::WriteBatch batch;
  std::uint64_t dropped = 0;
  JOBCARD_TRY_STATUS(ForEachEntryRecord(db, [&](const rocksdb::Slice& key, const EntryRecord& record) {
    if (IsMarked(record)) return Status::Ok();
    batch.Delete(db.cfs[kState], key);
    ++dropped;
    if (batch.Count() < kUpgradeBatchRows) return Status::Ok();
    return WriteUpgradeBatch(db, batch, /*sync=*/false, "dropping the unmarked entry records");
  }));
  batch.Delete(db.cfs[kMeta], kDroppingEntryRecordsKey);
  JOBCARD_TRY_STATUS(WriteUpgradeBatch(db, batch, /*sync=*/true, "dropping the unmarked entry records"));
  if (dropped > 0) {
    const rocksdb::Slice begin("N"), end("O");
    rocksdb::CompactRangeOptions compact;
    const rocksdb::Status compacted = db.db->CompactRange(compact, db.cfs[kState], &begin, &end);
    (void)compacted;  // as in WriteStatePages: the space comes back at a later compaction otherwise
  }
  return Status::Ok();
}

}  // namespace

ChainStore::ChainStore(Genesis genesis, std::unique_ptr<Db> db) : genesis_(std::move(genesis)), db_(std::move(db)) {}
ChainStore::~ChainStore() = default;

namespace {

// A directory with database files but no CURRENT (deleted, or the files were
// copied without it): RocksDB would create a new, empty database beside the
// old files, and the node would start the chain over from genesis.
// RocksDB's own files: MANIFEST-NNNNNN, and NNNNNN.sst (tables), NNNNNN.log (WAL).
bool IsDatabaseFile(const std::filesystem::path& path) {
  const std::string name = path.filename().string();
  const std::string stem = path.stem().string();
  const bool numbered = !stem.empty() && std::all_of(stem.begin(), stem.end(), [](char c) { return c >= '0' && c <= '9'; });
  return name.starts_with("MANIFEST-") || (numbered && (path.extension() == ".sst" || path.extension() == ".log"));
}

Status RefuseOrphanedFiles(const std::string& dir) {
  std::error_code ec;
  if (std::filesystem::exists(std::filesystem::path(dir) / "CURRENT", ec)) return Status::Ok();
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (IsDatabaseFile(entry.path())) {
      return MakeError("store.corrupt", "the database in " + dir + " has data files (" + name +
                                            ") but no CURRENT file; refusing to create a new database over them");
    }
  }
  if (ec) return MakeError("store.io", "cannot list " + dir + ": " + ec.message());
  return Status::Ok();
}

// The tip must name the last stored block, and no block may lie beyond it.
// Reads here return errors: a damaged file must stop the open, not abort it.
Status CheckTip(const ChainStore::Db& db, const ChainTip& tip) {
  if (tip.height > 0) {
    auto row = db.TryGet(kBlocks, HeightKey(tip.height));
    if (!row.ok()) return row.error();
    if (!*row || (*row)->size() < kHeaderBytes) {
      return MakeError("store.corrupt", "the tip block " + std::to_string(tip.height) + " is missing or unreadable");
    }
    auto header = DecodeHeader(AsView(**row).first(kHeaderBytes));
    if (!header.ok() || BlockHash(*header) != tip.block_hash) {
      return MakeError("store.corrupt", "the tip does not match the stored tip block " + std::to_string(tip.height));
    }
  }
  auto beyond = db.TryGet(kBlocks, HeightKey(tip.height + 1));
  if (!beyond.ok()) return beyond.error();
  if (*beyond) return MakeError("store.corrupt", "a block is stored beyond the tip");
  return Status::Ok();
}

// Format 8: a store stopped with pages in its backlog (killed, or closed
// without Flush) holds the changes row of each of those blocks, and
// `smt_pages` holds the tree from before the first of them (the parent root
// its row names). Their changes, the later block's winning for a key,
// applied to that tree give the tip's tree (a sparse Merkle tree depends only
// on its keys' values, not on the order they came in), which must have the
// tip's state root. Its pages are written in one synced batch that deletes
// the changes rows, so that after Open `smt_pages` holds the tip's tree, as
// on a store that was never stopped mid-backlog; interrupted, the next Open
// does the same again. Reads as many blocks' rows as the process that wrote
// them let wait (write_back_blocks: 16 unless set otherwise).
Status RebuildPageBacklog(ChainStore::Db& db,
                          const std::function<void(std::uint64_t, std::uint64_t, std::uint64_t)>& before_rebuild) {
  std::optional<Hash32> base_root;
  std::map<Hash32, std::optional<Hash32>> latest;
  std::vector<std::uint64_t> heights;
  std::unique_ptr<rocksdb::Iterator> it(db.db->NewIterator(rocksdb::ReadOptions(), db.cfs[kMeta]));
  for (it->Seek(kBacklogPrefix); it->Valid() && it->key().starts_with(kBacklogPrefix); it->Next()) {
    const rocksdb::Slice key = it->key();
    Reader height_reader(ByteView(reinterpret_cast<const std::uint8_t*>(key.data()) + kBacklogPrefix.size(),
                                  key.size() - kBacklogPrefix.size()));
    std::uint64_t height = 0;
    height_reader.U64(height);
    if (!height_reader.Finish().ok()) return MakeError("store.corrupt", "a state changes row has a malformed key");
    if (!heights.empty() && height != heights.back() + 1) {
      return MakeError("store.corrupt", "the state changes rows skip from block " + std::to_string(heights.back()) + " to " +
                                            std::to_string(height));
    }
    auto row = DecodeBlockStateChanges(ByteView(reinterpret_cast<const std::uint8_t*>(it->value().data()), it->value().size()));
    if (!row.ok()) {
      return MakeError("store.corrupt", "the state changes row of block " + std::to_string(height) + " is unreadable: " + row.error().message);
    }
    if (!base_root) base_root = row->parent_root;
    for (auto& [k, value] : row->changes) latest[k] = value;
    heights.push_back(height);
  }
  if (!it->status().ok()) return StorageError("reading the state changes rows", it->status());
  if (heights.empty()) return Status::Ok();
  if (heights.back() != db.tip.height) {
    return MakeError("store.corrupt", "the state changes rows end at block " + std::to_string(heights.back()) + ", not at the tip " +
                                          std::to_string(db.tip.height));
  }
  const SmtChanges changes(latest.begin(), latest.end());
  if (before_rebuild) before_rebuild(heights.front(), heights.back(), changes.size());
  auto smt = SmtApplyToPages(StoredPageRows(db), *base_root, changes);
  if (!smt.ok()) {
    // A node missing or not matching its parent, or a page that does not
    // decode (smt.*, encoding.*): the rows do not fit the pages (damage). A
    // read error (store.*) stays one.
    const bool damage = smt.error().code.rfind("store.", 0) != 0;
    return MakeError(damage ? "store.corrupt" : smt.error().code, "rebuilding the state index from blocks " +
                                                                      std::to_string(heights.front()) + " to " +
                                                                      std::to_string(heights.back()) + " failed: " + smt.error().message);
  }
  if (smt->root != db.tip.state_root) {
    return MakeError("store.corrupt", "the state changes of blocks " + std::to_string(heights.front()) + " to " +
                                          std::to_string(heights.back()) + " do not give the tip's state root");
  }
  const SmtPageWrites& pages = smt->writes;
  rocksdb::WriteBatch batch;
  WriteSmtPages(batch, db.cfs[kSmtPages], pages);
  for (std::uint64_t height : heights) batch.Delete(db.cfs[kMeta], BacklogKey(height));
  JOBCARD_TRY_STATUS(JudgePageWriteRoom(db, batch));
  rocksdb::WriteOptions wo;
  wo.sync = true;
  rocksdb::Status s = db.db->Write(wo, &batch);
  if (!s.ok()) {
    return MakeError(s.IsNoSpace() ? "store.no_space" : "store.io", "writing the rebuilt state index pages failed: " + s.ToString());
  }
  db.smt_page_rows.Remember(pages);
  db.rebuilt_page_blocks = heights.size();
  return Status::Ok();
}

// Format 7 -> 8: no row changes; the format row alone, synced.
Status RecordPageBacklogFormat(const ChainStore::Db& db) {
  rocksdb::WriteBatch batch;
  batch.Put(db.cfs[kMeta], kFormatKey, HeightKey(kPageBacklogFormat));
  return WriteUpgradeBatch(db, batch, /*sync=*/true, "recording store format 8");
}

// Format 8 -> 9, the log's half: the entry log's node rows become tiles
// (log_tile.h). Tiles go in batches of about kTileBatchBytes, unsynced; they
// are checked against the tip's log size; `last` (ConvertToTiles writes it,
// synced) gets the deletion of every node row. Interrupted, the store is
// still format 8 with its node rows whole, and the next Open writes the
// same tiles again (a tile is a function of the log alone). A gap in the
// node rows, or tiles that do not hold exactly the log's nodes, is
// store.corrupt: the store stays format 8, its node rows whole (tiles
// written before the check stay, until the next conversion clears them
// first; a format-8 build's `jobcard node check` names them as extra rows).
constexpr std::size_t kTileBatchBytes = 16 << 20;

// Puts a conversion's rows into one family in unsynced batches of about
// kTileBatchBytes: the memory a conversion holds stays bounded whatever
// the ledger's size.
class ConversionWriter {
 public:
  ConversionWriter(const ChainStore::Db& db, Cf cf, const char* what) : db_(db), cf_(cf), what_(what) {}
  Status Put(const rocksdb::Slice& key, const Bytes& value) {
    batch_.Put(db_.cfs[cf_], key, AsSlice(value));
    if (batch_.GetDataSize() < kTileBatchBytes) return Status::Ok();
    return WriteUpgradeBatch(db_, batch_, /*sync=*/false, what_);
  }
  Status Finish() { return WriteUpgradeBatch(db_, batch_, /*sync=*/false, what_); }
  // When the family still holds old rows, deletes every row from `first_new`
  // on, one by one (no range deletion: the store's begin at the empty key):
  // tiles a refused conversion left, which this one might not write again
  // (a bad row the operator has since removed), so that the checks below
  // see this conversion's tiles only. A store whose family holds tiles alone
  // (nothing to convert) keeps them.
  Status ClearNewRowsIfOldRemain(const std::string& first_new) {
    std::unique_ptr<rocksdb::Iterator> it(db_.db->NewIterator(rocksdb::ReadOptions(), db_.cfs[cf_]));
    it->SeekToFirst();
    if (!it->Valid() || it->key().compare(first_new) >= 0) return it->status().ok() ? Status::Ok() : StorageError(what_, it->status());
    for (it->Seek(first_new); it->Valid(); it->Next()) {
      batch_.Delete(db_.cfs[cf_], it->key());
      if (batch_.GetDataSize() >= kTileBatchBytes) JOBCARD_TRY_STATUS(WriteUpgradeBatch(db_, batch_, /*sync=*/false, what_));
    }
    return it->status().ok() ? Status::Ok() : StorageError(what_, it->status());
  }

 private:
  const ChainStore::Db& db_;
  Cf cf_;
  const char* what_;
  rocksdb::WriteBatch batch_;
};

Status ConvertLogNodesToTiles(const ChainStore::Db& db, rocksdb::WriteBatch& last) {
  const std::string first_tile(1, static_cast<char>(kLogTileKeyTag));
  ConversionWriter writer(db, kLogNodes, "writing the entry log's tiles");
  JOBCARD_TRY_STATUS(writer.ClearNewRowsIfOldRemain(first_tile));
  std::vector<LogTileRow> tiles;
  auto put_tiles = [&]() -> Status {
    for (const LogTileRow& tile : tiles) {
      auto key = EncodeLogTileKey(tile.id);
      JOBCARD_TRY_STATUS(writer.Put(rocksdb::Slice(reinterpret_cast<const char*>(key.data()), key.size()), tile.value));
    }
    tiles.clear();
    return Status::Ok();
  };
  auto corrupt = [](const std::string& what) { return MakeError("store.corrupt", "the entry log's node rows: " + what); };
  LogTileAssembler assembler;
  std::unique_ptr<rocksdb::Iterator> it(db.db->NewIterator(rocksdb::ReadOptions(), db.cfs[kLogNodes]));
  for (it->SeekToFirst(); it->Valid() && it->key().compare(first_tile) < 0; it->Next()) {
    const ByteView key(reinterpret_cast<const std::uint8_t*>(it->key().data()), it->key().size());
    auto id = DecodeLogNodeKey(key);
    if (!id.ok()) return corrupt(id.error().message);
    if (it->value().size() != 32) return corrupt("a node of " + std::to_string(it->value().size()) + " bytes");
    Hash32 hash{};
    std::memcpy(hash.data(), it->value().data(), 32);
    Status added = assembler.Add(*id, hash, tiles);
    if (!added.ok()) return corrupt(added.error().message);
    JOBCARD_TRY_STATUS(put_tiles());
  }
  if (!it->status().ok()) return StorageError("reading the entry log's node rows", it->status());
  assembler.Finish(tiles);
  JOBCARD_TRY_STATUS(put_tiles());
  JOBCARD_TRY_STATUS(writer.Finish());

  // A new iterator: the first one reads the database as it was before the tiles went in.
  LogTileCoverage coverage(db.tip.log_size);
  it.reset(db.db->NewIterator(rocksdb::ReadOptions(), db.cfs[kLogNodes]));
  for (it->Seek(first_tile); it->Valid(); it->Next()) {
    const ByteView key(reinterpret_cast<const std::uint8_t*>(it->key().data()), it->key().size());
    const ByteView value(reinterpret_cast<const std::uint8_t*>(it->value().data()), it->value().size());
    auto id = DecodeLogTileKey(key);
    if (!id.ok()) return corrupt(id.error().message);
    auto count = LogTileCount(value);
    if (!count.ok()) return corrupt(count.error().message);
    Status covered = coverage.Add(*id, *count);
    if (!covered.ok()) return corrupt(covered.error().message);
  }
  if (!it->status().ok()) return StorageError("reading the entry log's tiles", it->status());
  if (Status complete = coverage.Finish(); !complete.ok()) return corrupt(complete.error().message);
  DeleteEveryRow(last, db.cfs[kLogNodes], first_tile);
  return Status::Ok();
}

// Format 8 -> 9, the `by_employer` half: its rows become tiles
// (employer_tile.h), written as the log's are; `last` gets the deletion of
// every format-8 row (all sort before the tiles' 't'). Rows in key order
// whose log indexes do not increase per employer, or that do not decode,
// are store.corrupt.
Status ConvertEmployerIndexToTiles(const ChainStore::Db& db, rocksdb::WriteBatch& last) {
  const std::string first_tile(1, kEmployerTileTag);
  ConversionWriter writer(db, kByEmployer, "writing the employer index's tiles");
  JOBCARD_TRY_STATUS(writer.ClearNewRowsIfOldRemain(first_tile));
  std::vector<EmployerTileRow> tiles;
  auto put_tiles = [&]() -> Status {
    for (const EmployerTileRow& tile : tiles) JOBCARD_TRY_STATUS(writer.Put(tile.key, tile.value));
    tiles.clear();
    return Status::Ok();
  };
  auto corrupt = [](const std::string& what) { return MakeError("store.corrupt", "the employer index's rows: " + what); };
  EmployerTileAssembler assembler;
  std::unique_ptr<rocksdb::Iterator> it(db.db->NewIterator(rocksdb::ReadOptions(), db.cfs[kByEmployer]));
  for (it->SeekToFirst(); it->Valid() && it->key().compare(first_tile) < 0; it->Next()) {
    const rocksdb::Slice key = it->key();
    if (key.size() != 13 + 8 || it->value().size() != 32) {
      return corrupt("a row of " + std::to_string(key.size()) + " key and " + std::to_string(it->value().size()) + " value bytes");
    }
    auto employer = CorporateNumber::Parse(std::string_view(key.data(), 13));
    if (!employer.ok()) return corrupt(employer.error().message);
    EmployerIndexEntry entry;
    for (std::size_t i = 13; i < key.size(); ++i) entry.log_index = (entry.log_index << 8) | static_cast<std::uint8_t>(key[i]);
    std::memcpy(entry.id.data(), it->value().data(), 32);
    Status added = assembler.Add(*employer, entry, tiles);
    if (!added.ok()) return corrupt(added.error().message);
    JOBCARD_TRY_STATUS(put_tiles());
  }
  if (!it->status().ok()) return StorageError("reading the employer index's rows", it->status());
  assembler.Finish(tiles);
  JOBCARD_TRY_STATUS(put_tiles());
  JOBCARD_TRY_STATUS(writer.Finish());
  DeleteEveryRow(last, db.cfs[kByEmployer], first_tile);
  return Status::Ok();
}

// Format 8 -> 9: both conversions, then one synced batch with both
// deletions of the old rows and format 9, so an older build never meets a
// store whose old rows are gone.
Status ConvertToTiles(const ChainStore::Db& db) {
  rocksdb::WriteBatch last;
  JOBCARD_TRY_STATUS(ConvertLogNodesToTiles(db, last));
  JOBCARD_TRY_STATUS(ConvertEmployerIndexToTiles(db, last));
  last.Put(db.cfs[kMeta], kFormatKey, HeightKey(kTilesFormat));
  return WriteUpgradeBatch(db, last, /*sync=*/true, "recording store format 9");
}

// A newer build may add column families; RocksDB then refuses the open with
// "Column families not opened: ...", which tells an operator nothing. Say
// what happened: the directory is of a newer format than this build reads.
Status RefuseUnknownColumnFamilies(const std::string& dir, const rocksdb::Options& options) {
  std::vector<std::string> names;
  if (!rocksdb::DB::ListColumnFamilies(options, dir, &names).ok()) return Status::Ok();  // a new store, or Open says why
  std::string unknown;
  for (const std::string& name : names) {
    if (std::find(std::begin(kCfNames), std::end(kCfNames), name) != std::end(kCfNames)) continue;
    unknown += (unknown.empty() ? "" : ", ") + name;
  }
  if (unknown.empty()) return Status::Ok();
  return MakeError("store.unsupported_format", "the database in " + dir + " has column families this build does not know (" +
                                                   unknown + "): it was written by a newer jobcard, which must be used; "
                                                   "this build reads store formats 1 to " + std::to_string(kStoreFormat));
}

}  // namespace

Result<std::unique_ptr<ChainStore>> ChainStore::Open(const std::string& dir, const Genesis& genesis,
                                                     const StoreOpenOptions& open_options) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return MakeError("store.io", "cannot create data directory " + dir + ": " + ec.message());
  JOBCARD_TRY_STATUS(RefuseOrphanedFiles(dir));

  rocksdb::Options options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.paranoid_checks = true;
  options.max_open_files = 512;
  options.IncreaseParallelism(2);
  std::shared_ptr<rocksdb::SstFileManager> table_files;
  if (open_options.min_free_bytes > 0) {
    table_files.reset(rocksdb::NewSstFileManager(rocksdb::Env::Default()));
    options.sst_file_manager = table_files;
  }
  // Most point reads while ingesting are misses (is this tx id new? is this
  // subject enrolled yet?): Bloom filters, in the SST files and in the
  // memtable, answer those without searching.
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  rocksdb::ColumnFamilyOptions cf_options(options);
  cf_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  cf_options.memtable_whole_key_filtering = true;
  cf_options.memtable_prefix_bloom_size_ratio = 0.02;
  // A block's batch is sorted by key (SortedByKey), so each row lands next to
  // the one before it. RocksDB's plain insert searches the skip list from the
  // top whenever a key misses its remembered splice (random ids, subjects and
  // pages miss nearly always); an insert with a hint repairs the splice from
  // the previous insert's position instead. One prefix (the empty one) gives
  // every family a single hint; range deletions take none
  // (InsertHintForWholeFamily says why). Hints are ignored under concurrent
  // memtable writes, which buy nothing here: the store writes one batch at a
  // time.
  // Measured at 1 M entries: block phase -2.2 and -2.9 CPU s in two pairs (BENCHMARKS.md,
  // "Session 27").
  cf_options.memtable_insert_with_hint_prefix_extractor = std::make_shared<InsertHintForWholeFamily>();
  options.allow_concurrent_memtable_write = false;
  JOBCARD_TRY_STATUS(RefuseUnknownColumnFamilies(dir, options));
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const char* name : kCfNames) descriptors.emplace_back(name, cf_options);
  auto db = std::make_unique<Db>();
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, descriptors, &db->cfs, &raw);
  if (!s.ok()) {
    Error e = StorageError("cannot open the database in " + dir, s);
    if (e.code == "store.io") e.code = "store.open_failed";
    return e;
  }
  db->db.reset(raw);
  db->dir = dir;
  db->min_free_bytes = open_options.min_free_bytes;
  db->write_back_blocks = std::max<std::uint32_t>(open_options.state_page_write_back_blocks, 1);
  db->max_backlog_bytes = open_options.state_page_backlog_bytes;
  db->max_backlog_changes_bytes = open_options.state_changes_backlog_bytes;
  db->table_files = table_files;
  db->available_disk_bytes = open_options.available_disk_bytes ? open_options.available_disk_bytes : AvailableDiskBytes;
  if (open_options.verify_file_checksums) {
    s = db->db->VerifyChecksum(rocksdb::ReadOptions());
    if (!s.ok()) return StorageError("verifying the database files in " + dir, s);
  }

  const Hash32 genesis_hash = GenesisHash(genesis);
  bool records_set_changes = false;  // a store older than format 3 (RecordValidatorSetChanges)
  bool writes_state_pages = false;   // a store older than format 5 (WriteStatePages)
  bool drops_subject_index = false;  // a store older than format 6 (DropSubjectIndex)
  bool drops_unmarked_entries = false;  // a store older than format 7 (DropUnmarkedEntryRecords)
  bool records_backlog_format = false;  // a store older than format 8 (RecordPageBacklogFormat)
  bool converts_to_tiles = false;       // a store older than format 9 (ConvertToTiles)
  auto stored_genesis = db->TryGet(kMeta, kGenesisKey);
  if (!stored_genesis.ok()) return stored_genesis.error();
  if (!*stored_genesis) {
    // A new database: write the genesis state in one synced batch.
    StateDelta initial = GenesisDelta(genesis);
    auto smt = SmtApplyToPages(StoredPageRows(*db), kSmtEmptyRoot, StateIndexChanges(initial));
    if (!smt.ok()) return smt.error();
    const SmtPageWrites& pages = smt->writes;
    rocksdb::WriteBatch batch;
    WriteDelta(batch, db->cfs, initial);
    WriteSmtPages(batch, db->cfs[kSmtPages], pages);
    ChainTip tip{0, genesis_hash, genesis.genesis_time_ms, smt->root, EmptyRoot(), 0};
    batch.Put(db->cfs[kMeta], kGenesisKey, AsSlice(Bytes(genesis_hash.begin(), genesis_hash.end())));
    batch.Put(db->cfs[kMeta], kFormatKey, HeightKey(kStoreFormat));
    batch.Put(db->cfs[kMeta], kTipKey, AsSlice(EncodeTip(tip)));
    rocksdb::WriteOptions wo;
    wo.sync = true;
    s = db->db->Write(wo, &batch);
    if (!s.ok()) return MakeError("store.io", "cannot initialise the database: " + s.ToString());
    db->smt_page_rows.Remember(pages);
    db->tip = tip;
  } else {
    ByteView stored = AsView(**stored_genesis);
    if (stored.size() != 32 || !std::equal(genesis_hash.begin(), genesis_hash.end(), stored.begin())) {
      return MakeError("store.wrong_genesis", "the database in " + dir + " belongs to another genesis (chain); refusing to open it");
    }
    auto format = StoredFormat(*db);
    if (!format.ok()) return format.error();
    if (*format < kSubjectKeyIndexFormat) JOBCARD_TRY_STATUS(BuildSubjectKeyIndex(*db));
    records_set_changes = *format < kValidatorSetChangesFormat;
    writes_state_pages = *format < kStatePagesFormat;
    drops_subject_index = *format < kNoSubjectIndexFormat;
    drops_unmarked_entries = *format < kMarkedEntriesOnlyFormat;
    records_backlog_format = *format < kPageBacklogFormat;
    converts_to_tiles = *format < kTilesFormat;
    if (!drops_unmarked_entries) {  // an upgrade to 7 that an earlier Open did not finish
      auto marker = db->TryGet(kMeta, kDroppingEntryRecordsKey);
      if (!marker.ok()) return marker.error();
      drops_unmarked_entries = marker->has_value();
    }
    // Each upgrade above records its own format on the way: format 8 after them.
    records_backlog_format = records_backlog_format || drops_unmarked_entries;
    auto tip_bytes = db->TryGet(kMeta, kTipKey);
    if (!tip_bytes.ok()) return tip_bytes.error();
    if (!*tip_bytes) return MakeError("store.corrupt", "the database has no tip record");
    auto tip = DecodeTip(AsView(**tip_bytes));
    if (!tip.ok()) return MakeError("store.corrupt", "the tip record is unreadable: " + tip.error().message);
    db->tip = *tip;
  }
  JOBCARD_TRY_STATUS(CheckTip(*db, db->tip));
  auto store = std::unique_ptr<ChainStore>(new ChainStore(genesis, std::move(db)));
  // In format order, each step recording its format last: interrupted, the
  // next Open starts again at the step it was in.
  if (records_set_changes) JOBCARD_TRY_STATUS(store->RecordValidatorSetChanges());
  if (writes_state_pages) JOBCARD_TRY_STATUS(WriteStatePages(*store->db_, store->db_->tip.state_root));
  if (drops_subject_index) JOBCARD_TRY_STATUS(DropSubjectIndex(*store->db_));
  if (drops_unmarked_entries) JOBCARD_TRY_STATUS(DropUnmarkedEntryRecords(*store->db_));
  if (records_backlog_format) JOBCARD_TRY_STATUS(RecordPageBacklogFormat(*store->db_));
  if (converts_to_tiles) JOBCARD_TRY_STATUS(ConvertToTiles(*store->db_));
  JOBCARD_TRY_STATUS(RebuildPageBacklog(*store->db_, open_options.before_page_rebuild));
  return store;
}

// Format 2 -> 3. Each block whose header names a next set other than its own
// changed the set with its add_validator / remove_validator transactions
// (every transaction in a committed block was applied): replayed on the set
// before it, from genesis up, the result must hash to what the header names.
// One synced batch with the format last; interrupted, the next Open does it
// again. Reads every header once.
Status ChainStore::RecordValidatorSetChanges() {
  std::vector<ValidatorRecord> set;
  for (const auto& v : genesis_.validators) set.push_back({v.key, v.power, v.name});
  rocksdb::WriteBatch batch;
  const std::uint64_t tip = Tip().height;
  for (std::uint64_t height = 1; height <= tip; ++height) {
    auto header = GetBlockHeader(height);
    if (!header.ok()) return header.error();
    if (header->next_validator_set_hash == header->validator_set_hash) continue;
    auto block = GetBlock(height);
    if (!block.ok()) return block.error();
    for (const Tx& tx : block->txs) ApplyValidatorChange(set, tx.body);
    if (ValidatorSetHash(set) != header->next_validator_set_hash) {
      return MakeError("store.corrupt", "replaying the validator changes of block " + std::to_string(height) +
                                            " does not give the set its header names");
    }
    batch.Put(db_->cfs[kMeta], SetChangeKey(height), AsSlice(EncodeValidators(set)));
  }
  batch.Put(db_->cfs[kMeta], kFormatKey, HeightKey(kValidatorSetChangesFormat));
  rocksdb::WriteOptions wo;
  wo.sync = true;
  rocksdb::Status s = db_->db->Write(wo, &batch);
  if (!s.ok()) return MakeError("store.io", "recording the validator-set changes failed: " + s.ToString());
  return Status::Ok();
}

ChainTip ChainStore::Tip() const {
  std::lock_guard lock(db_->tip_mutex);
  return db_->tip;
}

std::uint64_t ChainStore::LogSize() const { return Tip().log_size; }

std::uint64_t ChainStore::CommitSequence() const { return db_->commit_sequence.load(); }

std::uint64_t ChainStore::UnflushedBytes() const { return UnflushedBytesOf(*db_); }

Result<PreparedBlock> ChainStore::PrepareBlock(const std::vector<Tx>& candidates, std::uint64_t time_ms,
                                               const crypto::PublicKey& proposer, bool signatures_verified,
                                               std::span<const EntryId> known_ids) const {
  BlockHeader draft;
  draft.time_ms = time_ms;
  draft.proposer = proposer;
  return Prepare(candidates, draft, /*replay=*/false, signatures_verified, known_ids);
}

Result<PreparedBlock> ChainStore::ReplayBlock(const Block& block, bool signatures_verified,
                                              std::span<const EntryId> known_ids) const {
  return Prepare(block.txs, block.header, /*replay=*/true, signatures_verified, known_ids);
}

Result<PreparedBlock> ChainStore::Prepare(const std::vector<Tx>& txs, const BlockHeader& draft, bool replay,
                                          bool signatures_verified, std::span<const EntryId> known_ids) const {
  const ChainTip tip = Tip();
  if (draft.time_ms <= tip.time_ms) {
    return MakeError("block.time", "block time must be after the previous block's time");
  }
  TxContext ctx{genesis_, tip.height + 1, draft.time_ms};
  ctx.skip_signature_check = signatures_verified;
  PreparedBlock out;
  out.execution = ExecuteTxs(*this, txs, ctx, known_ids);
  std::vector<EntryId> ids;
  for (std::size_t i = 0; i < txs.size(); ++i) {
    const auto& outcome = out.execution.outcomes[i];
    if (outcome.status.ok()) {
      out.block.txs.push_back(txs[i]);
      ids.push_back(outcome.id);
    } else if (replay) {
      return MakeError("block.invalid_tx", "transaction " + std::to_string(i) + " is invalid: " + outcome.status.error().message);
    } else {
      out.rejected.push_back(txs[i]);
    }
  }
  auto impl = std::make_shared<PreparedBlock::Impl>();
  std::vector<Hash32> leaves;
  leaves.reserve(out.execution.delta.log_appends.size());
  for (const auto& id : out.execution.delta.log_appends) leaves.push_back(LeafHash(id));
  StoredLogNodes log_store(*db_);
  auto appended = MerkleLog::Append(log_store, tip.log_size, leaves);
  if (!appended.ok()) return appended.error();
  auto tiles = LogTileRows(appended->writes, [&](LogTileId id) -> Result<std::optional<Bytes>> {
    auto v = log_store.Tile(id);
    if (!v) return std::optional<Bytes>();
    return std::optional<Bytes>(Bytes(v->begin(), v->end()));
  });
  if (!tiles.ok()) return MakeError("store.corrupt", "the entry log's stored tiles do not match its size: " + tiles.error().message);
  impl->log_tiles = std::move(*tiles);
  auto employer_tiles = EmployerTileRows(EmployerIndexAdditions(out.block.txs, out.execution.delta), [&](const std::string& key) -> Result<std::optional<Bytes>> {
    auto v = db_->Get(kByEmployer, key);
    if (!v) return std::optional<Bytes>();
    return std::optional<Bytes>(Bytes(v->begin(), v->end()));
  });
  if (!employer_tiles.ok()) {
    return MakeError("store.corrupt", "the employer index's stored tiles do not match the chain: " + employer_tiles.error().message);
  }
  impl->employer_tiles = std::move(*employer_tiles);
  impl->state_changes = StateIndexChanges(out.execution.delta);
  auto smt = SmtApplyToPages(StoredPageRows(*db_), tip.state_root, impl->state_changes);
  if (!smt.ok()) return smt.error();
  impl->smt_page_writes = std::move(smt->writes);
  const auto validators_now = GetValidators();
  impl->validators_after = out.execution.delta.validators ? *out.execution.delta.validators : validators_now;

  BlockHeader& h = out.block.header;
  h.height = tip.height + 1;
  h.time_ms = draft.time_ms;
  h.previous_hash = tip.block_hash;
  h.tx_root = TxRoot(ids);
  h.tx_count = static_cast<std::uint32_t>(ids.size());
  h.state_root = smt->root;
  h.log_root = appended->root;
  h.log_size = appended->new_size;
  h.validator_set_hash = ValidatorSetHash(validators_now);
  h.next_validator_set_hash = ValidatorSetHash(impl->validators_after);
  h.proposer = draft.proposer;
  if (replay && !(h == draft)) {
    return MakeError("block.header_mismatch", "re-executing block " + std::to_string(h.height) + " gives a different header (roots, sizes or links)");
  }
  out.block_hash = BlockHash(h);
  out.writes = std::move(impl);
  return out;
}

Status ChainStore::Commit(const PreparedBlock& prepared, const CommitCertificate& cert) {
  const ChainTip tip = Tip();
  const BlockHeader& h = prepared.block.header;
  if (h.height != tip.height + 1 || h.previous_hash != tip.block_hash) {
    return MakeError("store.stale_block", "the prepared block does not extend the current tip");
  }
  if (!prepared.writes) return MakeError("store.not_prepared", "the block was not prepared by this store");
  JOBCARD_TRY_STATUS(VerifyCertificate(genesis_.chain_id, h, cert, GetValidators()));

  // Room for what a block writes per transaction (its row, index rows, log
  // nodes, a record: ~1 KiB for an entry) reserved at once: grown by
  // doubling, the batch's buffer was copied ~10 times a block.
  rocksdb::WriteBatch batch(prepared.block.txs.size() * kBatchBytesPerTx + kBatchBytesPerBlock);
  const auto& cfs = db_->cfs;
  const StateDelta& delta = prepared.execution.delta;
  {
    Writer block_value;
    block_value.Raw(EncodeHeader(h)).U32(h.tx_count);
    for (const auto& id : delta.log_appends) block_value.Fixed(id);
    batch.Put(cfs[kBlocks], HeightKey(h.height), AsSlice(block_value.bytes()));
  }
  batch.Put(cfs[kBlockHashes], rocksdb::Slice(reinterpret_cast<const char*>(prepared.block_hash.data()), 32), HeightKey(h.height));
  batch.Put(cfs[kCerts], HeightKey(h.height), AsSlice(EncodeCertificate(cert)));
  for (std::size_t i = 0; i < prepared.block.txs.size(); ++i) {
    const Tx& tx = prepared.block.txs[i];
    const EntryId& id = delta.log_appends[i];
    const TxLocation& loc = delta.tx_locations.at(id);
    Writer v;
    v.Raw(EncodeTxLocation(loc)).Raw(EncodeTx(tx));
    batch.Put(cfs[kTxs], rocksdb::Slice(reinterpret_cast<const char*>(id.data()), 32), AsSlice(v.bytes()));
    // No `by_subject` row (format 6): the subject's record lists its entries.
  }
  for (const EmployerTileRow& tile : prepared.writes->employer_tiles) batch.Put(cfs[kByEmployer], tile.key, AsSlice(tile.value));
  for (const LogTileRow& tile : prepared.writes->log_tiles) {
    auto key = EncodeLogTileKey(tile.id);
    batch.Put(cfs[kLogNodes], rocksdb::Slice(reinterpret_cast<const char*>(key.data()), key.size()), AsSlice(tile.value));
  }
  // The pages go in with every write_back_blocks-th block (or once the
  // backlog, or its blocks' changes rows, are large): until then they wait
  // in the backlog, and the block writes its state-index changes, from
  // which Open rebuilds them after a kill (RebuildPageBacklog).
  const SmtPageWrites& page_writes = prepared.writes->smt_page_writes;
  const bool write_back = db_->backlog_heights.size() + 1 >= db_->write_back_blocks ||
                          db_->page_backlog.bytes() >= db_->max_backlog_bytes ||
                          db_->backlog_changes_bytes >= db_->max_backlog_changes_bytes;
  std::size_t changes_row_bytes = 0;
  if (write_back) {
    WriteBacklog(batch, *db_, page_writes);
    WriteSmtPages(batch, cfs[kSmtPages], page_writes);
  } else {
    const Bytes changes_row = EncodeBlockStateChanges(tip.state_root, prepared.writes->state_changes);
    changes_row_bytes = changes_row.size();
    batch.Put(cfs[kMeta], BacklogKey(h.height), AsSlice(changes_row));
  }
  WriteDelta(batch, cfs, delta);
  if (h.next_validator_set_hash != h.validator_set_hash) {
    batch.Put(cfs[kMeta], SetChangeKey(h.height), AsSlice(EncodeValidators(prepared.writes->validators_after)));
  }
  ChainTip next{h.height, prepared.block_hash, h.time_ms, h.state_root, h.log_root, h.log_size};
  batch.Put(cfs[kMeta], kTipKey, AsSlice(EncodeTip(next)));

  // The same writes in key order insert faster into the memtable
  // (sorted_write_batch.h); were that ever refused, the batch as built is
  // just as correct.
  auto sorted = SortedByKey(batch, cfs);
  rocksdb::WriteBatch& to_write = sorted.ok() ? *sorted : batch;
  // The batch goes into RocksDB's WAL whole, and the memtables it joins are
  // written out by a later flush, which RocksDB runs in the background where
  // a full disk aborts it (disk_reserve.h): both come on top of the reserve.
  if (db_->min_free_bytes > 0) {
    const std::optional<std::uint64_t> available = db_->available_disk_bytes(db_->dir);
    const std::uint64_t needs = BytesABlockWriteNeeds(to_write.GetDataSize(), UnflushedBytes());
    JOBCARD_TRY_STATUS(JudgeDiskReserve(available, db_->min_free_bytes, needs, db_->dir));
    if (db_->table_files && available) {
      std::uint64_t running = 0;
      const bool compactions_running =
          !db_->db->GetIntProperty(rocksdb::DB::Properties::kNumRunningCompactions, &running) || running > 0;
      const CompactionRoom room = CompactionRoomFor(db_->table_files->GetTotalSize(), *available, db_->min_free_bytes, needs,
                                                    compactions_running, db_->max_table_bytes);
      db_->table_files->SetMaxAllowedSpaceUsage(room.max_table_bytes);
      db_->table_files->SetCompactionBufferSize(room.compaction_buffer_bytes);
      db_->max_table_bytes = room.max_table_bytes;
    }
  }
  rocksdb::WriteOptions wo;
  wo.sync = true;
  // Odd from before the write until the tip names it: a reader overlapping
  // any part of that window retries (ReadAtOneTip).
  db_->commit_sequence.fetch_add(1);
  rocksdb::Status s = db_->db->Write(wo, &to_write);
  if (!s.ok()) {
    db_->commit_sequence.fetch_add(1);
    return MakeError(s.IsNoSpace() ? "store.no_space" : "store.io", "committing block " + std::to_string(h.height) + " failed: " + s.ToString());
  }
  // After the write, so that a reader can never cache a value older than the
  // database's. The backlog shadows the cache, so the cache learns its rows
  // only when they are written, before the backlog lets go of them.
  if (write_back) {
    db_->smt_page_rows.Remember(db_->page_backlog);
    db_->smt_page_rows.Remember(page_writes);
    db_->page_backlog.Clear();
    db_->backlog_heights.clear();
    db_->backlog_changes_bytes = 0;
  } else {
    db_->page_backlog.Merge(page_writes);
    db_->backlog_heights.push_back(h.height);
    db_->backlog_changes_bytes += changes_row_bytes;
  }
  db_->subjects.Update(delta.subjects);
  db_->employers.Update(delta.employers);
  {
    std::lock_guard lock(db_->tip_mutex);
    db_->tip = next;
  }
  db_->commit_sequence.fetch_add(1);
  return Status::Ok();
}

Result<Block> ChainStore::GetBlock(std::uint64_t height) const {
  auto v = db_->Get(kBlocks, HeightKey(height));
  if (!v) return MakeError("store.not_found", "no block at height " + std::to_string(height));
  ByteView bytes = AsView(*v);
  if (bytes.size() < kHeaderBytes + 4) FatalCorrupt("block " + std::to_string(height));
  auto header = DecodeHeader(bytes.first(kHeaderBytes));
  if (!header.ok()) FatalCorrupt("block header " + std::to_string(height));
  Block block;
  block.header = *header;
  Reader r(bytes.subspan(kHeaderBytes));
  std::uint32_t n = 0;
  r.U32(n);
  if (n != header->tx_count || r.remaining() != static_cast<std::size_t>(n) * 32) FatalCorrupt("block body " + std::to_string(height));
  for (std::uint32_t i = 0; i < n; ++i) {
    EntryId id{};
    r.Fixed(id);
    auto tx = GetTx(id);
    if (!tx) FatalCorrupt("transaction of block " + std::to_string(height));
    block.txs.push_back(std::move(*tx));
  }
  return block;
}

Result<BlockHeader> ChainStore::GetBlockHeader(std::uint64_t height) const {
  auto v = db_->Get(kBlocks, HeightKey(height));
  if (!v) return MakeError("store.not_found", "no block at height " + std::to_string(height));
  if (v->size() < kHeaderBytes) FatalCorrupt("block " + std::to_string(height));
  auto header = DecodeHeader(AsView(*v).first(kHeaderBytes));
  if (!header.ok()) FatalCorrupt("block header " + std::to_string(height));
  return *header;
}

Result<CommitCertificate> ChainStore::GetCertificate(std::uint64_t height) const {
  auto v = db_->Get(kCerts, HeightKey(height));
  if (!v) return MakeError("store.not_found", "no certificate at height " + std::to_string(height));
  auto cert = DecodeCertificate(AsView(*v));
  if (!cert.ok()) FatalCorrupt("certificate " + std::to_string(height));
  return cert;
}

std::optional<ChainStore::TxRow> ChainStore::ReadTxRow(const EntryId& id) const {
  auto v = db_->Get(kTxs, rocksdb::Slice(reinterpret_cast<const char*>(id.data()), 32));
  if (!v) return std::nullopt;
  if (v->size() < kTxLocationBytes) FatalCorrupt("transaction record");
  auto location = DecodeTxLocation(AsView(*v).first(kTxLocationBytes));
  if (!location.ok()) FatalCorrupt("transaction location");
  auto tx = DecodeTx(AsView(*v).subspan(kTxLocationBytes));
  if (!tx.ok()) FatalCorrupt("transaction " + ToHex(id));
  return TxRow{*location, std::move(*tx)};
}

std::optional<Tx> ChainStore::GetTx(const EntryId& id) const {
  auto row = ReadTxRow(id);
  if (!row) return std::nullopt;
  return std::move(row->tx);
}

std::optional<TxLocation> ChainStore::GetTxLocation(const EntryId& id) const {
  auto v = db_->Get(kTxs, rocksdb::Slice(reinterpret_cast<const char*>(id.data()), 32));
  if (!v) return std::nullopt;
  if (v->size() < kTxLocationBytes) FatalCorrupt("transaction record");
  auto loc = DecodeTxLocation(AsView(*v).first(kTxLocationBytes));
  if (!loc.ok()) FatalCorrupt("transaction location");
  return *loc;
}


// The subject record lists every career entry about the subject (disputes
// included) in commit order, which is log order: the index that `by_subject`
// duplicated until format 6.
std::vector<EntryId> ChainStore::SubjectTxIds(const SubjectId& subject, std::size_t limit) const {
  std::vector<EntryId> out;
  const auto record = GetSubject(subject);
  if (!record) return out;
  for (const SubjectEntryRef& entry : record->entries) {
    if (out.size() >= limit) break;
    out.push_back(entry.id);
  }
  return out;
}

// From format 9 the index is in tiles (employer_tile.h): from the tile that
// holds `from_log_index` on, in key order, which is log order.
std::vector<EntryId> ChainStore::EmployerTxIds(const CorporateNumber& employer, std::uint64_t from_log_index, std::size_t limit) const {
  std::vector<EntryId> out;
  const std::string prefix = EmployerTilePrefix(employer);
  std::unique_ptr<rocksdb::Iterator> it(db_->db->NewIterator(rocksdb::ReadOptions(), db_->cfs[kByEmployer]));
  for (it->Seek(EmployerTileKey(employer, from_log_index / kEmployerTileWidth)); it->Valid() && out.size() < limit; it->Next()) {
    if (!it->key().starts_with(prefix)) break;
    auto id = DecodeEmployerTileKey(ByteView(reinterpret_cast<const std::uint8_t*>(it->key().data()), it->key().size()));
    if (!id.ok()) FatalCorrupt("employer index tile key");
    auto entries = DecodeEmployerTile(ByteView(reinterpret_cast<const std::uint8_t*>(it->value().data()), it->value().size()), id->tile);
    if (!entries.ok()) FatalCorrupt("employer index tile");
    for (const EmployerIndexEntry& entry : *entries) {
      if (entry.log_index < from_log_index) continue;
      if (out.size() >= limit) break;
      out.push_back(entry.id);
    }
  }
  if (!it->status().ok()) FatalStorage("index scan", it->status());
  return out;
}

std::vector<HeadcountRecord> ChainStore::Headcounts(const CorporateNumber& employer, std::size_t limit) const {
  std::vector<HeadcountRecord> out;
  std::string prefix = "H" + employer.str();
  std::unique_ptr<rocksdb::Iterator> it(db_->db->NewIterator(rocksdb::ReadOptions(), db_->cfs[kState]));
  for (it->Seek(prefix); it->Valid() && out.size() < limit && it->key().starts_with(prefix); it->Next()) {
    auto rec = DecodeHeadcount(ByteView(reinterpret_cast<const std::uint8_t*>(it->value().data()), it->value().size()));
    if (!rec.ok()) FatalCorrupt("headcount");
    out.push_back(*rec);
  }
  if (!it->status().ok()) FatalStorage("headcount scan", it->status());
  return out;
}

std::vector<CorporateNumber> ChainStore::Employers(const CorporateNumber& after, std::size_t limit) const {
  std::vector<CorporateNumber> out;
  // An empty `after` is 13 NUL bytes, which sorts before every digit.
  const std::string start = CorpKey('E', after);
  std::unique_ptr<rocksdb::Iterator> it(db_->db->NewIterator(rocksdb::ReadOptions(), db_->cfs[kState]));
  for (it->Seek(start); it->Valid() && out.size() < limit && it->key().starts_with("E"); it->Next()) {
    if (it->key() == start) continue;
    auto id = CorporateNumber::Parse(it->key().ToStringView().substr(1));
    if (!id.ok()) FatalCorrupt("employer key");
    out.push_back(*id);
  }
  if (!it->status().ok()) FatalStorage("employer scan", it->status());
  return out;
}

std::vector<ValidatorSetChange> ChainStore::ValidatorSetChanges(std::uint64_t from, std::uint64_t below,
                                                                std::size_t limit) const {
  std::vector<ValidatorSetChange> out;
  const std::string end = SetChangeKey(below);
  std::unique_ptr<rocksdb::Iterator> it(db_->db->NewIterator(rocksdb::ReadOptions(), db_->cfs[kMeta]));
  for (it->Seek(SetChangeKey(from)); it->Valid() && out.size() < limit && it->key().starts_with(kSetChangePrefix) &&
                                     it->key().compare(end) < 0;
       it->Next()) {
    Reader height_key(ByteView(reinterpret_cast<const std::uint8_t*>(it->key().data()) + kSetChangePrefix.size(),
                               it->key().size() - kSetChangePrefix.size()));
    ValidatorSetChange change;
    height_key.U64(change.height);
    auto set = DecodeValidators(ByteView(reinterpret_cast<const std::uint8_t*>(it->value().data()), it->value().size()));
    if (!height_key.Finish().ok() || !set.ok()) FatalCorrupt("validator-set change");
    change.next = std::move(*set);
    out.push_back(std::move(change));
  }
  if (!it->status().ok()) FatalStorage("validator-set change scan", it->status());
  return out;
}

Result<std::vector<Hash32>> ChainStore::LogInclusionProof(std::uint64_t log_index, std::uint64_t log_size) const {
  return MerkleLog::InclusionProof(StoredLogNodes(*db_), Tip().log_size, log_index, log_size);
}

Result<std::vector<Hash32>> ChainStore::LogConsistencyProof(std::uint64_t old_size, std::uint64_t new_size) const {
  return MerkleLog::ConsistencyProof(StoredLogNodes(*db_), Tip().log_size, old_size, new_size);
}

Result<Hash32> ChainStore::LogRoot(std::uint64_t log_size) const {
  return MerkleLog::Root(StoredLogNodes(*db_), Tip().log_size, log_size);
}

// A commit rewrites the pages on its changed paths, so a walk that started
// from the previous tip's root can find a node gone or another node in its
// place (the hash check): it is then made again from the new tip's root.
// Only a commit landing mid-walk does that, so a few tries suffice; a node
// missing or mismatched under an unchanged root is damage.
Result<SmtProof> ChainStore::StateProof(const Hash32& state_key) const {
  constexpr int kTries = 4;
  for (int attempt = 1;; ++attempt) {
    const Hash32 root = Tip().state_root;
    auto proof = SmtProve(StoredSmtNodes(*db_), root, state_key);
    const bool raced = !proof.ok() && (proof.error().code == "smt.missing_node" || proof.error().code == "smt.node_mismatch");
    if (!raced || attempt == kTries || Tip().state_root == root) return proof;
  }
}

std::uint64_t ChainStore::RebuiltPageBlocks() const { return db_->rebuilt_page_blocks; }

StoreCacheStats ChainStore::CacheStats() const {
  StoreCacheStats stats;
  stats.smt_page_rows = {db_->smt_page_rows.hits(), db_->smt_page_rows.misses(), db_->smt_page_rows.size()};
  stats.subjects = {db_->subjects.hits(), db_->subjects.misses(), db_->subjects.size()};
  stats.employers = {db_->employers.hits(), db_->employers.misses(), db_->employers.size()};
  return stats;
}

std::size_t ChainStore::PageBacklogBytes() const { return db_->page_backlog.bytes(); }

Status ChainStore::WriteBackStatePages() {
  if (db_->backlog_heights.empty()) return Status::Ok();
  rocksdb::WriteBatch batch;
  WriteBacklog(batch, *db_, {});
  JOBCARD_TRY_STATUS(JudgePageWriteRoom(*db_, batch));
  rocksdb::WriteOptions wo;
  wo.sync = true;
  rocksdb::Status s = db_->db->Write(wo, &batch);
  if (!s.ok()) return MakeError(s.IsNoSpace() ? "store.no_space" : "store.io", "writing the state index's pages failed: " + s.ToString());
  db_->smt_page_rows.Remember(db_->page_backlog);
  db_->page_backlog.Clear();
  db_->backlog_heights.clear();
  db_->backlog_changes_bytes = 0;
  return Status::Ok();
}

Status ChainStore::Flush() {
  JOBCARD_TRY_STATUS(WriteBackStatePages());
  rocksdb::FlushOptions options;
  options.wait = true;
  rocksdb::Status s = db_->db->Flush(options, db_->cfs);
  if (!s.ok()) return MakeError("store.io", "flush failed: " + s.ToString());
  return Status::Ok();
}

std::uint64_t ChainStore::ApproximateDiskBytes() const {
  std::uint64_t total = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(db_->db->GetName(), ec)) {
    if (entry.is_regular_file(ec)) total += entry.file_size(ec);
  }
  return total;
}

// ---- StateView ----------------------------------------------------------

namespace {
template <typename T>
std::optional<T> DecodeOrDie(const std::optional<std::string>& v, Result<T> (*decode)(ByteView), const char* what) {
  if (!v) return std::nullopt;
  auto r = decode(AsView(*v));
  if (!r.ok()) FatalCorrupt(what);
  return std::move(*r);
}
}  // namespace

// GetOrRead: a value read before a concurrent commit is not cached over the committed one.
std::optional<EmployerRecord> ChainStore::GetEmployer(const CorporateNumber& id) const {
  return db_->employers.GetOrRead(
      id, [&] { return DecodeOrDie(db_->Get(kState, CorpKey('E', id)), &DecodeEmployer, "employer"); });
}
std::optional<CorporateNumber> ChainStore::GetKeyOwner(const crypto::PublicKey& key) const {
  auto v = db_->Get(kState, Key('K', key));
  if (!v) return std::nullopt;
  auto c = CorporateNumber::Parse(*v);
  if (!c.ok()) FatalCorrupt("key owner");
  return *c;
}
std::optional<SubjectRecord> ChainStore::GetSubject(const SubjectId& id) const {
  return db_->subjects.GetOrRead(id, [&] { return DecodeOrDie(db_->Get(kState, Key('S', id)), &DecodeSubject, "subject"); });
}
std::optional<SubjectId> ChainStore::GetSubjectByKey(const crypto::PublicKey& key) const {
  auto v = db_->Get(kState, Key('k', key));
  if (!v) return std::nullopt;
  if (v->size() != 32) FatalCorrupt("subject key index");
  SubjectId id{};
  std::copy(v->begin(), v->end(), id.begin());
  return id;
}
// Format 7: a marked record has its row; any other entry's record is made
// from its transaction. The transaction first: its row never changes once
// written, so whatever a commit between the two reads did, the record is
// the one at the tip of the second read (or, with no transaction yet, the
// entry did not exist at the first). Read the other way round, an entry
// committed and marked by the same block could come back unmarked.
std::optional<EntryRecord> ChainStore::GetEntry(const EntryId& id) const {
  auto row = ReadTxRow(id);
  if (!row) return std::nullopt;
  const auto* entry = std::get_if<CareerEntry>(&row->tx.body);
  if (entry == nullptr) return std::nullopt;
  if (auto marked = DecodeOrDie(db_->Get(kState, Key('N', id)), &DecodeEntry, "entry")) return marked;
  return EntryRecordOf(row->tx.kind, *entry, id, row->location.height, row->location.log_index);
}
std::vector<ValidatorRecord> ChainStore::GetValidators() const {
  auto v = DecodeOrDie(db_->Get(kState, "V"), &DecodeValidators, "validators");
  if (!v) FatalCorrupt("validator set missing");
  return *v;
}
std::optional<MatcherRecord> ChainStore::GetMatcher(const crypto::PublicKey& key) const {
  return DecodeOrDie(db_->Get(kState, Key('M', key)), &DecodeMatcher, "matcher");
}

// ---- Raw rows (jobcard node check) ---------------------------------------

static_assert(kStoreFamilyCount == kCfCount);
static_assert(static_cast<std::size_t>(StoreFamily::kByEmployer) == kByEmployer);
static_assert(static_cast<std::size_t>(StoreFamily::kSmtPages) == kSmtPages);

std::string_view StoreFamilyName(StoreFamily family) { return kCfNames[static_cast<std::size_t>(family)]; }

namespace {
class RocksRows final : public StoreRows {
 public:
  explicit RocksRows(rocksdb::Iterator* it) : it_(it) { it_->SeekToFirst(); }
  bool Valid() const override { return it_->Valid(); }
  ByteView key() const override { return View(it_->key()); }
  ByteView value() const override { return View(it_->value()); }
  void Next() override { it_->Next(); }
  Status status() const override {
    if (it_->status().ok()) return Status::Ok();
    return StorageError("reading rows", it_->status());
  }

 private:
  static ByteView View(const rocksdb::Slice& s) { return ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()); }
  std::unique_ptr<rocksdb::Iterator> it_;
};
}  // namespace

std::unique_ptr<StoreRows> ChainStore::Rows(StoreFamily family) const {
  return std::make_unique<RocksRows>(db_->db->NewIterator(rocksdb::ReadOptions(), db_->cfs[static_cast<std::size_t>(family)]));
}

Result<std::optional<Bytes>> ChainStore::ReadRow(StoreFamily family, ByteView key) const {
  auto row = db_->TryGet(static_cast<Cf>(family), rocksdb::Slice(reinterpret_cast<const char*>(key.data()), key.size()));
  if (!row.ok()) return row.error();
  if (!*row) return std::optional<Bytes>();
  return std::optional<Bytes>(Bytes((*row)->begin(), (*row)->end()));
}

Status ChainStore::VerifyFileChecksums() const {
  rocksdb::Status s = db_->db->VerifyChecksum(rocksdb::ReadOptions());
  if (!s.ok()) return StorageError("verifying the database files", s);
  return Status::Ok();
}

std::string ChainStore::Directory() const { return db_->db->GetName(); }

}  // namespace jobcard::ledger
