#include "node/proposal_signatures.h"

namespace jobcard::node {

Result<ProposalSignatureCheck> CheckProposalSignatures(const Mempool& mempool, const std::vector<ledger::Tx>& txs,
                                                       std::string_view chain_id) {
  ProposalSignatureCheck check;
  check.ids.reserve(txs.size());
  for (const ledger::Tx& tx : txs) {
    const ledger::EntryId id = ledger::TxId(chain_id, tx);
    // Each proposed tx is looked up once per replay: no copy of the pending one.
    if (!mempool.HoldsIdentical(id, tx)) {
      JOBCARD_TRY_STATUS(ledger::VerifyTxSignatures(tx, chain_id));
      ++check.verified_now;
    }
    check.ids.push_back(id);
  }
  return check;
}

}  // namespace jobcard::node
