// The kTxs payload (node/consensus_wire.h: a batch of transactions) and the
// sender's batcher (node/tx_gossip_batch.h): the codec round-trips and
// refuses every bound, trailing bytes, truncation and the single-transaction
// payload of earlier builds; the batcher hands out a batch at its count and
// byte bounds and on Flush, in order, losing nothing.
#include <gtest/gtest.h>

#include "ledger/encoding.h"
#include "ledger/tx.h"
#include "node/consensus_wire.h"
#include "node/p2p/message_bus.h"
#include "node/tx_gossip_batch.h"
#include "tests/support/chain_fixture.h"

namespace jobcard::testing {
namespace {

using node::DecodeTxBatch;
using node::EncodeTxBatch;
using node::kMaxTxsPerBatch;

std::vector<Bytes> EncodedTxs(std::uint64_t count) {
  static const TestChain chain = MakeTestChain();
  std::vector<Bytes> out;
  for (const auto& tx : SyntheticBlockTxs(chain, 1, count)) out.push_back(ledger::EncodeTx(tx));
  return out;
}

// A batch written by hand: kind, count, then the given (length, bytes) items.
Bytes HandMadeBatch(std::uint8_t kind, std::uint32_t count, const std::vector<Bytes>& items) {
  ledger::Writer w;
  w.U8(kind).U32(count);
  for (const Bytes& item : items) w.VarBytes(item);
  return std::move(w).take();
}

std::string DecodeError(const Bytes& payload) {
  auto decoded = DecodeTxBatch(payload);
  return decoded.ok() ? "ok" : decoded.error().code;
}

TEST(TxBatchCodec, RoundTripKeepsOrderAndEncodings) {
  const auto txs = EncodedTxs(5);
  ASSERT_EQ(txs.size(), 5u);
  const Bytes payload = EncodeTxBatch(txs);
  auto decoded = DecodeTxBatch(payload);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  ASSERT_EQ(decoded->size(), txs.size());
  for (std::size_t i = 0; i < txs.size(); ++i) {
    EXPECT_EQ((*decoded)[i].encoded, txs[i]) << i;
    EXPECT_EQ(ledger::EncodeTx((*decoded)[i].tx), txs[i]) << i;
  }
  EXPECT_EQ(payload.size(), 1 + 4 + 5 * 4 + [&] {
    std::size_t n = 0;
    for (const auto& tx : txs) n += tx.size();
    return n;
  }());
}

TEST(TxBatchCodec, CountMustBeOneToTheMaximum) {
  const Bytes tx = EncodedTxs(1).front();
  const std::uint8_t kind = EncodeTxBatch({tx})[0];
  EXPECT_EQ(DecodeError(HandMadeBatch(kind, 0, {})), "wire.count");
  const std::vector<Bytes> most(kMaxTxsPerBatch, tx);
  auto decoded = DecodeTxBatch(EncodeTxBatch(most));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->size(), kMaxTxsPerBatch);
  std::vector<Bytes> too_many = most;
  too_many.push_back(tx);
  EXPECT_EQ(DecodeError(HandMadeBatch(kind, kMaxTxsPerBatch + 1, too_many)), "wire.count");
}

TEST(TxBatchCodec, RefusesOversizeTrailingTruncatedAndUnknownKinds) {
  const auto txs = EncodedTxs(3);
  const Bytes payload = EncodeTxBatch(txs);
  const std::uint8_t kind = payload[0];

  Bytes trailing = payload;
  trailing.push_back(0);
  EXPECT_EQ(DecodeError(trailing), "encoding.trailing_bytes");
  for (std::size_t n = 0; n < payload.size(); ++n) {
    EXPECT_NE(DecodeError(Bytes(payload.begin(), payload.begin() + static_cast<std::ptrdiff_t>(n))), "ok") << n;
  }
  // A count the bytes cannot hold is refused before anything is reserved.
  EXPECT_EQ(DecodeError(HandMadeBatch(kind, kMaxTxsPerBatch, {txs[0]})), "encoding.truncated");
  // One transaction above ledger::kMaxTxBytes.
  EXPECT_EQ(DecodeError(HandMadeBatch(kind, 1, {Bytes(ledger::kMaxTxBytes + 1, 0x01)})), "encoding.oversize");
  // The whole payload above the bus's bound.
  Bytes huge = payload;
  huge.resize(node::p2p::kMaxPayloadBytes + 1);
  EXPECT_EQ(DecodeError(huge), "encoding.too_large");
  // An earlier build's payload, one bare transaction, and other kinds.
  EXPECT_EQ(DecodeError(txs[0]), "wire.kind");
  Bytes other_kind = payload;
  other_kind[0] = static_cast<std::uint8_t>(kind + 1);
  EXPECT_EQ(DecodeError(other_kind), "wire.kind");
  EXPECT_NE(DecodeError({}), "ok");
}

TEST(TxBatchCodec, OneTransactionThatDoesNotDecodeRefusesTheBatch) {
  auto txs = EncodedTxs(3);
  txs[1].back() ^= 0xff;  // still the right length: a signature byte changed is a valid encoding,
  EXPECT_EQ(DecodeError(EncodeTxBatch(txs)), "ok");  // so the decoder accepts it (the mempool judges it)
  txs[1].push_back(0);  // a trailing byte inside the transaction is not
  EXPECT_NE(DecodeError(EncodeTxBatch(txs)), "ok");
}

// Fake encodings of a given size: the batcher never decodes what it holds.
Bytes Fake(std::size_t size, std::uint8_t fill) { return Bytes(size, fill); }

std::uint32_t CountOf(const Bytes& payload) {
  ledger::Reader r(ByteView(payload).subspan(1));
  std::uint32_t count = 0;
  EXPECT_TRUE(r.U32(count));
  return count;
}

TEST(TxGossipBatch, HoldsTransactionsUntilFlushedThenHandsThemOutInOrder) {
  node::TxGossipBatch batch;
  const auto txs = EncodedTxs(4);
  for (const auto& tx : txs) EXPECT_TRUE(batch.Add(tx).empty());
  EXPECT_EQ(batch.pending_txs(), 4u);
  const std::size_t expected_bytes = batch.pending_bytes();
  const auto out = batch.Flush();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].size(), expected_bytes);
  auto decoded = DecodeTxBatch(out[0]);
  ASSERT_TRUE(decoded.ok());
  ASSERT_EQ(decoded->size(), txs.size());
  for (std::size_t i = 0; i < txs.size(); ++i) EXPECT_EQ((*decoded)[i].encoded, txs[i]);
  EXPECT_EQ(batch.pending_txs(), 0u);
  EXPECT_TRUE(batch.Flush().empty()) << "nothing waits: no empty batch";
}

