// The raw baseline the benchmarks divide by: libsodium Ed25519
// verifications per second on one core, of entry-sized messages signed under
// the entry tag (what admission and block execution verify for every entry),
// called directly with no ledger code around it. Measured in the same run as
// the figure it is a baseline for, since the machine is shared and noisy.
#pragma once

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

// This process's CPU time so far (every thread), in seconds.
double ProcessCpuSeconds();

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
