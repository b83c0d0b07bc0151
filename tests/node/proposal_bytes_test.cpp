// ProposalTxBytes: a block reaped within it still fits one p2p payload,
// both as a proposal and as a committed block with the largest certificate,
// whatever the transactions weigh; and it never exceeds the genesis's
// max_block_bytes. (Before the bound, a devnet backlog over 4 MiB made every
// proposal too large to send, and the chain stopped.)
#include "node/proposal_bytes.h"

#include <gtest/gtest.h>

#include "ledger/block.h"
#include "node/consensus_wire.h"
#include "node/p2p/message_bus.h"
#include "tests/support/chain_fixture.h"

namespace jobcard::testing {
namespace {

std::uint64_t TxBytes(const std::vector<ledger::Tx>& txs) {
  std::uint64_t total = 0;
  for (const auto& tx : txs) total += ledger::EncodeTx(tx).size();
  return total;
}

// What the two payloads add to the transactions' own bytes, for `txs`.
struct Overheads {
  std::uint64_t proposal = 0;
  std::uint64_t sync = 0;
};
Overheads MeasureOverheads(const std::vector<ledger::Tx>& txs) {
  ledger::Block block;
  block.header.height = 7;
  block.txs = txs;
  node::consensus::Proposal proposal;
  proposal.height = 7;
  proposal.pol_round = 3;
  const Bytes proposal_payload = node::EncodeConsensusMessage(node::ProposalMessage{proposal, block});
  ledger::CommitCertificate cert;
  cert.height = 7;
  for (std::size_t i = 0; i < ledger::kMaxCertificateSignatures; ++i) {
    ledger::CommitSignature signature;
    signature.validator[0] = static_cast<std::uint8_t>(i);  // increasing keys, as a certificate's are
    cert.signatures.push_back(signature);
  }
  const Bytes sync_payload = node::EncodeSyncMessage(node::CertifiedBlock{block, cert});
  const std::uint64_t own = TxBytes(txs);
  return Overheads{proposal_payload.size() - own, sync_payload.size() - own};
}

TEST(ProposalTxBytes, ABlockReapedWithinItFitsAPayloadAsProposalAndAsCertifiedBlock) {
  const TestChain chain = MakeTestChain();
  std::vector<ledger::Tx> txs;
  for (std::uint64_t h = 1; txs.size() < 3000; ++h) {
    for (auto& tx : SyntheticBlockTxs(chain, h, 50)) txs.push_back(std::move(tx));
  }
  const auto max_txs = static_cast<std::uint32_t>(txs.size());
  const Overheads overheads = MeasureOverheads(txs);
  // The overhead depends on the count, not on the sizes: transactions
  // filling the whole bound would add exactly it.
  const std::uint64_t bound = node::ProposalTxBytes(64ull * 1024 * 1024, max_txs);
  EXPECT_LE(bound + overheads.proposal, node::p2p::kMaxPayloadBytes);
  EXPECT_LE(bound + overheads.sync, node::p2p::kMaxPayloadBytes);
  // And the limit does not waste the payload: most of it is transactions.
  EXPECT_GT(bound, node::p2p::kMaxPayloadBytes * 9 / 10);
}

TEST(ProposalTxBytes, TheDevnetsParametersAreCutToWhatFits) {
  // The devnet's genesis: 4 MiB and 20,000 transactions. Reaping 4 MiB of
  // transactions was the stall; the bound is below it.
  const std::uint64_t bound = node::ProposalTxBytes(4ull * 1024 * 1024, 20000);
  EXPECT_LT(bound, 4ull * 1024 * 1024);
}

TEST(ProposalTxBytes, ASmallerGenesisLimitIsKept) {
  EXPECT_EQ(node::ProposalTxBytes(1024 * 1024, 20000), 1024u * 1024u);
  EXPECT_EQ(node::ProposalTxBytes(32 * 1024, 1), 32u * 1024u);
}

}  // namespace
}  // namespace jobcard::testing
