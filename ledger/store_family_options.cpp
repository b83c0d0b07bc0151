#include "ledger/store_family_options.h"

#include <rocksdb/memtablerep.h>
#include <rocksdb/slice_transform.h>

namespace jobcard::ledger {

std::size_t HashedMemtablePrefix(StoreFamily family) {
  switch (family) {
    case StoreFamily::kTxs:
    case StoreFamily::kSmtPages:
      return 8;  // random bytes (an id, a path) after at most a 1-byte level
    case StoreFamily::kBySubject:
      return 1 + 32;  // 's' + the subject id: one subject's rows, in log order, per bucket
    default:
      return 0;
  }
}

rocksdb::ColumnFamilyOptions StoreFamilyOptions(StoreFamily family, const rocksdb::ColumnFamilyOptions& base) {
  rocksdb::ColumnFamilyOptions options = base;
  if (const std::size_t prefix = HashedMemtablePrefix(family); prefix > 0) {
    // Capped, not fixed: a key shorter than the prefix (a state-index page
    // near the root) is its own prefix instead of out of the extractor's domain.
    options.prefix_extractor.reset(rocksdb::NewCappedPrefixTransform(prefix));
    options.memtable_factory.reset(rocksdb::NewHashSkipListRepFactory(kHashedMemtableBuckets));
  }
  return options;
}

}  // namespace jobcard::ledger
