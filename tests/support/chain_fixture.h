// A deterministic single-validator chain for store, producer, crash and
// benchmark tests: fixed keys, two employers, and a synthetic workload in
// which every block enrols new subjects and records career entries for the
// subjects enrolled before.
#pragma once

#include <vector>

#include "crypto/sign.h"
#include "ledger/genesis.h"
#include "ledger/tx.h"

namespace jobcard::testing {

struct TestChain {
  ledger::Genesis genesis;
  crypto::SigningKey registrar;
  crypto::SigningKey validator;
  crypto::SigningKey employer_a;
  crypto::SigningKey employer_b;
  // Payloads of synthetic entries are encrypted to this one key (keeps tests
  // fast); each subject is enrolled under its own key (SubjectSigningKey).
  crypto::SigningKey subject_key;
  ledger::CorporateNumber a;
  ledger::CorporateNumber b;
};

TestChain MakeTestChain();

// The subject id of synthetic subject number i.
ledger::SubjectId SyntheticSubject(std::uint64_t i);

// A subject's own key in tests, derived from its id: keys are unique across
// subjects (rule G15), and a test can sign the subject's disputes.
crypto::SigningKey SubjectSigningKey(const ledger::SubjectId& subject);
// The public key synthetic subject i is enrolled under.
crypto::PublicKey SyntheticSubjectKey(std::uint64_t i);

// The transactions for block `height` (>= 1): enrolments of subjects
// [(height-1)*n, height*n) and, for the subjects enrolled in the block
// before, a hire at A or B; for those two blocks before, a position change.
// Valid on top of the chain built from the earlier heights' transactions.
std::vector<ledger::Tx> SyntheticBlockTxs(const TestChain& chain, std::uint64_t height, std::uint64_t subjects_per_block);

// Deterministic block time for `height`.
std::uint64_t SyntheticBlockTimeMs(const TestChain& chain, std::uint64_t height);

}  // namespace jobcard::testing
