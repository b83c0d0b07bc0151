// A free-space reserve checked before each block is written.
//
// Why: RocksDB built with its assertions on (Debian's librocksdb) can abort
// inside a write the disk refuses (WritableFileWriter asserts after a failed
// append; RELIABILITY.md, full store). Stopping while a reserve is still free
// means RocksDB's foreground writes never meet ENOSPC, so a full disk ends
// the node with `store.no_space` and a clean exit instead of an abort.
#pragma once

#include <cstdint>
#include <string>

#include "crypto/result.h"

namespace jobcard::ledger {

// Ok when `min_free_bytes` is 0 (no reserve), when the file system under
// `dir` has at least `write_bytes` (the write about to be made: a block's
// batch can be larger than the reserve) plus `min_free_bytes` available to
// this process, or when the free space cannot be read (statvfs fails: the
// write itself will then say what is wrong). Otherwise `store.no_space`,
// naming the figures.
Status CheckDiskReserve(const std::string& dir, std::uint64_t min_free_bytes, std::uint64_t write_bytes = 0);

}  // namespace jobcard::ledger
