// SmtPageRowCache: the state index's page rows (smt_page.h), kept in memory
// across blocks, bounded in bytes, least recently used out.
//
// Why: a block rewrites about one page per changed key, and must read each
// page it rewrites to carry its untouched nodes over (SmtApplyToPages since
// session 22; SmtPageChanges before). In a profile at 100,000 entries
// (BENCHMARKS.md, "Session 13") one call site of SmtPageChanges held 59 % of
// its samples, ~10 % of the block phase; that
// this site is the page read is inferred (the frame below it was not
// unwound). The page a block reads is, more often than not, one a recent
// block wrote, and with the cache the block phase fell 4.5-7 %.
//
// Rows are addressed by position, not content, so a cached row can go stale.
// The cache follows ByteBoundedCache's generation rule: a reader that missed
// offers back the row it read only if no commit came in between, and the
// writer calls Remember with the rows it wrote, after its database write.
// So every writer of the rows must call Remember (the store's genesis write,
// Commit's write-backs of the backlog, WriteBackStatePages and the rebuild
// at open do; its format upgrades run before anything reads through the
// cache). Rows waiting in the backlog (smt_page_backlog.h) are not written
// yet: they shadow the cache, which learns them when they are written.
// SmtApplyToPages copies a page's untouched nodes without checking them, so
// for building a block this rule is the whole guarantee for those; every
// node a walk reads (a block's, a proof's) is also checked against its
// parent's hash.
// A missing row is cached too, as an empty value (a stored page is never
// empty; a stored empty row, which is damage, is passed on, not cached).
#pragma once

#include <cstddef>
#include <optional>

#include "crypto/bytes.h"
#include "crypto/result.h"
#include "ledger/byte_bounded_cache.h"
#include "ledger/smt_page.h"
#include "ledger/smt_page_backlog.h"

namespace jobcard::ledger {

class SmtPageRowCache {
 public:
  explicit SmtPageRowCache(std::size_t max_bytes);

  // The row under `key`: the cached one, else `rows`' (cached unless a
  // Remember came in between). A read error is returned and not cached.
  Result<std::optional<Bytes>> Get(const SmtPageRows& rows, ByteView key) const;

  // After a commit: the rows it wrote (a nullopt row was deleted).
  void Remember(const SmtPageWrites& written);
  // After a write-back of the backlog (smt_page_backlog.h): every row in it.
  void Remember(const SmtPageBacklog& written);

  std::uint64_t hits() const { return rows_.hits(); }
  std::uint64_t misses() const { return rows_.misses(); }
  std::size_t size() const { return rows_.size(); }

 private:
  // Any key that is not a page key (PackSmtPageKey) is read through uncached.
  mutable ByteBoundedCache<SmtPageRowKey, Bytes> rows_;
};

// SmtPageRows read through a cache.
class CachedSmtPageRows final : public SmtPageRows {
 public:
  CachedSmtPageRows(const SmtPageRows& rows, const SmtPageRowCache& cache) : rows_(rows), cache_(cache) {}
  Result<std::optional<Bytes>> GetPageRow(ByteView key) const override { return cache_.Get(rows_, key); }

 private:
  const SmtPageRows& rows_;
  const SmtPageRowCache& cache_;
};

}  // namespace jobcard::ledger
