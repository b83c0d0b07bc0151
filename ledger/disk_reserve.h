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

// JudgeDiskReserve with what the disk under `dir` has available now.
Status CheckDiskReserve(const std::string& dir, std::uint64_t min_free_bytes, std::uint64_t write_bytes = 0);

}  // namespace jobcard::ledger
