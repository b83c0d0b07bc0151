// The page backlog (ledger/smt_page_backlog.h): what it shadows, what it
// holds after merges, and the row a block writes in place of its pages.
#include "ledger/smt_page_backlog.h"

#include <gtest/gtest.h>

#include <map>

#include "ledger/smt_page_cache.h"

namespace jobcard::ledger {
namespace {

class MapRows final : public SmtPageRows {
 public:
  Result<std::optional<Bytes>> GetPageRow(ByteView key) const override {
    ++reads;
    if (auto it = rows.find(Bytes(key.begin(), key.end())); it != rows.end()) return std::optional<Bytes>(it->second);
    return std::optional<Bytes>();
  }
  std::map<Bytes, Bytes> rows;
  mutable int reads = 0;
};

const Bytes kRootKey{0};         // k = 0: the root page, no path bytes
const Bytes kKey{2, 0xab};       // k = 2: 8 bits of path, one byte
const Bytes kOtherKey{2, 0xac};
const Bytes kOldRow{0x01, 0x00, 0x07};
const Bytes kNewRow{0x01, 0x00, 0x09};

TEST(SmtPageBacklog, ARowItHoldsShadowsTheRowsBelowAndADeletedOneReadsAsMissing) {
  MapRows db;
  db.rows[kKey] = kOldRow;
  db.rows[kOtherKey] = kOldRow;
  SmtPageBacklog backlog;
  BackloggedSmtPageRows rows(backlog, db);
  backlog.Merge({{kKey, kNewRow}, {kOtherKey, std::nullopt}});
  auto row = rows.GetPageRow(kKey);
  ASSERT_TRUE(row.ok() && row->has_value());
  EXPECT_EQ(**row, kNewRow);
  auto deleted = rows.GetPageRow(kOtherKey);
  ASSERT_TRUE(deleted.ok());
  EXPECT_FALSE(deleted->has_value()) << "a page the backlog deleted is gone, whatever the database still holds";
  EXPECT_EQ(db.reads, 0);
  auto below = rows.GetPageRow(kRootKey);
  ASSERT_TRUE(below.ok());
  EXPECT_FALSE(below->has_value());
  EXPECT_EQ(db.reads, 1) << "a row the backlog does not hold is read from below";
}

// Decoded where it lies (ReadPageInto): the backlog's row, a deleted page
// as no row (the page untouched), a damaged row's error naming its page,
// and a row the backlog does not hold decoded from below.
TEST(SmtPageBacklog, ARowItHoldsIsDecodedInPlace) {
  SmtPage leaf_page;
  leaf_page.slots[3] = SmtLeaf{Hash32{7}, Hash32{8}};
  SmtPage other_page;
  other_page.slots[0] = SmtInternal{Hash32{1}, Hash32{2}};
  MapRows db;
  db.rows[kKey] = EncodeSmtPage(other_page);
  db.rows[kRootKey] = EncodeSmtPage(other_page);
  SmtPageBacklog backlog;
  BackloggedSmtPageRows rows(backlog, db);
  backlog.Merge({{kKey, EncodeSmtPage(leaf_page)}, {kOtherKey, std::nullopt}, {Bytes{2, 0xad}, kOldRow}});
  SmtPage page = other_page;
  auto found = rows.ReadPageInto(kKey, page);
  ASSERT_TRUE(found.ok() && *found);
  EXPECT_EQ(page, leaf_page);
  page = other_page;
  auto deleted = rows.ReadPageInto(kOtherKey, page);
  ASSERT_TRUE(deleted.ok());
  EXPECT_FALSE(*deleted);
  EXPECT_EQ(page, other_page) << "no row: the page is left as it was";
  auto damaged = rows.ReadPageInto(Bytes{2, 0xad}, page);
  ASSERT_FALSE(damaged.ok());
  EXPECT_EQ(damaged.error().code, "encoding.truncated");
  EXPECT_NE(damaged.error().message.find("state index page 02ad"), std::string::npos) << damaged.error().message;
  EXPECT_EQ(db.reads, 0);
  auto below = rows.ReadPageInto(kRootKey, page);
  ASSERT_TRUE(below.ok() && *below);
  EXPECT_EQ(page, other_page);
  EXPECT_EQ(db.reads, 1) << "a row the backlog does not hold is read from below";
}

TEST(SmtPageBacklog, TheLaterMergeWinsAndClearEmptiesIt) {
  SmtPageBacklog backlog;
  backlog.Merge({{kKey, kOldRow}, {kRootKey, kOldRow}});
  const std::size_t two_rows = backlog.bytes();
  backlog.Merge({{kKey, kNewRow}});
  EXPECT_EQ(backlog.size(), 2u);
  EXPECT_EQ(backlog.bytes(), two_rows) << "a replaced row of the same size is charged once";
  std::map<Bytes, std::optional<Bytes>> seen;
  backlog.ForEach([&](const SmtPageRowKey& key, const std::optional<Bytes>& row) {
    const ByteView bytes = SmtPageKeyBytes(key);
    seen[Bytes(bytes.begin(), bytes.end())] = row;
  });
  EXPECT_EQ(seen, (std::map<Bytes, std::optional<Bytes>>{{kRootKey, kOldRow}, {kKey, kNewRow}}));
  backlog.Merge({{kKey, std::nullopt}});
  EXPECT_LT(backlog.bytes(), two_rows) << "a deleted row holds no bytes";
  backlog.Clear();
  EXPECT_TRUE(backlog.empty());
  EXPECT_EQ(backlog.bytes(), 0u);
  EXPECT_FALSE(backlog.Find(kKey).has_value());
}

TEST(SmtPageBacklog, BytesThatAreNotAPageKeyAreNeverHeld) {
  SmtPageBacklog backlog;
  backlog.Merge({{Bytes{2}, kOldRow}, {Bytes{65}, kOldRow}});  // k = 2 needs one path byte; k = 65 is past the tree
  EXPECT_TRUE(backlog.empty());
  EXPECT_FALSE(backlog.Find(Bytes{2}).has_value());
}

// The cache learns the backlog's rows when they are written back.
TEST(SmtPageBacklog, TheCacheRemembersEveryRowOfAWrittenBacklog) {
  MapRows db;
  SmtPageRowCache cache(1 << 20);
  SmtPageBacklog backlog;
  backlog.Merge({{kKey, kNewRow}, {kOtherKey, std::nullopt}});
  cache.Remember(backlog);
  CachedSmtPageRows rows(db, cache);
  auto row = rows.GetPageRow(kKey);
  ASSERT_TRUE(row.ok() && row->has_value());
  EXPECT_EQ(**row, kNewRow);
  auto deleted = rows.GetPageRow(kOtherKey);
  ASSERT_TRUE(deleted.ok());
  EXPECT_FALSE(deleted->has_value());
  EXPECT_EQ(db.reads, 0);
}

Hash32 Filled(std::uint8_t b) {
  Hash32 h;
  h.fill(b);
  return h;
}

TEST(BlockStateChanges, RoundTripsWithItsBytesSpelledOut) {
  const SmtChanges changes{{Filled(1), Filled(2)}, {Filled(3), std::nullopt}};
  const Bytes row = EncodeBlockStateChanges(Filled(9), changes);
  Bytes expected(32, 9);
  expected.insert(expected.end(), {0, 0, 0, 2});
  expected.insert(expected.end(), 32, 1);
  expected.push_back(1);
  expected.insert(expected.end(), 32, 2);
  expected.insert(expected.end(), 32, 3);
  expected.push_back(0);
  EXPECT_EQ(row, expected);
  auto decoded = DecodeBlockStateChanges(row);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->parent_root, Filled(9));
  EXPECT_EQ(decoded->changes, changes);
  auto none = DecodeBlockStateChanges(EncodeBlockStateChanges(Filled(9), {}));
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->changes.empty());
}

TEST(BlockStateChanges, MalformedRowsAreRefusedWithTheirReason) {
  const Bytes row = EncodeBlockStateChanges(Filled(9), {{Filled(1), Filled(2)}, {Filled(3), std::nullopt}});
  auto code = [](const Bytes& bytes) {
    auto decoded = DecodeBlockStateChanges(bytes);
    return decoded.ok() ? std::string("ok") : decoded.error().code;
  };
  EXPECT_EQ(code(Bytes(row.begin(), row.begin() + 20)), "encoding.truncated");  // inside the parent root
  EXPECT_EQ(code(Bytes(row.begin(), row.end() - 1)), "encoding.truncated");     // inside the last change
  Bytes trailing = row;
  trailing.push_back(0);
  EXPECT_EQ(code(trailing), "encoding.trailing_bytes");
  Bytes flag = row;
  flag[36 + 32] = 2;  // the first change's value flag
  EXPECT_EQ(code(flag), "store.bad_changes");
  Bytes huge = row;
  huge[32] = 0xff;  // a count of ~4 billion changes in ~100 bytes: refused before anything is reserved
  EXPECT_EQ(code(huge), "encoding.too_large");
}

}  // namespace
}  // namespace jobcard::ledger
