// ChainStore: the node's one RocksDB database, and the committed state.
//
// Column families (spec/storage.md):
//   meta         tip, genesis hash, format version, validator-set changes,
//                the state-index changes of blocks whose pages wait in
//                memory (format 8; ledger/smt_page_backlog.h)
//   blocks       height (u64 BE) -> header || tx ids
//   block_hashes block hash -> height
//   certs        height -> commit certificate
//   txs          tx id -> TxLocation || encoded tx
//   log_nodes    RFC 9162 complete-subtree nodes, 256 of a level to a row
//                (ledger/log_tile.h; format 9, a row per node before)
//   smt_nodes    state-index nodes by hash (format 4 and older; empty from 5)
//   state        employer/subject/entry/validator/matcher/headcount records,
//                key -> employer and key -> subject indexes
//   by_subject   subject || log index -> tx id (format 5 and older; empty
//                from 6: the subject record lists its entries)
//   by_employer  't' || employer || log index / 256 -> the employer's tx ids
//                among those 256 log indexes (ledger/employer_tile.h; format
//                9, employer || log index -> tx id before)
//   smt_pages    the tip's state-index tree, four levels to a row, by
//                position (ledger/smt_page.h; format 5); from format 8
//                the tree as of the last write-back, the pages since then
//                waiting in memory (kStatePageWriteBackBlocks, below)
//
// A block and every write derived from it go into one WriteBatch written
// with sync=true, so after a crash the store is at block h or h+1, never in
// between. Open() checks the tip against the stored blocks before serving,
// and writes the state-index pages of blocks that left them waiting.
//
// Thread safety: reads may run concurrently with each other and with one
// writer; PrepareBlock/Commit (and WriteBackStatePages, Flush) must be
// called from one thread (the node's block loop, or after it has stopped).
// A read sees the state before or after a commit, never part.
//
// Caches: building a block reads the same state-index nodes and records that
// the previous blocks and the mempool's admission checks read or wrote, so
// the store keeps them in memory across blocks, bounded in bytes:
// the state index's page rows (kSmtPageCacheBytes: smt_page_cache.h),
// subject records (kRecordCacheBytes) and employer records
// (kRecordCacheBytes / 8), these three least recently used out. Commit
// refreshes them with what it wrote, after the write.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/block.h"
#include "ledger/execution.h"
#include "ledger/genesis.h"
#include "ledger/smt_proof.h"
#include "ledger/state_view.h"

