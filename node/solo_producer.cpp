#include "node/solo_producer.h"

#include <algorithm>

namespace jobcard::node {

Result<CommittedBlock> ProduceSoloBlock(ledger::ChainStore& store, const std::vector<ledger::Tx>& candidates,
                                        std::uint64_t now_ms, const crypto::SigningKey& validator_key,
                                        bool signatures_verified, std::span<const ledger::EntryId> known_ids) {
  auto prepared =
      PrepareNextBlock(store, candidates, now_ms, validator_key.public_key(), signatures_verified, known_ids);
  if (!prepared.ok()) return prepared.error();
  const ledger::BlockHeader& header = prepared->block.header;

  ledger::CommitCertificate cert;
  cert.height = header.height;
  cert.round = 0;
  cert.block_hash = prepared->block_hash;
  cert.signatures.push_back(
      ledger::SignPrecommit(store.genesis().chain_id, header.height, 0, prepared->block_hash, validator_key));
  Status committed = store.Commit(*prepared, cert);
  if (!committed.ok()) return committed.error();

  return SummariseBlock(*prepared);
}

Result<ledger::PreparedBlock> PrepareNextBlock(const ledger::ChainStore& store,
                                               const std::vector<ledger::Tx>& candidates, std::uint64_t now_ms,
                                               const crypto::PublicKey& proposer, bool signatures_verified,
                                               std::span<const ledger::EntryId> known_ids) {
  const std::uint64_t time_ms = std::max(now_ms, store.Tip().time_ms + 1);
  return store.PrepareBlock(candidates, time_ms, proposer, signatures_verified, known_ids);
}

CommittedBlock SummariseBlock(const ledger::PreparedBlock& prepared) {
  CommittedBlock out;
  out.header = prepared.block.header;
  out.block_hash = prepared.block_hash;
  out.committed_ids = prepared.execution.delta.log_appends;
  for (const auto& outcome : prepared.execution.outcomes) {
    if (!outcome.status.ok()) out.rejected.push_back(outcome);
  }
  return out;
}

}  // namespace jobcard::node
