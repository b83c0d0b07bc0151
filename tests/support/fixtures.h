// Test fixtures shared by the test binaries: deterministic keys, valid
// identifiers and random valid transactions of every kind (seeded).
#pragma once

#include <random>
#include <string>

#include "crypto/sign.h"
#include "ledger/entry_builder.h"
#include "ledger/genesis.h"
#include "ledger/tx.h"

namespace jobcard::testing {

// The Ed25519 key whose seed is 32 copies of `b`.
crypto::SigningKey KeyFromByte(std::uint8_t b);
// A valid 法人番号 whose base number is the 12 digits of `base` (zero-padded).
ledger::CorporateNumber Corp(std::uint64_t base);

inline constexpr const char* kTestChainId = "jobcard-test";

// The subject id made of 32 copies of `n`.
ledger::SubjectId SubjectFromByte(std::uint8_t n);

// The small chain the mempool tests build on: chain kTestChainId, registrar
// KeyFromByte(1), one validator KeyFromByte(2), and, when `employer_keys` is
// not empty, TestEmployer() holding them.
ledger::CorporateNumber TestEmployer();
ledger::Genesis SmallGenesis(std::uint64_t genesis_time_ms, std::vector<crypto::PublicKey> employer_keys);

// Every kind the ledger knows, in enum order.
const std::vector<ledger::TxKind>& AllKinds();

// A well-formed, signed transaction of `kind` with random field values.
ledger::Tx RandomTx(ledger::TxKind kind, std::mt19937_64& rng);

}  // namespace jobcard::testing
