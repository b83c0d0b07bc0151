#include "tests/support/attack_run.h"

#include <algorithm>
#include <thread>

#include "tests/support/process_probe.h"

namespace jobcard::testing {

namespace {

using Clock = std::chrono::steady_clock;

// Honest clients open their connections before the attack starts, as
// clients already using a node would have.
constexpr auto kSettle = std::chrono::milliseconds(300);
constexpr auto kRssSampleInterval = std::chrono::milliseconds(100);

}  // namespace

LatencySample MeasureBaseline(HonestLoadOptions honest, std::chrono::milliseconds duration) {
  std::atomic<bool> stop{false};
  honest.stop = &stop;
  honest.requests_per_client = 0;
  LatencySample sample;
  std::thread clients([&] { sample = RunHonestClients(honest); });
  std::this_thread::sleep_for(duration);
  stop = true;
  clients.join();
  return sample;
}

AttackRun MeasureAttack(Attack attack, const AttackOptions& options, HonestLoadOptions honest, pid_t node_pid) {
  AttackRun run;
  run.attack = attack;
  run.rss_before_kib = ResidentKib(node_pid).value_or(0);
  run.rss_peak_kib = run.rss_before_kib;
  // The kernel's own peak (VmHWM), set back before each attack, catches what
  // a 100 ms sample misses; the samples stay for a kernel that refuses.
  const bool kernel_peak = ResetPeakResident(node_pid);

  std::atomic<bool> stop_clients{false}, stop_sampler{false};
  honest.stop = &stop_clients;
  honest.requests_per_client = 0;
  std::thread clients([&] { run.honest = RunHonestClients(honest); });
  std::thread sampler([&] {
    while (!stop_sampler) {
      run.rss_peak_kib = std::max(run.rss_peak_kib, ResidentKib(node_pid).value_or(0));
      std::this_thread::sleep_for(kRssSampleInterval);
    }
  });
  std::this_thread::sleep_for(kSettle);
  const auto start = Clock::now();
  run.tally = RunAttack(attack, options);
  run.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  stop_clients = true;
  clients.join();
  stop_sampler = true;
  sampler.join();
  run.rss_after_kib = ResidentKib(node_pid).value_or(0);
  run.rss_peak_kib = std::max(run.rss_peak_kib, run.rss_after_kib);
  if (kernel_peak) run.rss_peak_kib = std::max(run.rss_peak_kib, PeakResidentKib(node_pid).value_or(0));
  return run;
}

}  // namespace jobcard::testing
