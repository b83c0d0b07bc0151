// Where a closed store's bytes are, per column family, for jobcard_bench
// --disk-breakdown: it opens the RocksDB database directly (with the options
// the store last wrote to its OPTIONS file, so that a compaction writes the
// same kind of table files), reads each family's figures, compacts every
// family fully and reads them again.
//
// Why compact: overwritten records (a subject's record is rewritten by each
// of its entries) and deleted rows (the state-index nodes a block replaces)
// stay in the table files until a compaction reaches them; the compacted
// figure is the steady state a long-running node tends to, the first one
// what the background compactions had left at that moment.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/convenience.h>
#include <rocksdb/utilities/options_util.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace jobcard::bench {

// Bytes of every regular file under `dir`.
inline std::uint64_t DirectoryBytes(const std::string& dir) {
  std::uint64_t total = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (entry.is_regular_file(ec)) total += entry.file_size(ec);
  }
  return total;
}

struct DiskBreakdown {
  std::string families_json;            // as left by the background compactions
  std::string families_compacted_json;  // after a full compaction
  double bytes_per_entry_compacted = 0;
  std::string error;                    // empty when it worked
};

namespace detail {

inline std::string FamiliesJson(rocksdb::DB& db, const std::vector<rocksdb::ColumnFamilyHandle*>& handles,
                                std::uint64_t entries) {
  std::string out = "[";
  for (auto* handle : handles) {
    std::uint64_t sst = 0, live = 0, keys = 0;
    (void)db.GetIntProperty(handle, rocksdb::DB::Properties::kTotalSstFilesSize, &sst);
    (void)db.GetIntProperty(handle, rocksdb::DB::Properties::kEstimateLiveDataSize, &live);
    (void)db.GetIntProperty(handle, rocksdb::DB::Properties::kEstimateNumKeys, &keys);
    std::string compression;
    (void)rocksdb::GetStringFromCompressionType(&compression, db.GetOptions(handle).compression);
    char row[400];
    std::snprintf(row, sizeof row,
                  "%s{\"family\":\"%s\",\"sst_bytes\":%llu,\"live_data_bytes\":%llu,\"keys\":%llu,"
                  "\"sst_bytes_per_entry\":%.1f,\"compression\":\"%s\"}",
                  out.size() > 1 ? "," : "", handle->GetName().c_str(), static_cast<unsigned long long>(sst),
                  static_cast<unsigned long long>(live), static_cast<unsigned long long>(keys),
                  static_cast<double>(sst) / static_cast<double>(entries), compression.c_str());
    out += row;
  }
  return out + "]";
}

}  // namespace detail

// `dir` must hold a closed store; `entries` divides the byte counts.
inline DiskBreakdown MeasureDiskBreakdown(const std::string& dir, std::uint64_t entries) {
  DiskBreakdown out;
  rocksdb::ConfigOptions config;
  rocksdb::DBOptions db_options;
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  rocksdb::Status s = rocksdb::LoadLatestOptions(config, dir, &db_options, &descriptors);
  if (!s.ok()) return DiskBreakdown{{}, {}, 0, "loading the store's options: " + s.ToString()};
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  s = rocksdb::DB::Open(db_options, dir, descriptors, &handles, &raw);
  if (!s.ok()) return DiskBreakdown{{}, {}, 0, "opening the store: " + s.ToString()};
  std::unique_ptr<rocksdb::DB> db(raw);
  out.families_json = detail::FamiliesJson(*db, handles, entries);
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  for (auto* handle : handles) {
    s = db->CompactRange(compact, handle, nullptr, nullptr);
    if (!s.ok() && out.error.empty()) out.error = "compacting " + handle->GetName() + ": " + s.ToString();
  }
  out.families_compacted_json = detail::FamiliesJson(*db, handles, entries);
  for (auto* handle : handles) db->DestroyColumnFamilyHandle(handle);
  db.reset();
  out.bytes_per_entry_compacted = static_cast<double>(DirectoryBytes(dir)) / static_cast<double>(entries);
  return out;
}

}  // namespace jobcard::bench