TEST(TxGossipBatch, AFullCountLeavesAtOnce) {
  node::TxGossipBatch batch({.max_txs = 3, .max_bytes = 1 << 20});
  EXPECT_TRUE(batch.Add(Fake(100, 1)).empty());
  EXPECT_TRUE(batch.Add(Fake(100, 2)).empty());
  const auto out = batch.Add(Fake(100, 3));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(CountOf(out[0]), 3u);
  EXPECT_EQ(out[0].back(), 3) << "the transaction that filled it is in it, last";
  EXPECT_EQ(batch.pending_txs(), 0u);
}

TEST(TxGossipBatch, ATransactionThatWouldPassTheByteBoundStartsTheNextBatch) {
  // The byte bound is raised to fit at least one largest transaction
  // (5 + 4 + kMaxTxBytes); two of 6,000 bytes fit under it, three do not.
  constexpr std::size_t kTx = 6000;
  node::TxGossipBatch batch({.max_txs = 100, .max_bytes = 1});
  EXPECT_TRUE(batch.Add(Fake(kTx, 1)).empty());
  EXPECT_TRUE(batch.Add(Fake(kTx, 2)).empty());
  const auto out = batch.Add(Fake(kTx, 3));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(CountOf(out[0]), 2u);
  EXPECT_EQ(out[0].size(), 5 + 2 * (4 + kTx));
  EXPECT_EQ(out[0].back(), 2);
  EXPECT_EQ(batch.pending_txs(), 1u) << "the third waits for the next batch";
  const auto rest = batch.Flush();
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(CountOf(rest[0]), 1u);
  EXPECT_EQ(rest[0].back(), 3);
  // The largest transaction alone fits whatever the bound asked for.
  const auto largest = batch.Add(Fake(ledger::kMaxTxBytes, 4));
  EXPECT_TRUE(largest.empty());
  ASSERT_EQ(batch.Flush().size(), 1u);
}

TEST(TxGossipBatch, ACountOfOneOrLessSendsEachTransactionAlone) {
  node::TxGossipBatch batch({.max_txs = 0, .max_bytes = 1});
  for (std::uint8_t i = 1; i <= 3; ++i) {
    const auto out = batch.Add(Fake(10, i));
    ASSERT_EQ(out.size(), 1u) << int{i};
    EXPECT_EQ(CountOf(out[0]), 1u);
    EXPECT_EQ(out[0].back(), i);
  }
  EXPECT_TRUE(batch.Flush().empty());
}

}  // namespace
}  // namespace jobcard::testing
