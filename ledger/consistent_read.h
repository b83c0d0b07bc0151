// Reads that must all belong to one tip: a block header with a state proof
// made against its root, a subject record with its proof, log proofs at the
// tip's size. Each ChainStore read is consistent on its own, but a commit can
// land between two of them, and the answer would then mix two tips (a proof
// that does not verify against the header sent with it). ReadAtOneTip runs
// the reads again until no commit overlapped them, in the manner of a
// seqlock over ChainStore::CommitSequence.
#pragma once

#include <chrono>
#include <cstdint>
#include <thread>

#include "crypto/result.h"
#include "ledger/chain_store.h"

namespace jobcard::ledger {

struct ConsistentReadLimits {
  // Commits come one a block interval and a read takes well under a
  // millisecond, so a second read almost always succeeds; the bounds only
  // keep a pathological overlap from spinning.
  int max_reads = 8;
  std::chrono::milliseconds max_wait{2000};
};

// `read` returns a Result<T>; it may run several times and must have no
// effect beyond its return value. Fails with store.busy when every try
// overlapped a commit.
template <typename Read>
auto ReadAtOneTip(const ChainStore& store, Read&& read, ConsistentReadLimits limits = {}) -> decltype(read()) {
  const auto deadline = std::chrono::steady_clock::now() + limits.max_wait;
  for (int reads = 0; reads < limits.max_reads && std::chrono::steady_clock::now() <= deadline;) {
    const std::uint64_t before = store.CommitSequence();
    if (before % 2 == 1) {
      // A block is being written; its tip follows within the write's time.
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      continue;
    }
    auto out = read();
    ++reads;
    if (store.CommitSequence() == before) return out;
  }
  return MakeError("store.busy", "blocks were committed during every attempt to read a consistent answer; try again");
}

}  // namespace jobcard::ledger
