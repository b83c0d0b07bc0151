// The RocksDB options of each column family of the chain store
// (spec/storage.md, "Memtables"). One job: decide, per family, how its rows
// are held in memory before a flush.
//
// Three families are written at random keys on every block and only ever
// point-read or scanned within one prefix: `txs` (tx id), `smt_pages` (a
// page's position) and `by_subject` ('s' + subject id + log index). For
// them a hash of skip lists (one small list per key prefix) replaces the one
// big skip list, whose insert searches among every row written since the
// last flush: the block phase of the ledger bench fell 13-17 % with it
// (BENCHMARKS.md, "Hashed memtables", session 11).
//
// The price: an iterator that must see such a family in total key order
// (a full walk: node check, Rows) sets ReadOptions::total_order_seek, and
// RocksDB then sorts a copy of the memtable for it; a scan within one
// prefix (a subject's history) stays cheap. The other families keep
// RocksDB's default skip list: their keys grow (heights, log indexes, one
// employer's rows) or are listed across prefixes (state: every employer).
#pragma once

#include <rocksdb/options.h>

#include <cstddef>

#include "ledger/chain_store.h"

namespace jobcard::ledger {

// The key prefix a hashed family buckets by, or 0 for a family that keeps
// the default memtable. Keys shorter than the prefix go whole into one bucket.
std::size_t HashedMemtablePrefix(StoreFamily family);

// `base` with the memtable (and the prefix extractor it needs) of `family`.
rocksdb::ColumnFamilyOptions StoreFamilyOptions(StoreFamily family, const rocksdb::ColumnFamilyOptions& base);

// Buckets per memtable of a hashed family: a 64 MiB memtable holds ~100,000
// `txs` rows, so a bucket's skip list holds one or none (16,384 buckets, a
// few rows each, saved half as much: BENCHMARKS.md). The bucket array is
// allocated with each memtable (alone: an arena gives a request over a
// quarter of its 1 MiB blocks an allocation of its own), and RocksDB
// counts it as unflushed data; the store's UnflushedBytes, which the disk
// reserve asks room for (disk_reserve.h), leaves it out: a flush does not write it.
inline constexpr std::size_t kHashedMemtableBuckets = 200'000;
inline constexpr std::size_t kHashedMemtableBucketArrayBytes = kHashedMemtableBuckets * sizeof(void*);

}  // namespace jobcard::ledger