namespace jobcard::ledger {

inline constexpr std::size_t kRecordCacheBytes = 128u << 20;
inline constexpr std::size_t kSmtPageCacheBytes = 64u << 20;
// The state index's pages are written every this many blocks, or sooner
// once those waiting hold kMaxPageBacklogBytes (smt_page_backlog.h), or once
// the changes rows of the blocks whose pages wait hold
// kMaxStateChangesBacklogBytes. Why so rarely: every write of the pages
// rewrites each page changed since the last, and in a large tree a page
// changes only every few dozen blocks, so frequent write-backs rewrite each
// page many times over (~12 times in a 1 M ingest at 16 blocks, where one
// write-back at its end writes it once; BENCHMARKS.md, "Session 25"). The
// byte bounds hold the memory (pages) and the work of a rebuild after a kill
// (changes rows) whatever the blocks' size.
inline constexpr std::uint32_t kStatePageWriteBackBlocks = 1024;
inline constexpr std::size_t kMaxPageBacklogBytes = 128u << 20;
inline constexpr std::size_t kMaxStateChangesBacklogBytes = 128u << 20;

// The column families (spec/storage.md), for code that reads rows as they
// are stored: `jobcard node check` (ledger/chain_check.h) and its tests.
enum class StoreFamily : std::uint8_t {
  kMeta, kBlocks, kBlockHashes, kCerts, kTxs, kLogNodes, kSmtNodes, kState, kBySubject, kByEmployer, kSmtPages
};
inline constexpr std::size_t kStoreFamilyCount = 11;
std::string_view StoreFamilyName(StoreFamily family);  // "default", "blocks", ...

// Rows of one family in key order, as stored. A damaged file ends the walk
// with status() set (store.corrupt, naming the file), never an abort.
class StoreRows {
 public:
  virtual ~StoreRows() = default;
  virtual bool Valid() const = 0;
  virtual ByteView key() const = 0;
  virtual ByteView value() const = 0;
  virtual void Next() = 0;
  virtual Status status() const = 0;
};

// Hits and misses of one of the store's caches since it was opened, and
// what it holds now.
struct StoreCacheCounts {
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  std::uint64_t entries = 0;
};
// The store's caches (Caches, above), for benchmarks and operators: is a
// cache large enough for this ledger?
struct StoreCacheStats {
  StoreCacheCounts smt_page_rows, subjects, employers;
};

struct StoreOpenOptions {
  // Read every table file and check every block checksum before serving
  // (RocksDB VerifyChecksum): a flipped byte anywhere is found at open
  // instead of at the first read of that block. Costs one read of the
  // whole database; `node start` does it unless node.json says otherwise.
  bool verify_file_checksums = false;
  // Refuse to write a block (`store.no_space`) while less than this many
  // bytes are free on the database's disk (disk_reserve.h); 0: no reserve.
  std::uint64_t min_free_bytes = 0;
  // What the database's disk has available (tests stand in a figure of
  // their own); unset: statvfs (AvailableDiskBytes).
  std::function<std::optional<std::uint64_t>(const std::string& dir)> available_disk_bytes;
  // Write the state index's pages with every this many blocks (1: every
  // block; 0 is taken as 1). Tests lower it to see write-backs.
  std::uint32_t state_page_write_back_blocks = kStatePageWriteBackBlocks;
  // ... or sooner, once the pages waiting hold this many bytes (a bound on
  // the backlog's memory whatever the blocks' size). Tests lower it.
  std::size_t state_page_backlog_bytes = kMaxPageBacklogBytes;
  // ... or once the changes rows of the blocks whose pages wait hold this
  // many bytes: what Open reads and applies to rebuild the pages after a
  // kill (~65 bytes per changed key). Tests lower it.
  std::size_t state_changes_backlog_bytes = kMaxStateChangesBacklogBytes;
  // Called once, when Open is about to rebuild the state index's pages from
  // the changes rows an unclean stop left (blocks `first` to `last`, `keys`
  // distinct changed keys): on a large ledger that takes seconds (8 s at 1 M
  // entries, BENCHMARKS.md "Session 25"), so a node says so before, not only
  // after. Unset: nothing is called.
  std::function<void(std::uint64_t first, std::uint64_t last, std::uint64_t keys)> before_page_rebuild;
};

struct ChainTip {
  std::uint64_t height = 0;
  Hash32 block_hash{};  // the genesis hash at height 0
  std::uint64_t time_ms = 0;
  Hash32 state_root{};
  Hash32 log_root{};
  std::uint64_t log_size = 0;
  bool operator==(const ChainTip&) const = default;
};

// A block after which the validator set changed, and the set after it: the
// set that certifies the blocks above it (spec/bundle.md §4.2).
struct ValidatorSetChange {
  std::uint64_t height = 0;
  std::vector<ValidatorRecord> next;
  bool operator==(const ValidatorSetChange&) const = default;
};

// A block ready to commit: the block itself and every derived write.
struct PreparedBlock {
  Block block;
  Hash32 block_hash{};
  BlockExecution execution;      // outcomes of every candidate (rejected ones included)
  std::vector<Tx> rejected;      // candidates left out, with their reasons in execution.outcomes
  struct Impl;                   // derived node writes (log, state index), opaque to callers
  std::shared_ptr<const Impl> writes;
};

class ChainStore final : public StateView {
 public:
  ~ChainStore() override;
  // Opens or creates the database under `dir`. A new database is initialised
  // from the genesis; an existing one must belong to the same genesis.
  // Refuses, without touching anything: a directory that holds database
  // files but no CURRENT file (store.corrupt: creating a new database there
  // would silently start the chain over), a database another process has
  // open (store.locked), a damaged file (store.corrupt, naming it).
  static Result<std::unique_ptr<ChainStore>> Open(const std::string& dir, const Genesis& genesis,
                                                  const StoreOpenOptions& options = {});

  const Genesis& genesis() const { return genesis_; }
  ChainTip Tip() const;
  // Counts commits in two steps: odd while a block is being written and the
  // caches and tip updated, even once the new tip is in place. A reader that
  // sees the same even value before and after its reads saw one tip only
  // (ledger/consistent_read.h).
  std::uint64_t CommitSequence() const;
  // Bytes held in memtables not yet written to table files: at most what
  // the next flushes write (counted in the disk reserve, disk_reserve.h).
  std::uint64_t UnflushedBytes() const;

  // Builds the next block from candidates (in order, invalid ones left out).
  // Reads only; nothing is written until Commit. `signatures_verified` skips
  // re-verifying signatures of candidates that already passed the check (the
  // mempool's); everything else is validated again. `known_ids`: empty, or
  // each candidate's id as the mempool computed it (see ExecuteTxs).
  Result<PreparedBlock> PrepareBlock(const std::vector<Tx>& candidates, std::uint64_t time_ms,
                                     const crypto::PublicKey& proposer, bool signatures_verified = false,
                                     std::span<const EntryId> known_ids = {}) const;
  // Re-executes a block made elsewhere and checks every root in its header.
  // `signatures_verified` and `known_ids` as for PrepareBlock: a caller that
  // has checked every transaction's signatures itself (a validator whose
  // mempool already verified most of them) need not have them checked again.
  Result<PreparedBlock> ReplayBlock(const Block& block, bool signatures_verified = false,
                                    std::span<const EntryId> known_ids = {}) const;
  // Writes the block, its certificate and all derived writes atomically and durably.
  Status Commit(const PreparedBlock& prepared, const CommitCertificate& cert);

