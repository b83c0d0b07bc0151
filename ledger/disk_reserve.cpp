#include "ledger/disk_reserve.h"

#include <algorithm>

#include <sys/statvfs.h>

namespace jobcard::ledger {

std::optional<std::uint64_t> AvailableDiskBytes(const std::string& dir) {
  struct statvfs fs {};
  if (::statvfs(dir.c_str(), &fs) != 0) return std::nullopt;
  return static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize;
}

Status JudgeDiskReserve(std::optional<std::uint64_t> available, std::uint64_t min_free_bytes, std::uint64_t write_bytes,
                        const std::string& dir) {
  if (min_free_bytes == 0 || !available) return Status::Ok();
  if (*available >= write_bytes && *available - write_bytes >= min_free_bytes) return Status::Ok();
  return MakeError("store.no_space", "only " + std::to_string(*available) + " bytes are free on the disk of " + dir +
                                         " for a write of " + std::to_string(write_bytes) + " bytes and the reserve of " +
                                         std::to_string(min_free_bytes) +
                                         " bytes (store_min_free_bytes): no block is written until space is freed");
}

std::uint64_t BytesABlockWriteNeeds(std::uint64_t batch_bytes, std::uint64_t memtable_bytes) {
  return 2 * batch_bytes + memtable_bytes;
}

CompactionRoom CompactionRoomFor(std::uint64_t table_bytes, std::uint64_t available, std::uint64_t min_free_bytes,
                                 std::uint64_t write_bytes, bool compactions_running,
                                 std::uint64_t previous_max_table_bytes) {
  CompactionRoom room;
  // Never 0: SstFileManager reads 0 as "no limit".
  room.max_table_bytes = std::max<std::uint64_t>(1, table_bytes + (available > min_free_bytes ? available - min_free_bytes : 0));
  if (compactions_running) room.max_table_bytes = std::max(room.max_table_bytes, previous_max_table_bytes);
  room.compaction_buffer_bytes = write_bytes;
  return room;
}

Status CheckDiskReserve(const std::string& dir, std::uint64_t min_free_bytes, std::uint64_t write_bytes) {
  if (min_free_bytes == 0) return Status::Ok();
  return JudgeDiskReserve(AvailableDiskBytes(dir), min_free_bytes, write_bytes, dir);
}

}  // namespace jobcard::ledger
