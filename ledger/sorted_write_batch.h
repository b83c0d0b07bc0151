// SortedByKey: the same writes as a RocksDB WriteBatch, reordered by column
// family and key, for a cheaper insert into the memtable.
//
// Why: a block's batch holds tens of thousands of puts whose keys are hashes
// (state-index nodes, transaction ids, subject records), so each lands at a
// random place in a memtable skip list of hundreds of thousands of keys, and
// every insert searches it from the top, missing the CPU cache at each level.
// In key order, each insert starts from where the previous one ended (the
// skip list keeps that "splice"), and only the levels between the two keys
// are searched again. At 100,000 entries the memtable insert was the largest
// cost after signature verification (BENCHMARKS.md, issue 3).
//
// The result is the same database state: a batch is applied atomically, and
// the sort is stable, so two writes of one key keep their order (the later
// one wins, as before). It is still written as one batch, synced as before.
#pragma once

#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "crypto/result.h"

namespace jobcard::ledger {

// `families` are the handles the batch's writes name (by id). Only puts,
// deletes and single deletes are supported: anything else is an error
// (store.unsorted_batch) and the caller writes the original batch.
Result<rocksdb::WriteBatch> SortedByKey(const rocksdb::WriteBatch& batch,
                                        const std::vector<rocksdb::ColumnFamilyHandle*>& families);

}  // namespace jobcard::ledger
