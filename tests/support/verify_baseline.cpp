#include "tests/support/verify_baseline.h"

#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "crypto/hash.h"
#include "ledger/tx.h"
#include "tests/support/process_probe.h"

namespace jobcard::testing {

namespace {
double ClockSeconds(clockid_t clock) {
  timespec t{};
  clock_gettime(clock, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}
}  // namespace

double ProcessCpuSeconds() { return ClockSeconds(CLOCK_PROCESS_CPUTIME_ID); }

double ThreadCpuSeconds() { return ClockSeconds(CLOCK_THREAD_CPUTIME_ID); }

double ThreadCpuSecondsNamed(const char* prefix) {
  namespace fs = std::filesystem;
  std::error_code ec;
  double seconds = 0;
  for (const auto& task : fs::directory_iterator("/proc/self/task", ec)) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    if (!std::getline(comm, name) || name.rfind(prefix, 0) != 0) continue;
    seconds += CpuSecondsInStatFile(task.path() / "stat").value_or(0.0);
  }
  return seconds;
}

namespace {

// Employer A's entry for subject 2i as RawVerifyRates verifies it: the
// tagged signing message and its signature.
std::pair<Bytes, crypto::Signature> SignedEntryMessage(const SyntheticWorkload& w, int i) {
  // Even subjects are recorded by employer A, whose key verifies here.
  ledger::Tx tx = w.Entry(static_cast<std::uint64_t>(i) * 2, 1, w.chain().genesis.genesis_time_ms / 1000);
  Bytes msg = crypto::DomainPrefix(ledger::KindTag(tx.kind));
  Bytes body = ledger::SigningMessage(w.chain().genesis.chain_id, tx);
  msg.insert(msg.end(), body.begin(), body.end());
  return {std::move(msg), tx.signatures[0].signature};
}

}  // namespace

VerifySampler::VerifySampler(const SyntheticWorkload& w, int messages) : key_(w.chain().employer_a.public_key()) {
  for (int i = 0; i < std::max(messages, 1); ++i) {
    auto [msg, sig] = SignedEntryMessage(w, i);
    messages_.push_back(std::move(msg));
    signatures_.push_back(sig);
  }
}

int VerifySampler::Sample(int count) {
  if (count <= 0) return 0;
  int ok = 0;
  const double start = ThreadCpuSeconds();
  for (int i = 0; i < count; ++i) {
    const Bytes& msg = messages_[next_];
    ok += crypto_sign_verify_detached(signatures_[next_].data(), msg.data(), msg.size(), key_.data()) == 0;
    next_ = (next_ + 1) % messages_.size();
  }
  const double seconds = ThreadCpuSeconds() - start;
  verified_ += static_cast<std::uint64_t>(count);
  ++slices_;
  cpu_seconds_ += seconds;
  if (seconds > 0) {
    const double rate = count / seconds;
    slowest_ = slowest_ == 0 ? rate : std::min(slowest_, rate);
    fastest_ = std::max(fastest_, rate);
  }
  return ok;
}

double VerifySampler::per_cpu_second() const {
  return cpu_seconds_ > 0 ? static_cast<double>(verified_) / cpu_seconds_ : 0.0;
}

double RawVerifyRate(const SyntheticWorkload& w, int count) { return RawVerifyRates(w, count).per_wall_second; }

VerifyRates RawVerifyRates(const SyntheticWorkload& w, int count) {
  std::vector<Bytes> messages;
  std::vector<crypto::Signature> sigs;
  const auto& key = w.chain().employer_a;
  for (int i = 0; i < count; ++i) {
    auto [msg, sig] = SignedEntryMessage(w, i);
    messages.push_back(std::move(msg));
    sigs.push_back(sig);
  }
  int ok = 0;
  const auto start = std::chrono::steady_clock::now();
  const double start_cpu = ProcessCpuSeconds();
  for (int i = 0; i < count; ++i) {
    ok += crypto_sign_verify_detached(sigs[i].data(), messages[i].data(), messages[i].size(), key.public_key().data()) == 0;
  }
  VerifyRates rates;
  rates.per_cpu_second = count / (ProcessCpuSeconds() - start_cpu);
  rates.per_wall_second = count / std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (ok != count) std::fprintf(stderr, "warning: %d signatures did not verify\n", count - ok);
  return rates;
}

}  // namespace jobcard::testing
