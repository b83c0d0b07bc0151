// Validation for a caller that already ran a transaction's stateless
// cryptographic checks on this exact Tx object under this chain id: its
// signatures (VerifyTxSignatures) and rule S3's check that every key it
// introduces is a usable Ed25519 key (CheckIntroducedKey, a point
// decompression). The mempool runs both once, when a transaction arrives,
// and then re-checks its pending transactions after every block with only
// the stateful rules: repeating S3 for the whole backlog was 14 % of a
// validator's time under load (BENCHMARKS.md, devnet4 profile).
//
// A separate header, not a TxContext field, so that the few callers that
// need it do not make everything that includes execution.h rebuild.
#pragma once

#include "ledger/execution.h"

namespace jobcard::ledger {

// Rule S3 alone (validation.bad_key). Stateless.
Status CheckIntroducedKey(const Tx& tx);

// ValidateTx without the signature check and without rule S3. Precondition:
// VerifyTxSignatures and CheckIntroducedKey passed on this very Tx.
Status ValidateTxPrechecked(const StateView& state, const Tx& tx, const EntryId& id, const TxContext& ctx);

}  // namespace jobcard::ledger
