// A free-space reserve checked before each block is written.
//
// Why: RocksDB built with its assertions on (Debian's librocksdb) can abort
// inside a write the disk refuses (WritableFileWriter asserts after a failed
// append; RELIABILITY.md, full store). Stopping while a reserve is still free
// means RocksDB's foreground writes never meet ENOSPC, so a full disk ends
// the node with `store.no_space` and a clean exit instead of an abort. The
// check counts the block's batch and the memtables' bytes on top of the
// reserve: a background flush writes those out, and would meet ENOSPC
// where no error can reach the node.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "crypto/result.h"

namespace jobcard::ledger {

// Bytes the file system under `dir` has available to this process;
// nullopt when statvfs cannot say.
std::optional<std::uint64_t> AvailableDiskBytes(const std::string& dir);

// Ok when `min_free_bytes` is 0 (no reserve), when `available` is at least
// `write_bytes` (what is about to be written: a block's batch, and the
// memtables a flush will write out, can be larger than the reserve) plus
// `min_free_bytes`, or when `available` is unknown (the write itself will
// then say what is wrong). Otherwise `store.no_space`, naming the figures
// and `dir`.
Status JudgeDiskReserve(std::optional<std::uint64_t> available, std::uint64_t min_free_bytes, std::uint64_t write_bytes,
                        const std::string& dir);

// What a block's write can take from the disk before the next flush is done:
// its batch appended to RocksDB's WAL, and the flush's table files holding
// the memtables plus that batch again, written while the WAL that holds the
// same bytes is still on disk (it is deleted only after the flush). Found by
// CompactionFullDisk's first sizing: a 3.4 MB block's flush met ENOSPC after
// a check that counted the batch once (spec/storage.md, Full disk).
std::uint64_t BytesABlockWriteNeeds(std::uint64_t batch_bytes, std::uint64_t memtable_bytes);

// Room for compactions. A compaction writes its output before it deletes its
// inputs, and runs in the background beside the block writes: on a nearly
// full disk it took the space a flush needed, and RocksDB aborted in the
// flush's writer (CompactionFullDisk, ~1 run in 6 before this). RocksDB's
// SstFileManager starts a compaction only while the table files, the
// compactions running, this one's inputs (its output's size, conservatively)
// and a buffer stay under an allowed total; it retries a refused one a
// second later. Set before each block: the allowed total is what the table
// files hold plus what the disk has available minus the reserve, and the
// buffer is the block's own need (its write and the flush after). So a
// compaction runs only if it leaves the block, the flush and the reserve
// their room; a flush never takes the total over it (the reserve check
// passed), which RocksDB would answer with a read-only database.
//
// While a compaction runs, its output is partly written: it is out of the
// disk's available bytes but not yet in the table files' total, so a total
// recomputed then would be too low, and the compaction's output, added when
// it finishes (before its inputs are deleted), would take the total over it:
// RocksDB answers that with a read-only database too. So while compactions
// run the allowed total is never lowered (`previous_max_table_bytes`): the
// running ones were admitted against it, their inputs reserved in it.
struct CompactionRoom {
  std::uint64_t max_table_bytes = 0;       // SstFileManager::SetMaxAllowedSpaceUsage
  std::uint64_t compaction_buffer_bytes = 0;  // SstFileManager::SetCompactionBufferSize
};
CompactionRoom CompactionRoomFor(std::uint64_t table_bytes, std::uint64_t available, std::uint64_t min_free_bytes,
                                 std::uint64_t write_bytes, bool compactions_running = false,
                                 std::uint64_t previous_max_table_bytes = 0);

// JudgeDiskReserve with what the disk under `dir` has available now.
Status CheckDiskReserve(const std::string& dir, std::uint64_t min_free_bytes, std::uint64_t write_bytes = 0);

}  // namespace jobcard::ledger
