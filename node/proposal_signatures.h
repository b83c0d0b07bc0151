// Signatures of a proposed block, checked once per node.
//
// Every transaction that reached this node by gossip or the API had its
// signatures verified when the mempool accepted it. Replaying a proposed
// block used to verify them all again, so each entry cost a validator two
// Ed25519 verifications instead of one: on a 4-validator devnet on two cores
// that second check was the largest single cost of judging a block
// (BENCHMARKS.md, devnet). Here a transaction counts as verified only when
// the mempool holds the very same Tx, signatures included (an id does not
// cover the signatures, so an id match alone proves nothing); every other
// one is verified now.
#pragma once

#include <string_view>
#include <vector>

#include "ledger/tx.h"
#include "node/mempool.h"

namespace jobcard::node {

struct ProposalSignatureCheck {
  std::vector<ledger::EntryId> ids;  // TxId of each transaction, in order (ExecuteTxs's known_ids)
  std::size_t verified_now = 0;      // transactions the mempool did not hold: verified here
};

// The ids of `txs`, or the first signature error (tx.bad_signature and the
// like, as VerifyTxSignatures reports it) among those the mempool did not
// already verify.
Result<ProposalSignatureCheck> CheckProposalSignatures(const Mempool& mempool, const std::vector<ledger::Tx>& txs,
                                                       std::string_view chain_id);

}  // namespace jobcard::node
