// jobcard_bench: the ledger core's figures, each against a raw baseline
// measured in the same run (the machines are shared and noisy, so ratios
// are what can be compared across runs).
//
//   raw verify rate       libsodium Ed25519 verifications/s of entry-sized messages, one core
//                         (the CPU ratio's: sampled after every batch of blocks through the
//                         run, on the calling thread's CPU clock, with the slowest and fastest
//                         slice; the wall ratio's: once, before the ingest)
//   ingest rate           entries/s through mempool admission (full validation, signature
//                         check) -> block execution -> state index + entry log -> synced
//                         RocksDB commit, one core
//   ingest / verify       the ratio (target >= 0.60), per wall second and, since the
//                         machines are shared, per CPU second of the whole process
//                         (RocksDB's background flushes and compactions included)
//   phases                where the ingest's time goes: admission (mempool Add), block
//                         (execution, state index, log, synced commit), mempool update;
//                         and how much of their CPU was RocksDB's background threads
//   history lookup        p50/p99 of reading a 50-entry subject's history (record + every tx)
//                         from a ledger of --entries entries (target p99 < 1 ms), and as
//                         its baseline, interleaved, one RocksDB point read (GetTxLocation)
//   disk per entry        bytes on disk after a flush / entries (target <= 1.5 KB)
//   caches                the store's caches over the ingest: hits, misses, entries held
//                         (is each large enough for a ledger of this size?)
//   open with checksums   the time to reopen the store with every table file's checksums
//                         verified (node.json verify_store_on_start), against the time to
//                         reopen it without, alternated 3 times each (page cache warm)
//
// Usage: jobcard_bench [--entries N] [--block-txs N] [--dir DIR] [--json] [--disk-breakdown]
//                      [--distinct-payloads] [--page-write-back N] [--page-backlog-mib N]
//                      [--existing | --rebuild-after-stop]   (--help says what they do)
// The workload is synthetic: one payload ciphertext is reused by every entry
// (encryption is the employer's cost, not the ledger's), every tx is signed.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>

#include "crypto/hash.h"
#include "ledger/chain_store.h"
#include "node/huge_pages.h"
#include "node/mempool.h"
#include "node/solo_producer.h"
#include "tests/bench/store_disk_use.h"
#include "tests/support/synthetic_workload.h"
#include "tests/support/verify_baseline.h"

namespace jobcard {
namespace {

using Clock = std::chrono::steady_clock;
using namespace ledger;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

struct Options {
  std::uint64_t entries = 1000000;
  std::uint64_t block_txs = 2000;
  std::string dir = "bench-data";
  bool json = false;
  bool disk_breakdown = false;
  bool distinct_payloads = false;
  bool existing = false;  // measure the store already in --dir instead of making one
  bool rebuild_after_stop = false;  // time the rebuild of the waiting pages at the next open instead
  std::uint32_t page_write_back_blocks = ledger::kStatePageWriteBackBlocks;
  std::size_t page_backlog_bytes = ledger::kMaxPageBacklogBytes;
};

ledger::StoreOpenOptions OpenOptions(const Options& opt) {
  ledger::StoreOpenOptions options;
  options.state_page_write_back_blocks = opt.page_write_back_blocks;
  options.state_page_backlog_bytes = opt.page_backlog_bytes;
  return options;
}

// The synthetic ledger (tests/support/synthetic_workload.h), and the shape of this run.
struct Workload : testing::SyntheticWorkload {
  std::uint64_t subjects = 0;
  std::uint64_t special_entries = 50;  // subject 0 ends with this many entries

