#include "node/solo_producer.h"

#include <algorithm>

namespace jobcard::node {

Result<CommittedBlock> ProduceSoloBlock(ledger::ChainStore& store, const std::vector<ledger::Tx>& candidates,
                                        std::uint64_t now_ms, const crypto::SigningKey& validator_key,
                                        bool signatures_verified, std::span<const ledger::EntryId> known_ids) {
  const ledger::ChainTip tip = store.Tip();
  const std::uint64_t time_ms = std::max(now_ms, tip.time_ms + 1);
  auto prepared = store.PrepareBlock(candidates, time_ms, validator_key.public_key(), signatures_verified, known_ids);
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

  CommittedBlock out;
  out.header = header;
  out.block_hash = prepared->block_hash;
  out.committed_ids = prepared->execution.delta.log_appends;
  for (const auto& outcome : prepared->execution.outcomes) {
    if (!outcome.status.ok()) out.rejected.push_back(outcome);
  }
  return out;
}

}  // namespace jobcard::node
