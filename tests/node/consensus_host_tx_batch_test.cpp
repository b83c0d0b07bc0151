// Transaction gossip in batches (node/tx_gossip_batch.h, consensus_wire.h
// kTxs): a batch from a peer is admitted and relayed as one batch, on the
// loop or through the off-loop worker; a bad signature in it scores the
// peer once and the rest still goes on; the single-transaction payload of
// earlier builds is refused; the host's own transactions wait at most the
// batch delay and then leave together; a batch from a validator is admitted
// but not relayed (the validator floods its own). Four validators and a full
// node on the in-memory bus; the full node's key (node 4) plays the sending
// peer, node 1's the sending validator. Every wait is bounded.
#include <gtest/gtest.h>

#include <chrono>

#include "ledger/tx.h"
#include "node/consensus_wire.h"
#include "tests/support/chain_fixture.h"
#include "tests/support/consensus_cluster.h"

namespace jobcard::testing {
namespace {

using node::p2p::Channel;

constexpr std::uint64_t kMaxWaitMs = 60000;

// What node 0 sends on kTxs, once per broadcast (the hub asks once per
// recipient), with the time it left.
struct SentByNode0 {
  std::vector<Bytes> payloads;
  std::vector<std::chrono::steady_clock::time_point> times;
};

void Record(ConsensusCluster& c, SentByNode0& sent) {
  const crypto::PublicKey node0 = c.key(0).public_key();
  c.hub().lose = [&sent, node0](const crypto::PublicKey& from, Channel channel, ByteView payload) {
    if (from != node0 || channel != Channel::kTxs) return false;
    const Bytes bytes(payload.begin(), payload.end());
    if (sent.payloads.empty() || sent.payloads.back() != bytes) {
      sent.payloads.push_back(bytes);
      sent.times.push_back(std::chrono::steady_clock::now());
    }
    return false;
  };
}

std::vector<Bytes> Encoded(const std::vector<ledger::Tx>& txs) {
  std::vector<Bytes> out;
  for (const auto& tx : txs) out.push_back(ledger::EncodeTx(tx));
  return out;
}

std::vector<Bytes> TxsOf(const Bytes& payload) {
  auto decoded = node::DecodeTxBatch(payload);
  EXPECT_TRUE(decoded.ok()) << decoded.error().code;
  std::vector<Bytes> out;
  if (decoded.ok()) for (auto& g : *decoded) out.push_back(g.encoded);
  return out;
}

bool AllCommitted(ConsensusCluster& c, const std::vector<ledger::Tx>& txs) {
  for (const auto& tx : txs) {
    if (!c.AllCommitted(ledger::TxId(c.chain().genesis.chain_id, tx))) return false;
  }
  return true;
}

std::size_t PenaltiesOf(ConsensusCluster& c, const crypto::PublicKey& peer, const std::string& reason) {
  std::size_t n = 0;
  for (const auto& [who, why] : c.hub().penalties()) n += (who == peer && why == reason) ? 1 : 0;
  return n;
}

// 0: admitted on the loop (the tests' default); 64: through the worker thread, as the node does.
class TxBatchHost : public ::testing::TestWithParam<std::size_t> {
 protected:
  void StartCluster() {
    c_.AdjustHostConfig([queue = GetParam()](node::ConsensusHostConfig& config) { config.off_loop_tx_queue = queue; });
    c_.StartAll();
    Record(c_, sent_);
  }
  void FromFullNode(const Bytes& payload) { c_.host(0).OnMessage(c_.key(4).public_key(), Channel::kTxs, payload); }
  void FromNode1(const Bytes& payload) { c_.host(0).OnMessage(c_.key(1).public_key(), Channel::kTxs, payload); }