  explicit Workload(std::uint64_t entries) : subjects(std::max<std::uint64_t>(entries / 5, 1)) {}
};

struct IngestResult {
  double entries_per_second = 0;
  double txs_per_second = 0;
  std::uint64_t entries = 0;
  std::uint64_t blocks = 0;
};

// Wall and CPU seconds of one part of the ingest, summed over calls.
struct PhaseTime {
  double wall_seconds = 0;
  double cpu_seconds = 0;
};
struct IngestPhases {
  PhaseTime admission, block, update;
  // Each block's wall milliseconds (build and commit): a block that writes
  // the state index's pages back takes longer than the rest, which the
  // phase's total hides.
  std::vector<double> block_ms;
  // The most the state index's pages waiting in memory held after a block.
  std::size_t page_backlog_bytes_max = 0;
};

// Times `work` into `phase` (when given).
template <typename Work>
void Timed(PhaseTime* phase, Work work) {
  const auto start = Clock::now();
  const double start_cpu = testing::ProcessCpuSeconds();
  work();
  if (!phase) return;
  phase->wall_seconds += Seconds(Clock::now() - start);
  phase->cpu_seconds += testing::ProcessCpuSeconds() - start_cpu;
}

// Pushes `txs` through the mempool and into blocks; returns the time spent
// in ledger work (tx generation excluded), and adds each phase's to `phases`.
Clock::duration Ingest(ChainStore& store, node::Mempool& pool, const Workload& w, std::vector<Tx> txs,
                       std::uint64_t& blocks, IngestPhases* phases = nullptr) {
  auto start = Clock::now();
  const std::uint64_t now_ms = std::max(store.Tip().time_ms + 1, w.chain().genesis.genesis_time_ms + 1000);
  TxContext ctx{store.genesis(), store.Tip().height + 1, now_ms};
  Timed(phases ? &phases->admission : nullptr, [&] {
    for (auto& tx : txs) {
      auto added = pool.Add(std::move(tx), store, ctx);
      if (!added.ok()) {
        std::fprintf(stderr, "admission failed: %s\n", added.error().message.c_str());
        std::exit(1);
      }
    }
  });
  while (pool.size() > 0) {
    Result<node::CommittedBlock> block = MakeError("bench.not_run", "");
    const auto block_start = Clock::now();
    Timed(phases ? &phases->block : nullptr, [&] {
      std::vector<EntryId> ids;
      auto batch = pool.Reap(store.genesis().params.max_block_txs, store.genesis().params.max_block_bytes, &ids);
      block = node::ProduceSoloBlock(store, batch, store.Tip().time_ms + 1000, w.chain().validator, true, ids);
    });
    if (!block.ok() || !block->rejected.empty()) {
      std::fprintf(stderr, "block failed: %s\n",
                   block.ok() ? block->rejected[0].status.error().message.c_str() : block.error().message.c_str());
      std::exit(1);
    }
    if (phases) {
      phases->block_ms.push_back(Seconds(Clock::now() - block_start) * 1000);
      phases->page_backlog_bytes_max = std::max(phases->page_backlog_bytes_max, store.PageBacklogBytes());
    }
    ++blocks;
    Timed(phases ? &phases->update : nullptr, [&] {
      pool.Update(store, TxContext{store.genesis(), store.Tip().height + 1, store.Tip().time_ms + 1000},
                  block->committed_ids);
    });
  }
  return Clock::now() - start;
}

// Median milliseconds to open the store at `dir`, without and with the
// checksum check, alternated so that both meet the same machine.
struct OpenTimes {
  double plain_ms = 0;
  double verified_ms = 0;
};
OpenTimes TimeReopens(const std::string& dir, const Genesis& genesis) {
  std::vector<double> plain, verified;
  for (int i = 0; i < 3; ++i) {
    for (bool verify : {false, true}) {
      const auto start = Clock::now();
      StoreOpenOptions options;
      options.verify_file_checksums = verify;
      auto reopened = ChainStore::Open(dir, genesis, options);
      const double ms = Seconds(Clock::now() - start) * 1e3;
      if (!reopened.ok()) {
        std::fprintf(stderr, "reopen: %s\n", reopened.error().message.c_str());
        std::exit(1);
      }
      (verify ? verified : plain).push_back(ms);
    }
  }
  std::sort(plain.begin(), plain.end());
  std::sort(verified.begin(), verified.end());
  return OpenTimes{plain[1], verified[1]};
}

// --existing: opens the store a run with the same --entries and --block-txs
// left in --dir (so with the same genesis), which upgrades its format if
// older (format 3 -> 4 prunes the state index), and reports its bytes per
// entry and per column family, before and after a full compaction.
int MeasureExisting(const Options& opt) {
  Workload w(opt.entries);
  w.chain().genesis.params.max_block_txs = static_cast<std::uint32_t>(opt.block_txs);
  const auto start = Clock::now();
  auto opened = ChainStore::Open(opt.dir, w.chain().genesis, OpenOptions(opt));
  if (!opened.ok()) {
    std::fprintf(stderr, "open: %s\n", opened.error().message.c_str());
    return 1;
  }
  const double open_seconds = Seconds(Clock::now() - start);
  const std::uint64_t entries = (*opened)->Tip().log_size;
  (void)(*opened)->Flush();
  const double per_entry = static_cast<double>((*opened)->ApproximateDiskBytes()) / static_cast<double>(entries);
  opened->reset();
  const bench::DiskBreakdown disk = bench::MeasureDiskBreakdown(opt.dir, entries);
  if (!disk.error.empty()) {
    std::fprintf(stderr, "disk breakdown: %s\n", disk.error.c_str());
    return 1;
  }
  std::printf("{\"log_size\":%llu,\"open_s\":%.1f,\"disk_bytes_per_entry\":%.0f,\"disk_families\":%s,"
              "\"disk_bytes_per_entry_compacted\":%.0f,\"disk_families_compacted\":%s}\n",
              static_cast<unsigned long long>(entries), open_seconds, per_entry, disk.families_json.c_str(),
              disk.bytes_per_entry_compacted, disk.families_compacted_json.c_str());
  return 0;
}

// --rebuild-after-stop: closes `store` with its state index's pages still
// waiting, as a kill would leave them, and times the open that rebuilds
// them from the blocks' changes rows (spec/storage.md, Writing the state
// index back): what a node restarting after a crash waits for.
int MeasureRebuild(const Options& opt, const Workload& w, std::unique_ptr<ChainStore> store, std::uint64_t entries) {
  const std::size_t waiting_bytes = store->PageBacklogBytes();
  store.reset();
  Result<std::unique_ptr<ChainStore>> reopened = MakeError("bench.not_run", "");
  PhaseTime open;
  Timed(&open, [&] { reopened = ChainStore::Open(opt.dir, w.chain().genesis, OpenOptions(opt)); });
  if (!reopened.ok()) {
    std::fprintf(stderr, "reopen: %s\n", reopened.error().message.c_str());
    return 1;
  }
  std::printf("{\"entries\":%llu,\"page_write_back_blocks\":%u,\"pages_waiting_mib\":%.1f,\"rebuilt_page_blocks\":%llu,"
              "\"rebuild_open_ms\":%.0f,\"rebuild_open_cpu_s\":%.2f}\n",
              static_cast<unsigned long long>(entries), static_cast<unsigned>(opt.page_write_back_blocks),
              waiting_bytes / 1048576.0, static_cast<unsigned long long>((*reopened)->RebuiltPageBlocks()),
              open.wall_seconds * 1000, open.cpu_seconds);
  return 0;
}

// {"smt_page_rows":{"hits":..,"misses":..,"entries":..},...}
std::string CacheStatsJson(const StoreCacheStats& s) {
  std::string out = "{";
  const std::pair<const char*, const StoreCacheCounts*> caches[] = {
      {"smt_page_rows", &s.smt_page_rows}, {"subjects", &s.subjects}, {"employers", &s.employers}};
  for (const auto& [name, c] : caches) {
    if (out.size() > 1) out += ",";
    out += std::string("\"") + name + "\":{\"hits\":" + std::to_string(c->hits) + ",\"misses\":" + std::to_string(c->misses) +
           ",\"entries\":" + std::to_string(c->entries) + "}";
  }
  return out + "}";
}

int Run(const Options& opt) {
  if (opt.existing) return MeasureExisting(opt);
  std::filesystem::remove_all(opt.dir);
  Workload w(opt.entries);
  w.chain().genesis.params.max_block_txs = static_cast<std::uint32_t>(opt.block_txs);
  auto opened = ChainStore::Open(opt.dir, w.chain().genesis, OpenOptions(opt));
  if (!opened.ok()) {
    std::fprintf(stderr, "open: %s\n", opened.error().message.c_str());
    return 1;
  }
  ChainStore& store = **opened;
  node::Mempool pool(node::MempoolLimits{opt.block_txs * 2, 512ull * 1024 * 1024});

  const testing::VerifyRates verify = testing::RawVerifyRates(w);
  const double verify_rate = verify.per_wall_second;
  if (!opt.json) std::printf("raw verify rate: %.0f/s\n", verify_rate);

  // Enrol every subject (not counted as entries).
  std::uint64_t blocks = 0;
  for (std::uint64_t first = 0; first < w.subjects; first += opt.block_txs) {
    std::vector<Tx> txs;
    for (std::uint64_t i = first; i < std::min(w.subjects, first + opt.block_txs); ++i) txs.push_back(w.Enroll(i));
    Ingest(store, pool, w, std::move(txs), blocks);
  }
  // Entries: rounds over all subjects (hire, then position changes), with
  // subject 0 receiving extra entries until it has 50.
  Clock::duration ingest_time{};
  IngestPhases phases;
  const double background_cpu_start = testing::ThreadCpuSecondsNamed("rocksdb:");
  std::uint64_t entries = 0, special = 0;
  const std::uint64_t rounds = (opt.entries + w.subjects - 1) / w.subjects;
  const std::uint64_t special_every = std::max<std::uint64_t>(opt.entries / w.special_entries, 1);
  std::vector<Tx> pending;
  // The CPU ratio's baseline, sampled after every batch of blocks through
  // the run (verify_baseline.h, VerifySampler): 200 verifications a batch,
  // ~5 % on top of a run's length.
  testing::VerifySampler sampler(w);
  auto flush = [&] {
    ingest_time += Ingest(store, pool, w, std::move(pending), blocks, &phases);
    pending.clear();
    sampler.Sample(200);
  };
  for (std::uint64_t round = 0; round < rounds && entries < opt.entries; ++round) {
    for (std::uint64_t s = 0; s < w.subjects && entries < opt.entries; ++s) {
      const std::uint64_t now = store.Tip().time_ms / 1000 + 1;
      pending.push_back(w.Entry(s, round, now, opt.distinct_payloads));
      ++entries;
      if (s == 0) ++special;
      if (entries % special_every == 0 && special < w.special_entries && (round > 0 || s > 0)) {
        pending.push_back(w.Entry(0, 100 + special, now, opt.distinct_payloads));
        ++entries;
        ++special;
      }
      if (pending.size() >= opt.block_txs) flush();
    }
  }
  // Top subject 0 up to its 50 entries on small ledgers.
  while (special < w.special_entries) {
    pending.push_back(w.Entry(0, 100 + special, store.Tip().time_ms / 1000 + 1, opt.distinct_payloads));
    ++entries;
    ++special;
  }
  if (!pending.empty()) flush();
  if (opt.rebuild_after_stop) return MeasureRebuild(opt, w, std::move(*opened), entries);
  // Pages still waiting in memory (smt_page_backlog.h) are part of the
  // ingest's cost: written here, in the block phase, not by the untimed
  // Flush below.
  const auto last_write_back_start = Clock::now();
  Timed(&phases.block, [&] {
    if (Status written = store.WriteBackStatePages(); !written.ok()) {
      std::fprintf(stderr, "writing the state index's pages: %s\n", written.error().message.c_str());
      std::exit(1);
    }
  });
  const double last_write_back_ms = Seconds(Clock::now() - last_write_back_start) * 1000;
  std::vector<double> block_ms = phases.block_ms;
  std::sort(block_ms.begin(), block_ms.end());
  const double block_ms_p50 = block_ms.empty() ? 0 : block_ms[block_ms.size() / 2];
  const double block_ms_max = block_ms.empty() ? 0 : block_ms.back();
  // RocksDB's flushes and compactions run on its own threads while the
  // phases run, so the phases' CPU seconds include them; this says how much.
  const double background_cpu_seconds = testing::ThreadCpuSecondsNamed("rocksdb:") - background_cpu_start;
  const double ingest_rate = entries / Seconds(ingest_time);
  const double ingest_cpu_seconds = phases.admission.cpu_seconds + phases.block.cpu_seconds + phases.update.cpu_seconds;
  const double verify_per_cpu_second = sampler.verified() > 0 ? sampler.per_cpu_second() : verify.per_cpu_second;
  const double cpu_ratio = (entries / ingest_cpu_seconds) / verify_per_cpu_second;
  // The caches' hit rates over the whole ingest (enrolments included), before the lookups.
  const std::string caches = CacheStatsJson(store.CacheStats());
  if (!opt.json) std::printf("ingest: %llu entries in %.2f s of ledger work: %.0f entries/s (%llu blocks)\n",
                             static_cast<unsigned long long>(entries), Seconds(ingest_time), ingest_rate,
                             static_cast<unsigned long long>(blocks));

  // History lookups.
  auto lookup = [&](const SubjectId& id) {
    auto record = store.GetSubject(id);
    std::size_t n = 0;
    if (record) {
      for (const auto& ref : record->entries) n += store.GetTx(ref.id).has_value();
    }
    return n;
  };
  const SubjectId special_id = testing::SyntheticSubject(0);
  const std::size_t special_count = lookup(special_id);
  // The baseline, interleaved with the history lookups so that both meet the
  // same machine: one RocksDB point read of a random committed transaction's
  // record (GetTxLocation: a Get in the txs column family, 20 bytes decoded).
  std::mt19937_64 rng(1);
  std::vector<EntryId> point_ids;
  for (int i = 0; i < 2000; ++i) {
    auto ids = store.SubjectTxIds(testing::SyntheticSubject(rng() % w.subjects), 1);
    if (!ids.empty()) point_ids.push_back(ids[0]);
  }
  std::vector<double> micros, point_micros;
  for (int i = 0; i < 2000; ++i) {
    auto t = Clock::now();
    volatile std::size_t n = lookup(special_id);
    (void)n;
    micros.push_back(Seconds(Clock::now() - t) * 1e6);
    if (point_ids.empty()) continue;
    t = Clock::now();
    volatile bool found = store.GetTxLocation(point_ids[static_cast<std::size_t>(i) % point_ids.size()]).has_value();
    (void)found;
    point_micros.push_back(Seconds(Clock::now() - t) * 1e6);
  }
  std::sort(micros.begin(), micros.end());
  std::sort(point_micros.begin(), point_micros.end());
  const double p50 = micros[micros.size() / 2], p99 = micros[micros.size() * 99 / 100];
  const double point_p50 = point_micros.empty() ? 0 : point_micros[point_micros.size() / 2];
  const double point_p99 = point_micros.empty() ? 0 : point_micros[point_micros.size() * 99 / 100];
  std::vector<double> random_micros;
  for (int i = 0; i < 2000; ++i) {
    SubjectId id = testing::SyntheticSubject(rng() % w.subjects);
    auto t = Clock::now();
    volatile std::size_t n = lookup(id);
    (void)n;
    random_micros.push_back(Seconds(Clock::now() - t) * 1e6);
  }
  std::sort(random_micros.begin(), random_micros.end());

  (void)store.Flush();
  const double disk_per_entry = static_cast<double>(store.ApproximateDiskBytes()) / static_cast<double>(entries);
  const double ratio = ingest_rate / verify_rate;
  opened->reset();
  const OpenTimes open_times = TimeReopens(opt.dir, w.chain().genesis);
  // Where the bytes are (store_disk_use.h), last: it compacts the store.
  bench::DiskBreakdown disk;
  if (opt.disk_breakdown) {
    disk = bench::MeasureDiskBreakdown(opt.dir, entries);
    if (!disk.error.empty()) {
      std::fprintf(stderr, "disk breakdown: %s\n", disk.error.c_str());
      return 1;
    }
  }
  if (opt.json) {
    std::printf(
        "{\"entries\":%llu,\"raw_verify_per_s\":%.0f,\"ingest_entries_per_s\":%.0f,\"ingest_over_verify\":%.3f,"
        "\"history_entries\":%zu,\"history_p50_us\":%.1f,\"history_p99_us\":%.1f,\"random_history_p99_us\":%.1f,"
        "\"point_get_p50_us\":%.1f,\"point_get_p99_us\":%.1f,\"history_p99_over_point_get_p99\":%.1f,"
        "\"disk_bytes_per_entry\":%.0f,\"raw_verify_per_cpu_s\":%.0f,\"ingest_entries_per_cpu_s\":%.0f,"
        "\"ingest_over_verify_cpu\":%.3f,\"admission_wall_s\":%.2f,\"admission_cpu_s\":%.2f,\"block_wall_s\":%.2f,"
        "\"block_cpu_s\":%.2f,\"update_wall_s\":%.2f,\"update_cpu_s\":%.2f,\"open_ms\":%.1f,"
        "\"open_verified_ms\":%.1f,\"open_verified_over_open\":%.2f,\"distinct_payloads\":%s",
        static_cast<unsigned long long>(entries), verify_rate, ingest_rate, ratio, special_count, p50, p99,
        random_micros[random_micros.size() * 99 / 100], point_p50, point_p99, point_p99 > 0 ? p99 / point_p99 : 0.0,
        disk_per_entry, verify_per_cpu_second, entries / ingest_cpu_seconds, cpu_ratio, phases.admission.wall_seconds,
        phases.admission.cpu_seconds, phases.block.wall_seconds, phases.block.cpu_seconds, phases.update.wall_seconds,
        phases.update.cpu_seconds, open_times.plain_ms, open_times.verified_ms,
        open_times.verified_ms / open_times.plain_ms, opt.distinct_payloads ? "true" : "false");
    std::printf(",\"page_write_back_blocks\":%u,\"page_backlog_mib\":%zu,\"background_cpu_s\":%.2f,\"caches\":%s",
                static_cast<unsigned>(opt.page_write_back_blocks), opt.page_backlog_bytes >> 20, background_cpu_seconds,
                caches.c_str());
    std::printf(",\"block_wall_ms_p50\":%.1f,\"block_wall_ms_max\":%.1f,\"last_write_back_ms\":%.1f,"
                "\"page_backlog_mib_max\":%.1f",
                block_ms_p50, block_ms_max, last_write_back_ms, phases.page_backlog_bytes_max / 1048576.0);
    std::printf(",\"raw_verify_per_cpu_s_at_start\":%.0f,\"raw_verify_slices\":%llu,"
                "\"raw_verify_slice_min_per_cpu_s\":%.0f,\"raw_verify_slice_max_per_cpu_s\":%.0f",
                verify.per_cpu_second, static_cast<unsigned long long>(sampler.slices()),
                sampler.slowest_slice_per_cpu_second(), sampler.fastest_slice_per_cpu_second());
    if (opt.disk_breakdown) {
      std::printf(",\"disk_families\":%s,\"disk_bytes_per_entry_compacted\":%.0f,\"disk_families_compacted\":%s",
                  disk.families_json.c_str(), disk.bytes_per_entry_compacted, disk.families_compacted_json.c_str());
    }
    std::printf("}\n");
  } else {
    std::printf("ingest / raw verify: %.3f (target >= 0.60); per CPU second (all threads): %.3f\n", ratio, cpu_ratio);
    std::printf("raw verify per CPU s: %.0f sampled through the run (slices %.0f to %.0f), %.0f at its start\n",
                verify_per_cpu_second, sampler.slowest_slice_per_cpu_second(), sampler.fastest_slice_per_cpu_second(),
                verify.per_cpu_second);
    std::printf("phases, wall / CPU s: admission %.2f / %.2f, block %.2f / %.2f, mempool update %.2f / %.2f\n",
                phases.admission.wall_seconds, phases.admission.cpu_seconds, phases.block.wall_seconds,
                phases.block.cpu_seconds, phases.update.wall_seconds, phases.update.cpu_seconds);
    std::printf("of which RocksDB's background threads (flushes, compactions): %.2f CPU s\n", background_cpu_seconds);
    std::printf("a block's wall time (build and commit): p50 %.1f ms, max %.1f ms; the last page write-back %.1f ms;\n"
                "state index pages waiting in memory: at most %.1f MiB\n",
                block_ms_p50, block_ms_max, last_write_back_ms, phases.page_backlog_bytes_max / 1048576.0);
    std::printf("history of a subject with %zu entries: p50 %.1f us, p99 %.1f us (target p99 < 1000 us)\n",
                special_count, p50, p99);
    std::printf("history of a random subject: p50 %.1f us, p99 %.1f us\n", random_micros[random_micros.size() / 2],
                random_micros[random_micros.size() * 99 / 100]);
    std::printf("baseline, one RocksDB point read: p50 %.1f us, p99 %.1f us; history p99 / point-read p99: %.1f\n",
                point_p50, point_p99, point_p99 > 0 ? p99 / point_p99 : 0.0);
    std::printf("disk: %.0f bytes per entry (target <= 1536)\n", disk_per_entry);
    std::printf("store caches over the ingest: %s\n", caches.c_str());
    if (opt.disk_breakdown) {
      std::printf("disk by column family: %s\n", disk.families_json.c_str());
      std::printf("after a full compaction: %.0f bytes per entry: %s\n", disk.bytes_per_entry_compacted,
                  disk.families_compacted_json.c_str());
    }
    std::printf("reopen: %.1f ms; with every checksum verified: %.1f ms (x %.2f)\n", open_times.plain_ms,
                open_times.verified_ms, open_times.verified_ms / open_times.plain_ms);
  }
  return 0;
}

}  // namespace
}  // namespace jobcard