  // Queries.
  Result<Block> GetBlock(std::uint64_t height) const;
  // The header alone: for block times, without reading the block's transactions.
  Result<BlockHeader> GetBlockHeader(std::uint64_t height) const;
  Result<CommitCertificate> GetCertificate(std::uint64_t height) const;
  std::optional<Tx> GetTx(const EntryId& id) const;
  // Transaction ids touching a subject / recorded by an employer, in log order.
  std::vector<EntryId> SubjectTxIds(const SubjectId& subject, std::size_t limit) const;
  std::vector<EntryId> EmployerTxIds(const CorporateNumber& employer, std::uint64_t from_log_index, std::size_t limit) const;
  // The employer's headcount declarations by declared date (then id), at most
  // `limit`: the API reaches this through compliance reports, so it is bounded.
  std::vector<HeadcountRecord> Headcounts(const CorporateNumber& employer, std::size_t limit) const;
  // Registered employers in increasing 法人番号 order, strictly after `after`
  // (from the first when `after` is empty), at most `limit`: page through
  // them by passing the last one back.
  std::vector<CorporateNumber> Employers(const CorporateNumber& after, std::size_t limit) const;
  // The set changes at heights in [from, below), in increasing height, at
  // most `limit`.
  std::vector<ValidatorSetChange> ValidatorSetChanges(std::uint64_t from, std::uint64_t below, std::size_t limit) const;
  // Proofs. Log proofs work for any size up to the tip's; state proofs are
  // against the tip's state root.
  Result<std::vector<Hash32>> LogInclusionProof(std::uint64_t log_index, std::uint64_t log_size) const;
  Result<std::vector<Hash32>> LogConsistencyProof(std::uint64_t old_size, std::uint64_t new_size) const;
  Result<Hash32> LogRoot(std::uint64_t log_size) const;
  Result<SmtProof> StateProof(const Hash32& state_key) const;
  // Approximate bytes on disk (SST + WAL files) for benchmarks.
  std::uint64_t ApproximateDiskBytes() const;
  // The caches' hits, misses and entries since the store opened.
  StoreCacheStats CacheStats() const;
  // Roughly the bytes of the state-index pages waiting in memory
  // (smt_page_backlog.h), held to state_page_backlog_bytes: for benchmarks
  // and operators sizing that bound. From the writer's thread, as Commit.
  std::size_t PageBacklogBytes() const;
  // Writes the state-index pages still waiting in memory (smt_page_backlog.h),
  // then flushes memtables to SST files (for measuring disk use and at a
  // clean shutdown, so the next open replays no WAL and rebuilds no pages;
  // data is already durable). From the writer's thread, as Commit. With a
  // disk reserve set, refuses (store.no_space) a page write that would eat it.
  Status Flush();
  // The blocks whose state-index pages Open rebuilt from their changes rows
  // (a store stopped with pages waiting: killed, or closed without Flush); 0
  // for a store stopped cleanly. For the node's start-up log and tests.
  std::uint64_t RebuiltPageBlocks() const;
  // Writes the state-index pages still waiting in memory, so that
  // `smt_pages` holds the tip's tree and no block's changes row is left
  // (what Open leaves, too). From the writer's thread, as Commit.
  Status WriteBackStatePages();

  // Raw rows, for `jobcard node check`: unlike the queries above, a damaged
  // file or record is an error returned, not an abort.
  std::unique_ptr<StoreRows> Rows(StoreFamily family) const;
  Result<std::optional<Bytes>> ReadRow(StoreFamily family, ByteView key) const;
  // Reads every table file and checks its block checksums (store.corrupt names the file).
  Status VerifyFileChecksums() const;
  // The database directory.
  std::string Directory() const;

  // StateView over the committed state.
  std::optional<EmployerRecord> GetEmployer(const CorporateNumber& id) const override;
  std::optional<CorporateNumber> GetKeyOwner(const crypto::PublicKey& key) const override;
  std::optional<SubjectRecord> GetSubject(const SubjectId& id) const override;
  std::optional<SubjectId> GetSubjectByKey(const crypto::PublicKey& key) const override;
  std::optional<EntryRecord> GetEntry(const EntryId& id) const override;
  std::optional<TxLocation> GetTxLocation(const EntryId& id) const override;
  std::vector<ValidatorRecord> GetValidators() const override;
  std::optional<MatcherRecord> GetMatcher(const crypto::PublicKey& key) const override;
  std::uint64_t LogSize() const override;

  struct Db;  // RocksDB handles; defined in chain_store.cpp

 private:
  ChainStore(Genesis genesis, std::unique_ptr<Db> db);
  Status RecordValidatorSetChanges();  // store format 2 -> 3
  // A transaction's row: where it was committed, and the transaction.
  struct TxRow {
    TxLocation location;
    Tx tx;
  };
  std::optional<TxRow> ReadTxRow(const EntryId& id) const;
  Result<PreparedBlock> Prepare(const std::vector<Tx>& txs, const BlockHeader& draft, bool replay,
                                bool signatures_verified, std::span<const EntryId> known_ids) const;

  Genesis genesis_;
  std::unique_ptr<Db> db_;
};

}  // namespace jobcard::ledger
