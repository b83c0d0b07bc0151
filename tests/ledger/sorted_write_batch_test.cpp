#include "ledger/sorted_write_batch.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "tests/support/temp_dir.h"

namespace jobcard::ledger {
namespace {

// A database with the default column family and two more.
struct TwoFamilyDb {
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> families;

  explicit TwoFamilyDb(const std::string& path) {
    rocksdb::Options options;
    options.create_if_missing = true;
    options.create_missing_column_families = true;
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors = {
        {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()},
        {"one", rocksdb::ColumnFamilyOptions()},
        {"two", rocksdb::ColumnFamilyOptions()}};
    rocksdb::DB* raw = nullptr;
    EXPECT_TRUE(rocksdb::DB::Open(options, path, descriptors, &families, &raw).ok());
    db.reset(raw);
  }
  ~TwoFamilyDb() {
    for (auto* h : families) db->DestroyColumnFamilyHandle(h);
  }
  // Every (family, key) -> value.
  std::map<std::pair<std::size_t, std::string>, std::string> Contents() const {
    std::map<std::pair<std::size_t, std::string>, std::string> out;
    for (std::size_t f = 0; f < families.size(); ++f) {
      std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), families[f]));
      for (it->SeekToFirst(); it->Valid(); it->Next()) out[{f, it->key().ToString()}] = it->value().ToString();
    }
    return out;
  }
};

// The batch's writes in order: (family id, key, value or "<deleted>").
std::vector<std::tuple<std::uint32_t, std::string, std::string>> WritesOf(const rocksdb::WriteBatch& batch) {
  struct Lister : rocksdb::WriteBatch::Handler {
    std::vector<std::tuple<std::uint32_t, std::string, std::string>> writes;
    rocksdb::Status PutCF(std::uint32_t f, const rocksdb::Slice& k, const rocksdb::Slice& v) override {
      writes.emplace_back(f, k.ToString(), v.ToString());
      return rocksdb::Status::OK();
    }
    rocksdb::Status DeleteCF(std::uint32_t f, const rocksdb::Slice& k) override {
      writes.emplace_back(f, k.ToString(), "<deleted>");
      return rocksdb::Status::OK();
    }
    rocksdb::Status SingleDeleteCF(std::uint32_t f, const rocksdb::Slice& k) override {
      writes.emplace_back(f, k.ToString(), "<single-deleted>");
      return rocksdb::Status::OK();
    }
  } lister;
  EXPECT_TRUE(batch.Iterate(&lister).ok());
  return lister.writes;
}

rocksdb::WriteBatch MixedBatch(const std::vector<rocksdb::ColumnFamilyHandle*>& f) {
  rocksdb::WriteBatch batch;
  batch.Put(f[2], "zebra", "1");
  batch.Put(f[1], "mango", "2");
  batch.Put(f[0], "tip", "3");
  batch.Put(f[1], "apple", "4");
  batch.Put(f[2], "ant", "5");
  batch.Put(f[1], "kiwi", "first");   // written twice: the later value wins
  batch.Put(f[1], "kiwi", "second");
  batch.Put(f[2], "gone", "6");        // put, then deleted in the same batch
  batch.Delete(f[2], "gone");
  batch.Put(f[1], std::string("\x00\xff", 2), "binary");  // bytewise order, not text order
  return batch;
}

TEST(SortedWriteBatch, OrdersByFamilyThenKeyKeepingTheOrderOfOneKeysWrites) {
  testing::TempDir dir;
  TwoFamilyDb db((dir / "db").string());
  auto sorted = SortedByKey(MixedBatch(db.families), db.families);
  ASSERT_TRUE(sorted.ok()) << sorted.error().message;
  using W = std::tuple<std::uint32_t, std::string, std::string>;
  const std::vector<W> expected = {
      W{0, "tip", "3"},
      W{1, std::string("\x00\xff", 2), "binary"},
      W{1, "apple", "4"},
      W{1, "kiwi", "first"},
      W{1, "kiwi", "second"},
      W{1, "mango", "2"},
      W{2, "ant", "5"},
      W{2, "gone", "6"},
      W{2, "gone", "<deleted>"},
      W{2, "zebra", "1"},
  };
  EXPECT_EQ(WritesOf(*sorted), expected);
  EXPECT_EQ(sorted->Count(), 10u);
}

