// MerkleLog: the append-only entry log of DESIGN.md §4 over stored complete
// subtrees (ledger/log_node_store.h, spec/merkle-log.md).
//
// Every function is pure: it reads the store and returns values; nothing is
// written. Append returns the node writes, and the caller commits them in the
// same atomic batch as the block that appended the leaves, so after a crash
// the log is exactly at a block boundary. The log's size is not stored here
// either: it is the caller's (the block header's) and is passed in.
//
// Costs, for a log of n leaves:
//   Append of k leaves    <= 63 reads, about 2k + log2(n) hashes and writes
//   Root(size)            <= 64 reads, <= 63 hashes
//   InclusionProof        <= 2 * 64 reads
//   ConsistencyProof      <= 2 * 64 reads
// Any historical size <= current_size is served, not only the latest: the root
// and proofs of an old size are rebuilt from the complete subtrees it spans.
//
// Error codes (stable), besides those of ledger/merkle_log.h:
//   merkle.bad_size      a size beyond current_size, or size1 > size2
//   merkle.log_full      an append past 2^64 - 1 leaves
//   merkle.missing_node  the store lacks a node the size says exists
//                        (corruption, or a size not matching the store)
// Thread safety: as the store's Get; the functions keep no state.
#pragma once

#include <cstdint>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/result.h"
#include "ledger/log_node_store.h"

namespace jobcard::ledger {

struct AppendResult {
  std::uint64_t new_size = 0;
  Hash32 root{};
  // Every complete subtree the append finished, leaves included, in the order
  // they were completed. Commit all of them or none.
  std::vector<LogNodeWrite> writes;
};

class MerkleLog {
 public:
  MerkleLog() = delete;  // a namespace of pure functions over a store

  // Appends leaf hashes (LeafHash of each entry) to a log of current_size.
  static Result<AppendResult> Append(const LogNodeStore& store, std::uint64_t current_size,
                                     const std::vector<Hash32>& leaf_hashes);

  // MTH of the first `size` leaves; EmptyRoot() for size 0.
  static Result<Hash32> Root(const LogNodeStore& store, std::uint64_t current_size,
                             std::uint64_t size);

  // RFC 9162 PATH(index, D[size]): verify with VerifyInclusion.
  static Result<std::vector<Hash32>> InclusionProof(const LogNodeStore& store,
                                                    std::uint64_t current_size,
                                                    std::uint64_t index, std::uint64_t size);

  // RFC 9162 PROOF(size1, D[size2]); empty if size1 == 0 or size1 == size2.
  // Verify with VerifyConsistency.
  static Result<std::vector<Hash32>> ConsistencyProof(const LogNodeStore& store,
                                                      std::uint64_t current_size,
                                                      std::uint64_t size1, std::uint64_t size2);
};

}  // namespace jobcard::ledger
