#include "ledger/sorted_write_batch.h"

#include <algorithm>
#include <string>

namespace jobcard::ledger {

namespace {

enum class Op : std::uint8_t { kPut, kDelete, kSingleDelete };

struct Write {
  std::uint32_t family = 0;
  rocksdb::Slice key;
  rocksdb::Slice value;
  Op op = Op::kPut;
};

// Collects the batch's writes; the slices point into the batch, which
// outlives them.
class Collector final : public rocksdb::WriteBatch::Handler {
 public:
  std::vector<Write> writes;
  rocksdb::Status PutCF(std::uint32_t family, const rocksdb::Slice& key, const rocksdb::Slice& value) override {
    writes.push_back(Write{family, key, value, Op::kPut});
    return rocksdb::Status::OK();
  }
  rocksdb::Status DeleteCF(std::uint32_t family, const rocksdb::Slice& key) override {
    writes.push_back(Write{family, key, {}, Op::kDelete});
    return rocksdb::Status::OK();
  }
  rocksdb::Status SingleDeleteCF(std::uint32_t family, const rocksdb::Slice& key) override {
    writes.push_back(Write{family, key, {}, Op::kSingleDelete});
    return rocksdb::Status::OK();
  }
  // Any other operation keeps the default handler, which fails the Iterate.
};

}  // namespace

Result<rocksdb::WriteBatch> SortedByKey(const rocksdb::WriteBatch& batch,
                                        const std::vector<rocksdb::ColumnFamilyHandle*>& families) {
  Collector collector;
  collector.writes.reserve(static_cast<std::size_t>(batch.Count()));
  rocksdb::Status s = batch.Iterate(&collector);
  if (!s.ok()) return MakeError("store.unsorted_batch", "the batch holds writes that cannot be reordered: " + s.ToString());
  std::stable_sort(collector.writes.begin(), collector.writes.end(), [](const Write& a, const Write& b) {
    if (a.family != b.family) return a.family < b.family;
    return a.key.compare(b.key) < 0;  // bytewise, as every column family's comparator
  });
  std::vector<rocksdb::ColumnFamilyHandle*> by_id;
  for (auto* handle : families) {
    if (handle->GetID() >= by_id.size()) by_id.resize(handle->GetID() + 1, nullptr);
    by_id[handle->GetID()] = handle;
  }
  rocksdb::WriteBatch sorted(static_cast<std::size_t>(batch.GetDataSize()));
  for (const Write& w : collector.writes) {
    auto* family = w.family < by_id.size() ? by_id[w.family] : nullptr;
    if (family == nullptr) return MakeError("store.unsorted_batch", "the batch names an unknown column family");
    switch (w.op) {
      case Op::kPut: s = sorted.Put(family, w.key, w.value); break;
      case Op::kDelete: s = sorted.Delete(family, w.key); break;
      case Op::kSingleDelete: s = sorted.SingleDelete(family, w.key); break;
    }
    if (!s.ok()) return MakeError("store.unsorted_batch", "reordering the batch failed: " + s.ToString());
  }
  return sorted;
}

}  // namespace jobcard::ledger
