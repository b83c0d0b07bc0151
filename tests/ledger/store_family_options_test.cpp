// Which families hash their memtables (store_family_options.h). That the
// store reads them right: ChainStoreTest.HashedMemtables* in
// chain_store_test.cpp.
#include "ledger/store_family_options.h"

#include <gtest/gtest.h>
#include <rocksdb/memtablerep.h>
#include <rocksdb/slice_transform.h>

#include <map>
#include <string>


namespace jobcard::ledger {
namespace {

TEST(StoreFamilyOptions, OnlyTheRandomKeyedFamiliesHashTheirMemtable) {
  const rocksdb::ColumnFamilyOptions base;
  const std::map<StoreFamily, std::size_t> hashed = {
      {StoreFamily::kTxs, 8}, {StoreFamily::kSmtPages, 8}, {StoreFamily::kBySubject, 33}};
  for (std::size_t i = 0; i < kStoreFamilyCount; ++i) {
    const auto family = static_cast<StoreFamily>(i);
    const rocksdb::ColumnFamilyOptions options = StoreFamilyOptions(family, base);
    const auto it = hashed.find(family);
    SCOPED_TRACE(std::string(StoreFamilyName(family)));
    if (it == hashed.end()) {
      EXPECT_EQ(HashedMemtablePrefix(family), 0u);
      EXPECT_EQ(options.prefix_extractor, nullptr);
      EXPECT_STREQ(options.memtable_factory->Name(), base.memtable_factory->Name());
    } else {
      EXPECT_EQ(HashedMemtablePrefix(family), it->second);
      ASSERT_NE(options.prefix_extractor, nullptr);
      EXPECT_STREQ(options.memtable_factory->Name(), "HashSkipListRepFactory");
      // A key shorter than the prefix (the root's page: one byte) is in the
      // extractor's domain, whole.
      EXPECT_TRUE(options.prefix_extractor->InDomain(rocksdb::Slice("\x00", 1)));
      EXPECT_EQ(options.prefix_extractor->Transform(rocksdb::Slice(std::string(40, 'x'))).size(), it->second);
    }
  }
}

}  // namespace
}  // namespace jobcard::ledger