TEST(SortedWriteBatch, LeavesTheSameDatabaseAsTheBatchAsBuilt) {
  testing::TempDir dir;
  TwoFamilyDb as_built((dir / "as_built").string());
  TwoFamilyDb reordered((dir / "reordered").string());
  rocksdb::WriteOptions sync;
  sync.sync = true;
  rocksdb::WriteBatch original = MixedBatch(as_built.families);
  ASSERT_TRUE(as_built.db->Write(sync, &original).ok());
  auto sorted = SortedByKey(MixedBatch(reordered.families), reordered.families);
  ASSERT_TRUE(sorted.ok());
  ASSERT_TRUE(reordered.db->Write(sync, &*sorted).ok());
  const auto contents = reordered.Contents();
  EXPECT_EQ(contents, as_built.Contents());
  EXPECT_EQ(contents.at({1, "kiwi"}), "second");
  EXPECT_EQ(contents.count({2, "gone"}), 0u);
  EXPECT_EQ(contents.size(), 7u);
}

// Keys of 0-12 bytes, mostly 0x00, 0x01 and 0xff (where a zero-padded
// first-8-bytes comparison could go wrong: a key that is another's prefix,
// or ends where the other has zeros), come out in bytewise order, each
// key's writes in the order they were made.
TEST(SortedWriteBatch, OrdersKeysOfAnyLengthBytewise) {
  testing::TempDir dir;
  TwoFamilyDb db((dir / "db").string());
  std::mt19937_64 rng(7);
  const char alphabet[] = {'\x00', '\x01', '\xff', 'a'};
  rocksdb::WriteBatch batch;
  using W = std::tuple<std::uint32_t, std::string, std::string>;
  std::vector<W> expected;
  for (int i = 0; i < 3000; ++i) {
    std::string key(rng() % 13, '\0');
    for (char& c : key) c = alphabet[rng() % 4];
    const std::uint32_t family = static_cast<std::uint32_t>(rng() % 2) + 1;
    batch.Put(db.families[family], key, std::to_string(i));
    expected.emplace_back(family, key, std::to_string(i));
  }
  std::stable_sort(expected.begin(), expected.end(), [](const W& a, const W& b) {
    return std::tie(std::get<0>(a), std::get<1>(a)) < std::tie(std::get<0>(b), std::get<1>(b));
  });
  auto sorted = SortedByKey(batch, db.families);
  ASSERT_TRUE(sorted.ok()) << sorted.error().message;
  EXPECT_EQ(WritesOf(*sorted), expected);
}

// The store deletes state-index nodes with SingleDelete (each is put once).
TEST(SortedWriteBatch, KeepsSingleDeletesInPlace) {
  testing::TempDir dir;
  TwoFamilyDb db((dir / "db").string());
  rocksdb::WriteBatch batch;
  batch.Put(db.families[1], "plum", "7");
  batch.SingleDelete(db.families[1], "plum");
  batch.Put(db.families[1], "fig", "8");
  auto sorted = SortedByKey(batch, db.families);
  ASSERT_TRUE(sorted.ok()) << sorted.error().message;
  using W = std::tuple<std::uint32_t, std::string, std::string>;
  const std::vector<W> expected = {W{1, "fig", "8"}, W{1, "plum", "7"}, W{1, "plum", "<single-deleted>"}};
  EXPECT_EQ(WritesOf(*sorted), expected);
  ASSERT_TRUE(db.db->Write(rocksdb::WriteOptions(), &*sorted).ok());
  const auto contents = db.Contents();
  EXPECT_EQ(contents.size(), 1u);
  EXPECT_EQ(contents.count({1, "plum"}), 0u);
}

TEST(SortedWriteBatch, RefusesWritesItCannotReorder) {
  testing::TempDir dir;
  TwoFamilyDb db((dir / "db").string());
  rocksdb::WriteBatch batch;
  batch.Put(db.families[1], "b", "1");
  batch.DeleteRange(db.families[1], "a", "c");  // a range delete is not a point write
  auto sorted = SortedByKey(batch, db.families);
  ASSERT_FALSE(sorted.ok());
  EXPECT_EQ(sorted.error().code, "store.unsorted_batch");
}

TEST(SortedWriteBatch, RefusesAFamilyItWasNotGiven) {
  testing::TempDir dir;
  TwoFamilyDb db((dir / "db").string());
  rocksdb::WriteBatch batch;
  batch.Put(db.families[2], "b", "1");
  auto sorted = SortedByKey(batch, {db.families[0], db.families[1]});
  ASSERT_FALSE(sorted.ok());
  EXPECT_EQ(sorted.error().code, "store.unsorted_batch");
}

}  // namespace
}  // namespace jobcard::ledger
