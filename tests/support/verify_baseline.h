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
