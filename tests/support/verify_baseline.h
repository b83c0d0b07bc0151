// The raw baseline the benchmarks divide by: libsodium Ed25519
// verifications per second on one core, of entry-sized messages signed under
// the entry tag (what admission and block execution verify for every entry),
// called directly with no ledger code around it. Measured in the same run as
// the figure it is a baseline for, since the machine is shared and noisy.
#pragma once

#include <cstdint>
#include <vector>

#include "crypto/sign.h"
#include "tests/support/synthetic_workload.h"

namespace jobcard::testing {

// Verifies `count` signatures of employer A's entries one after another.
double RawVerifyRate(const SyntheticWorkload& workload, int count = 20000);

// The same, per second of wall time and per second of this process's CPU
// time (every thread). On a loaded machine the wall rate measures the
// scheduler as much as the code; the CPU rate does not.
struct VerifyRates {
  double per_wall_second = 0;
  double per_cpu_second = 0;
};
VerifyRates RawVerifyRates(const SyntheticWorkload& workload, int count = 20000);

// The raw verify rate sampled through a run instead of once before it: the
// benchmark verifies a slice of signatures after each block, so the baseline
// runs on the same machine state (its neighbours, its clock) as the ingest it
// divides. On a shared machine a rate measured once at the start of a
// four-minute run was 15,400 per CPU s in one run and 21,300 in the next
// (BENCHMARKS.md, "Sessions 18-19"). Timed on the calling thread's CPU clock,
// so RocksDB's background threads, busy during a run, do not count.
class VerifySampler {
 public:
  // Prepares `messages` signed entries of employer A (at least 1).
  explicit VerifySampler(const SyntheticWorkload& workload, int messages = 1000);

  // Verifies `count` signatures, cycling through the prepared ones; returns
  // how many verified (all of them, unless the preparation is broken).
  int Sample(int count);

  std::uint64_t verified() const { return verified_; }
  std::uint64_t slices() const { return slices_; }
  // Over every slice so far: verifications / the thread's CPU seconds.
  double per_cpu_second() const;
  // The slowest and the fastest slice, per CPU second: how much the
  // machine moved during the run. 0 before the first slice.
  double slowest_slice_per_cpu_second() const { return slowest_; }
  double fastest_slice_per_cpu_second() const { return fastest_; }

 private:
  std::vector<Bytes> messages_;
  std::vector<crypto::Signature> signatures_;
  crypto::PublicKey key_{};
  std::size_t next_ = 0;
  std::uint64_t verified_ = 0;
  std::uint64_t slices_ = 0;
  double cpu_seconds_ = 0;
  double slowest_ = 0;
  double fastest_ = 0;
};

// This process's CPU time so far (every thread), in seconds.
double ProcessCpuSeconds();
// The calling thread's CPU time so far, in seconds.
double ThreadCpuSeconds();

}  // namespace jobcard::testing

namespace jobcard::testing {

// CPU seconds of this process's threads whose name starts with `prefix`
// (RocksDB names its flush and compaction threads "rocksdb:low" and
// "rocksdb:high"), read from /proc/self/task; 0 where /proc is not there.
// Lets a benchmark say how much of the process's CPU was the database's
// background work rather than the calling thread's. Only live threads count
// (an exited thread leaves /proc), which suits RocksDB's: they live as long
// as the database is open. Clock-tick resolution (10 ms on Linux).
double ThreadCpuSecondsNamed(const char* prefix);

}  // namespace jobcard::testing
