// The page-row cache (ledger/smt_page_cache.h): what it answers from memory,
// what it reads through, and that a row read before a commit is never
// cached after that commit's Remember.
#include "ledger/smt_page_cache.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>

namespace jobcard::ledger {
namespace {

// Page rows in a map, counting reads; `during_read` runs inside a read (a
// commit overlapping it) and `fail` makes reads fail.
class CountingRows final : public SmtPageRows {
 public:
  Result<std::optional<Bytes>> GetPageRow(ByteView key) const override {
    ++reads;
    if (fail) return MakeError("store.io", "the read failed");
    std::optional<Bytes> row;
    if (auto it = rows.find(Bytes(key.begin(), key.end())); it != rows.end()) row = it->second;
    if (during_read) during_read();
    return row;
  }
  std::map<Bytes, Bytes> rows;
  mutable int reads = 0;
  bool fail = false;
  std::function<void()> during_read;
};

const Bytes kKey{2, 0xab};  // k = 2: 8 bits of path, one byte
const Bytes kRow{0x01, 0x00, 0x07};
const Bytes kNewRow{0x01, 0x00, 0x09};

TEST(SmtPageRowCache, AReadRowIsAnsweredFromMemoryTheNextTime) {
  CountingRows db;
  db.rows[kKey] = kRow;
  SmtPageRowCache cache(1 << 20);
  CachedSmtPageRows rows(db, cache);
  for (int i = 0; i < 3; ++i) {
    auto row = rows.GetPageRow(kKey);
    ASSERT_TRUE(row.ok() && row->has_value());
    EXPECT_EQ(**row, kRow);
  }
  EXPECT_EQ(db.reads, 1);
  EXPECT_EQ(cache.hits(), 2u);
}

TEST(SmtPageRowCache, AMissingRowIsRememberedAsMissing) {
  CountingRows db;
  SmtPageRowCache cache(1 << 20);
  CachedSmtPageRows rows(db, cache);
  for (int i = 0; i < 2; ++i) {
    auto row = rows.GetPageRow(kKey);
    ASSERT_TRUE(row.ok());
    EXPECT_FALSE(row->has_value());
  }
  EXPECT_EQ(db.reads, 1);
}

TEST(SmtPageRowCache, RememberedWritesAndDeletionsAreWhatIsRead) {
  CountingRows db;
  db.rows[kKey] = kRow;
  SmtPageRowCache cache(1 << 20);
  CachedSmtPageRows rows(db, cache);
  ASSERT_TRUE(rows.GetPageRow(kKey).ok());
  const Bytes other{3, 0xab, 0xc0};  // k = 3: 12 bits, two bytes
  cache.Remember({{kKey, kNewRow}, {other, kRow}});
  EXPECT_EQ(*rows.GetPageRow(kKey).value(), kNewRow);
  EXPECT_EQ(*rows.GetPageRow(other).value(), kRow);
  cache.Remember({{kKey, std::nullopt}});
  EXPECT_FALSE(rows.GetPageRow(kKey).value().has_value());
  EXPECT_EQ(db.reads, 1);  // only the first, before anything was remembered
}

// A reader that read the database before a commit and offers its row after
// the commit's Remember must not shadow the committed row.
TEST(SmtPageRowCache, ARowReadBeforeACommitIsNotCachedAfterIt) {
  CountingRows db;
  db.rows[kKey] = kRow;
  SmtPageRowCache cache(1 << 20);
  db.during_read = [&] {
    db.rows[kKey] = kNewRow;  // the commit writes the database...
    cache.Remember({{kKey, kNewRow}});  // ...then the cache
  };
  CachedSmtPageRows rows(db, cache);
  auto stale = rows.GetPageRow(kKey);  // read before the commit: the old row
  ASSERT_TRUE(stale.ok());
  EXPECT_EQ(**stale, kRow);
  db.during_read = nullptr;
  EXPECT_EQ(*rows.GetPageRow(kKey).value(), kNewRow);
}

TEST(SmtPageRowCache, AFailedReadIsReturnedAndNotCached) {
  CountingRows db;
  db.rows[kKey] = kRow;
  db.fail = true;
  SmtPageRowCache cache(1 << 20);
  CachedSmtPageRows rows(db, cache);
  auto failed = rows.GetPageRow(kKey);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, "store.io");
  db.fail = false;
  EXPECT_EQ(*rows.GetPageRow(kKey).value(), kRow);
  EXPECT_EQ(db.reads, 2);
}

// Keys that are not page keys (empty, k past 64, a length k does not give)
// are read through, never cached.
TEST(SmtPageRowCache, KeysThatAreNotPageKeysAreReadThrough) {
  CountingRows db;
  const Bytes not_page_keys[] = {Bytes{}, Bytes(34, 0x11), Bytes{65, 0}, Bytes{2, 0xab, 0x00}, Bytes{4, 0xab}};
  for (const Bytes& key : not_page_keys) db.rows[key] = kRow;
  SmtPageRowCache cache(1 << 20);
  CachedSmtPageRows rows(db, cache);
  for (const Bytes& key : not_page_keys) {
    EXPECT_EQ(*rows.GetPageRow(key).value(), kRow);
    EXPECT_EQ(*rows.GetPageRow(key).value(), kRow);
  }
  EXPECT_EQ(db.reads, 10);
  EXPECT_EQ(cache.size(), 0u);
}

// A stored empty row is damage (a page is never stored empty): it is handed
// on, for the reader's decode to refuse, every time, not cached as "missing".
TEST(SmtPageRowCache, AStoredEmptyRowIsPassedOnNotCachedAsMissing) {
  CountingRows db;
  db.rows[kKey] = Bytes{};
  SmtPageRowCache cache(1 << 20);
  CachedSmtPageRows rows(db, cache);
  for (int i = 0; i < 2; ++i) {
    auto row = rows.GetPageRow(kKey);
    ASSERT_TRUE(row.ok());
    ASSERT_TRUE(row->has_value());
    EXPECT_TRUE((*row)->empty());
  }
  EXPECT_EQ(db.reads, 2);
}

// Bounded: past its budget the least recently used rows go, and are read again.
TEST(SmtPageRowCache, PastItsBudgetItReadsAgain) {
  CountingRows db;
  for (std::uint8_t i = 0; i < 100; ++i) db.rows[Bytes{4, i, 0}] = Bytes(100, i);  // k = 4: two bytes
  SmtPageRowCache cache(2000);  // ~6 rows of 100 bytes and the per-row cost
  CachedSmtPageRows rows(db, cache);
  for (std::uint8_t i = 0; i < 100; ++i) ASSERT_TRUE(rows.GetPageRow(Bytes{4, i, 0}).ok());
  EXPECT_LE(cache.size(), 10u);
  EXPECT_GT(cache.size(), 0u);
  ASSERT_EQ(*rows.GetPageRow(Bytes{4, 0, 0}).value(), Bytes(100, 0));
  EXPECT_EQ(db.reads, 101);  // the first row had been evicted
}

}  // namespace
}  // namespace jobcard::ledger
