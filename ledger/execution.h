// Validation and state transition: pure functions of (state, transactions).
//
// ValidateTx decides whether a transaction may commit on top of a state;
// ApplyTx records its effects in an overlay. ExecuteTxs runs a candidate
// block's transactions in order, each seeing the effects of the ones before
// it, and returns each one's outcome plus the state delta. Nothing here does
// I/O: the store persists the delta, the node decides what to do with
// rejections. spec/data-model.md §Validation lists every rule and its code.
#pragma once

#include <span>
#include <vector>

#include "ledger/genesis.h"
#include "ledger/state_overlay.h"
#include "ledger/tx.h"

namespace jobcard::ledger {

struct TxContext {
  const Genesis& genesis;
  std::uint64_t height = 0;         // the block the transaction would commit in
  std::uint64_t block_time_ms = 0;  // that block's time
  // Skip only the cryptographic signature check (who must sign is still
  // checked). For a caller that already verified this exact Tx object under
  // this chain id, e.g. the mempool re-checking its pending transactions:
  // the id does not cover the signatures, so an id alone is no proof.
  bool skip_signature_check = false;
};

Status ValidateTx(const StateView& state, const Tx& tx, const EntryId& id, const TxContext& ctx);

// Precondition: ValidateTx(state, tx, id, ctx) succeeded on this overlay.
void ApplyTx(StateOverlay& state, const Tx& tx, const EntryId& id, std::uint32_t index_in_block, const TxContext& ctx);

struct TxOutcome {
  EntryId id{};
  Status status;
};

struct BlockExecution {
  std::vector<TxOutcome> outcomes;  // one per input transaction, in order
  StateDelta delta;                 // effects of the valid ones
  std::size_t accepted = 0;
};

// Runs txs in order on top of `base`; invalid ones are skipped (and reported).
// `known_ids` is empty, or holds TxId(chain id, txs[i]) for every i: the
// mempool computes each id once, when the transaction arrives, and a block
// built from it need not hash every transaction again.
BlockExecution ExecuteTxs(const StateView& base, const std::vector<Tx>& txs, const TxContext& ctx,
                          std::span<const EntryId> known_ids = {});

// The validator set after `body` if it is an add_validator or a
// remove_validator (already validated), else `set` unchanged. Execution uses
// it; so does a store rebuilding its record of set changes from old blocks.
void ApplyValidatorChange(std::vector<ValidatorRecord>& set, const TxBody& body);

// The state a chain starts from: the genesis employers, validators and
// matchers, at height 0.
StateDelta GenesisDelta(const Genesis& genesis);

}  // namespace jobcard::ledger
