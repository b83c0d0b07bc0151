// Block production for a chain whose validator set is one key: the dev
// ledger, before consensus exists. It prepares a block from candidate
// transactions, signs the single precommit that makes its certificate, and
// commits both. Consensus replaces exactly this piece; the store, the
// execution and the mempool stay as they are.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "crypto/sign.h"
#include "ledger/chain_store.h"

namespace jobcard::node {

struct CommittedBlock {
  ledger::BlockHeader header;
  Hash32 block_hash{};
  std::vector<ledger::EntryId> committed_ids;
  std::vector<ledger::TxOutcome> rejected;  // candidates left out, with reasons
};

// Prepares (does not commit) the next block from the valid candidates, at
// `now_ms` clamped to after the previous block: what a proposer offers.
Result<ledger::PreparedBlock> PrepareNextBlock(const ledger::ChainStore& store,
                                               const std::vector<ledger::Tx>& candidates, std::uint64_t now_ms,
                                               const crypto::PublicKey& proposer, bool signatures_verified,
                                               std::span<const ledger::EntryId> known_ids = {});

// What a committed block did, for logs and the mempool.
CommittedBlock SummariseBlock(const ledger::PreparedBlock& prepared);

// Commits one block with the valid candidates. Fails without writing when
// the key cannot certify alone (it must hold more than 2/3 of the voting
// power), or the store refuses the commit (disk full, I/O error).
// `now_ms` is clamped to after the previous block. `signatures_verified`:
// the candidates come from the mempool, which verified their signatures.
// `known_ids`: empty, or the candidates' ids as the mempool computed them.
Result<CommittedBlock> ProduceSoloBlock(ledger::ChainStore& store, const std::vector<ledger::Tx>& candidates,
                                        std::uint64_t now_ms, const crypto::SigningKey& validator_key,
                                        bool signatures_verified = false,
                                        std::span<const ledger::EntryId> known_ids = {});

}  // namespace jobcard::node
