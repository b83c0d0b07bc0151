// Transparent huge pages for the node's heap: glibc's malloc asks the kernel
// for 2 MiB pages (madvise MADV_HUGEPAGE) when its tunable
// glibc.malloc.hugetlb=1 is set, which only the environment can set, before
// the process starts. So a process that runs a node re-executes itself once
// with it.
//
// Why: the node's memory is a few large, randomly walked structures (RocksDB's
// memtables, the store's caches, the mempool): with 4 KiB pages each first
// touch is a page fault and each walk misses the TLB. Measured: the block
// phase of jobcard_bench at 100,000 entries 4-22 % less CPU in ten pairs, the
// whole ingest at 1 M 1-27 % less in four (BENCHMARKS.md, "Sessions
// 18-19"). It changes no result, only where memory comes from;
// JOBCARD_HUGE_PAGES=0 turns it off, and a kernel with huge pages "never"
// (or no such setting) is left alone.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace jobcard::node {

inline constexpr const char* kHugePageTunable = "glibc.malloc.hugetlb=1";

// The GLIBC_TUNABLES value to re-execute with, or nullopt to carry on as is:
// when the opt-out is "0", when the tunables already name
// glibc.malloc.hugetlb (set by a user, or by the re-execution itself), or
// when `thp_setting` (the contents of
// /sys/kernel/mm/transparent_hugepage/enabled, nullopt if unreadable) does not
// select "always" or "madvise". Pure.
std::optional<std::string> HugePageTunables(const char* current_tunables, const char* opt_out,
                                            std::optional<std::string_view> thp_setting);

// Whether `tunables` (a GLIBC_TUNABLES value) asks malloc for huge pages:
// glibc.malloc.hugetlb set to 1 or 2. Pure.
bool TunablesAskForHugePages(const char* tunables);

// Whether this process runs with its heap on huge pages as far as it can tell:
// its GLIBC_TUNABLES asks for them, glibc honours them (not a privileged
// process) and the build is not sanitized. For the
// "node starting" log line, so an operator sees which way a node runs.
bool HugePageHeapOn();

// Re-executes this program (/proc/self/exe, same argv, same pid) with
// HugePageTunables' value when it gives one. Call first thing in main, before
// any thread, output or open file matters. Returns only when nothing was done
// or the exec failed (then the process carries on with 4 KiB pages and its
// environment as it was). Does nothing under the sanitizers, whose
// allocators ignore glibc's tunables; in a privileged (setuid or setcap)
// process, where glibc ignores them too; when started through the dynamic
// loader by hand; or in a process it re-executed already.
void ReexecWithHugePageHeap(char** argv);

}  // namespace jobcard::node