int main(int argc, char** argv) {
  // As `jobcard node start` does, so that the ingest is measured on the
  // node's own memory setup (node/huge_pages.h).
  jobcard::node::ReexecWithHugePageHeap(argv);
  jobcard::Options opt;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--entries") opt.entries = std::stoull(next());
    else if (a == "--block-txs") opt.block_txs = std::stoull(next());
    else if (a == "--dir") opt.dir = next();
    else if (a == "--json") opt.json = true;
    else if (a == "--disk-breakdown") opt.disk_breakdown = true;
    else if (a == "--distinct-payloads") opt.distinct_payloads = true;
    else if (a == "--existing") opt.existing = true;
    else if (a == "--rebuild-after-stop") opt.rebuild_after_stop = true;
    else if (a == "--page-write-back") opt.page_write_back_blocks = static_cast<std::uint32_t>(std::stoul(next()));
    else if (a == "--page-backlog-mib") opt.page_backlog_bytes = static_cast<std::size_t>(std::stoul(next())) << 20;
    else {
      std::fprintf(stderr,
                   "usage: jobcard_bench [--entries N] [--block-txs N] [--dir DIR] [--json] [--disk-breakdown]\n"
                   "                     [--distinct-payloads] [--page-write-back N] [--page-backlog-mib N]\n"
                   "                     [--existing | --rebuild-after-stop]\n"
                   "  --disk-breakdown     bytes per column family, then again after a full compaction\n"
                   "  --distinct-payloads  every entry gets its own random ciphertext, wrapped keys and\n"
                   "                       commitment (as real entries do), so compression cannot profit\n"
                   "                       from the one reused payload\n"
                   "  --page-write-back N  write the state index's pages every N blocks (default %u; 1: every\n"
                   "                       block, as store formats before 8 did)\n"
                   "  --page-backlog-mib N ... or sooner, once the pages waiting hold N MiB (default %zu)\n"
                   "  --existing           no run: open the store an earlier run with the same --entries and\n"
                   "                       --block-txs left in --dir (upgrading its format), report its disk\n"
                   "                       use by column family, compact it fully, report again (JSON)\n"
                   "  --rebuild-after-stop after the ingest, close the store with its state index's pages\n"
                   "                       still waiting (as a kill leaves them) and time the open that\n"
                   "                       rebuilds them (JSON; no other figures)\n",
                   static_cast<unsigned>(jobcard::ledger::kStatePageWriteBackBlocks),
                   jobcard::ledger::kMaxPageBacklogBytes >> 20);
      return a == "--help" ? 0 : 2;
    }
  }
  return jobcard::Run(opt);
}