  ConsensusCluster c_{4, 30, /*followers=*/1};
  SentByNode0 sent_;
};

TEST_P(TxBatchHost, ABatchFromAPeerIsAdmittedAndRelayedAsOneBatch) {
  StartCluster();
  const auto txs = SyntheticBlockTxs(c_.chain(), 1, 8);
  ASSERT_EQ(txs.size(), 8u);
  FromFullNode(node::EncodeTxBatch(Encoded(txs)));
  ASSERT_TRUE(c_.RunUntil([&] { return AllCommitted(c_, txs); }, kMaxWaitMs));
  ASSERT_FALSE(sent_.payloads.empty()) << "node 0 relayed nothing";
  EXPECT_EQ(TxsOf(sent_.payloads.front()), Encoded(txs)) << "not one batch of the eight, in order";
  for (const auto& payload : sent_.payloads) TxsOf(payload);  // every kTxs payload is a batch
  EXPECT_TRUE(c_.hub().penalties().empty());
  EXPECT_TRUE(c_.fatal_errors().empty());
}

TEST_P(TxBatchHost, ABadSignatureInABatchScoresThePeerOnceAndTheRestIsRelayed) {
  StartCluster();
  const auto txs = SyntheticBlockTxs(c_.chain(), 1, 6);
  ASSERT_EQ(txs.size(), 6u);
  auto encoded = Encoded(txs);
  encoded[1].back() ^= 0x01;  // the last byte is the last signature's
  encoded[4].back() ^= 0x01;
  FromFullNode(node::EncodeTxBatch(encoded));
  const std::vector<ledger::Tx> good{txs[0], txs[2], txs[3], txs[5]};
  ASSERT_TRUE(c_.RunUntil([&] { return AllCommitted(c_, good); }, kMaxWaitMs));
  EXPECT_EQ(PenaltiesOf(c_, c_.key(4).public_key(), "tx.bad_signature"), 1u);
  ASSERT_FALSE(sent_.payloads.empty());
  EXPECT_EQ(TxsOf(sent_.payloads.front()), Encoded(good));
  EXPECT_FALSE(AllCommitted(c_, {txs[1]}));
  EXPECT_FALSE(AllCommitted(c_, {txs[4]}));
}

// Only node 0 holds the batch (node 1's own flood is not sent here), so
// the transactions commit only if node 0 admitted them; and it sends none
// of them on (the gossip tick, which could re-send a pending one, is slowed
// out of the way).
TEST_P(TxBatchHost, ABatchFromAValidatorIsAdmittedButNotRelayed) {
  c_.AdjustHostConfig([queue = GetParam()](node::ConsensusHostConfig& config) {
    config.off_loop_tx_queue = queue;
    config.gossip_interval_ms = 10000;
  });
  c_.StartAll();
  Record(c_, sent_);
  const auto txs = SyntheticBlockTxs(c_.chain(), 1, 4);
  FromNode1(node::EncodeTxBatch(Encoded(txs)));
  ASSERT_TRUE(c_.RunUntil([&] { return AllCommitted(c_, txs); }, kMaxWaitMs));
  EXPECT_TRUE(sent_.payloads.empty()) << "node 0 relayed a validator's batch";
  EXPECT_TRUE(c_.hub().penalties().empty());
}

TEST_P(TxBatchHost, AnEarlierBuildsSingleTransactionPayloadIsRefused) {
  StartCluster();
  const auto tx = SyntheticBlockTxs(c_.chain(), 1, 1).front();
  FromNode1(ledger::EncodeTx(tx));
  c_.RunFor(300);
  EXPECT_EQ(PenaltiesOf(c_, c_.key(1).public_key(), "wire.kind"), 1u);
  EXPECT_TRUE(sent_.payloads.empty());
  EXPECT_EQ(c_.height(0), 0u);
}

INSTANTIATE_TEST_SUITE_P(OnLoopAndOffLoop, TxBatchHost, ::testing::Values(0, 64));

// The host's own transactions (POST /v1/txs) wait for the batch delay, no
// longer, and leave in one batch; with a delay of 0 each leaves at once.
std::vector<Bytes> SubmitThreeAndRecord(std::uint64_t delay_ms, std::uint64_t& first_after_ms) {
  ConsensusCluster c(4);
  c.AdjustHostConfig([delay_ms](node::ConsensusHostConfig& config) {
    config.tx_batch_delay_ms = delay_ms;
    config.gossip_interval_ms = 5000;  // the gossip tick also flushes: keep it out of the way
  });
  c.StartAll();
  SentByNode0 sent;
  Record(c, sent);
  const auto txs = SyntheticBlockTxs(c.chain(), 1, 3);
  const auto submitted = std::chrono::steady_clock::now();
  for (const auto& tx : txs) EXPECT_TRUE(c.Submit(0, tx).ok());
  EXPECT_TRUE(c.RunUntil([&] { return AllCommitted(c, txs); }, kMaxWaitMs));
  if (!sent.times.empty()) {
    first_after_ms = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(sent.times.front() - submitted).count());
  }
  std::vector<Bytes> relayed;
  for (const auto& payload : sent.payloads) {
    for (auto& tx : TxsOf(payload)) relayed.push_back(std::move(tx));
  }
  EXPECT_EQ(relayed, Encoded(txs));
  return sent.payloads;
}

TEST(TxBatchHostDelay, OwnTransactionsWaitTheBatchDelayThenLeaveTogether) {
  constexpr std::uint64_t kDelayMs = 300;
  std::uint64_t first_after_ms = 0;
  const auto payloads = SubmitThreeAndRecord(kDelayMs, first_after_ms);
  EXPECT_EQ(payloads.size(), 1u) << "the three did not share one batch";
  EXPECT_GE(first_after_ms, kDelayMs) << "left before the batch delay";
  EXPECT_LT(first_after_ms, kDelayMs + 5000) << "held back far longer than the batch delay";
}

TEST(TxBatchHostDelay, WithoutADelayEachOwnTransactionLeavesAtOnce) {
  std::uint64_t first_after_ms = 0;
  const auto payloads = SubmitThreeAndRecord(0, first_after_ms);
  EXPECT_EQ(payloads.size(), 3u);
}

}  // namespace
}  // namespace jobcard::testing
