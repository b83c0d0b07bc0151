// A synthetic ledger workload for the benchmark and the API load tool: the
// registrar enrols numbered subjects, each under its own key (keys are
// unique across subjects, rule G15), and employers A and B record signed
// career entries for them. Every entry reuses one encrypted payload:
// encryption is the employer's cost, not the ledger's, so it stays out of
// what these programs measure.
#pragma once

#include <cstdint>

#include "ledger/tx.h"
#include "tests/support/chain_fixture.h"

namespace jobcard::testing {

class SyntheticWorkload {
 public:
  SyntheticWorkload();  // on MakeTestChain()
  // On another chain's keys and employers (a devnet's: bench_devnet.h).
  explicit SyntheticWorkload(TestChain chain);

  const TestChain& chain() const { return chain_; }
  TestChain& chain() { return chain_; }

  // Enrols synthetic subject i (SyntheticSubject(i), SyntheticSubjectKey(i)).
  ledger::Tx Enroll(std::uint64_t subject) const;
  // Entry number `round` of `subject` (a hire for round 0, then position
  // changes), recorded at `now_seconds` by A (even subjects) or B (odd ones).
  // `distinct_payload`: the entry gets its own pseudo-random nonce,
  // ciphertext, wrapped keys and commitment (seeded by subject and round;
  // same sizes), as real entries have, instead of the one shared payload
  // whose repeats a compressing store would shrink.
  ledger::Tx Entry(std::uint64_t subject, std::uint64_t round, std::uint64_t now_seconds,
                   bool distinct_payload = false) const;

 private:
  TestChain chain_;
  ledger::CareerEntry template_entry_;
};

}  // namespace jobcard::testing
