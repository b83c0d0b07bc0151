// Helpers for tests that look at a ChainStore's rows as stored: the raw
// database edited as an older or newer build would have left it, a family's
// rows, the pages of the tip's tree.
#pragma once

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ledger/chain_store.h"
#include "ledger/smt_page.h"
#include "ledger/sparse_merkle.h"
#include "tests/support/chain_fixture.h"
#include "tests/support/fixtures.h"

namespace jobcard::ledger {

// Opens the store's database directly, without ChainStore, to leave it as an
// older or a newer build would have: `edit` gets the column families by name.
inline void EditRawDb(const std::string& path,
                      const std::function<void(rocksdb::DB&, std::map<std::string, rocksdb::ColumnFamilyHandle*>&)>& edit) {
  std::vector<std::string> names;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& name : names) descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), path, descriptors, &handles, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  std::map<std::string, rocksdb::ColumnFamilyHandle*> by_name;
  for (std::size_t i = 0; i < names.size(); ++i) by_name[names[i]] = handles[i];
  edit(*db, by_name);
  // Into table files, not only the WAL: the store replays a WAL into
  // memtables that insert with hints, and RocksDB 7.8 would give a replayed
  // range deletion that does not begin at the empty key (the edits' own) the
  // rows' hint (chain_store.cpp, InsertHintForWholeFamily).
  ASSERT_TRUE(db->Flush(rocksdb::FlushOptions(), handles).ok());
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
}

namespace pages {

// The store's page rows, read back as SmtPageRows.
class RowPages final : public SmtPageRows {
 public:
  explicit RowPages(const ChainStore& store) : store_(store) {}
  Result<std::optional<Bytes>> GetPageRow(ByteView key) const override { return store_.ReadRow(StoreFamily::kSmtPages, key); }

 private:
  const ChainStore& store_;
};

inline std::map<Bytes, Bytes> Rows(const ChainStore& store, StoreFamily family) {
  std::map<Bytes, Bytes> out;
  auto rows = store.Rows(family);
  for (; rows->Valid(); rows->Next()) {
    out.emplace(Bytes(rows->key().begin(), rows->key().end()), Bytes(rows->value().begin(), rows->value().end()));
  }
  EXPECT_TRUE(rows->status().ok());
  return out;
}

// The pages of the tip's tree, as ForEachSmtPage lays them out, walked from
// the tip's root through the stored pages (each node checked against the
// hash its parent names, so every row here is authenticated by the root).
inline std::map<Bytes, Bytes> TipTreePages(const ChainStore& store) {
  RowPages rows(store);
  PagedSmtNodeStore nodes(rows);
  std::map<Bytes, Bytes> out;
  Status walked = ForEachSmtPage(nodes, store.Tip().state_root, [&](const Bytes& key, const SmtPage& page) {
    out.emplace(key, EncodeSmtPage(page));
    return Status::Ok();
  });
  EXPECT_TRUE(walked.ok()) << walked.error().code << ": " << walked.error().message;
  return out;
}

// Every enrolled subject's record is proved against the tip.
inline void ExpectSubjectProofs(const ChainStore& store, std::uint64_t subjects) {
  for (std::uint64_t i = 0; i < subjects; ++i) {
    const auto subject = testing::SyntheticSubject(i);
    auto record = store.GetSubject(subject);
    ASSERT_TRUE(record.has_value()) << i;
    auto proof = store.StateProof(SubjectStateKey(subject));
    ASSERT_TRUE(proof.ok()) << proof.error().message;
    EXPECT_TRUE(VerifySmtProof(store.Tip().state_root, SubjectStateKey(subject), SubjectStateValue(*record), *proof).ok()) << i;
  }
}

}  // namespace pages
}  // namespace jobcard::ledger
