// Hostile peers against honest consensus hosts over the real transport.
// Three honest validators (TcpConsensusCluster) run on 127.0.0.1; the fourth
// validator's key belongs to the test, which completes the real handshake
// with it (a TcpBus, or a raw socket for frame-level faults) and misbehaves:
// invalid signatures and unknown signers, votes for far-future and past
// heights, oversize and tampered frames, stalled handshakes, floods of
// valid-looking transactions and of votes, and an equivocating proposer.
// Each test shows that the honest three keep committing (they are a quorum
// on their own), that what they hold for peers stays within its bounds, and
// that the peer is disconnected and banned, or its evidence recorded, as the
// attack deserves. RELIABILITY.md "Hostile peers" summarises the results.
// Every wait is bounded; each test takes a few seconds.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <future>

#include "ledger/tx.h"
#include "node/consensus/state_machine.h"
#include "node/consensus_wire.h"
#include "node/solo_producer.h"
#include "tests/node/hostile_peer.h"
#include "tests/node/p2p_raw_peer.h"
#include "tests/node/p2p_test_util.h"
#include "tests/support/chain_fixture.h"
#include "tests/support/tcp_consensus_cluster.h"

namespace jobcard::testing {
namespace {

using namespace std::chrono_literals;
using node::consensus::SignVote;
using node::consensus::Vote;
using node::consensus::VoteType;
using node::p2p::Channel;
using node::p2p::testing::HostilePeer;
using node::p2p::testing::RawPeer;

// A bound for what must happen, not a pace: these pass in a few seconds alone,
// but FloodOfVotesStaysWithinTheBooks once needed more than 30 s under a load
// average of 8 with a Release build beside it (session 7).
constexpr std::uint64_t kMaxWaitMs = 60000;
constexpr std::size_t kHonest = 3;
constexpr std::size_t kByzantine = 3;  // validator index whose key the test holds

Hash32 HashOfNumber(std::uint64_t n) {
  Hash32 h{};
  for (int i = 0; i < 8; ++i) h[i] = static_cast<std::uint8_t>(n >> (8 * i));
  h[31] = 0xee;
  return h;
}

node::p2p::TcpBusOptions BaseOptions() {
  node::p2p::TcpBusOptions options;
  options.handshake_timeout = 1000ms;
  options.reconnect_initial = 50ms;
  options.reconnect_max = 400ms;
  return options;
}

class HostilePeerTest : public ::testing::Test {
 protected:
  TcpConsensusCluster c_{4, kHonest, BaseOptions()};
  std::unique_ptr<HostilePeer> byzantine_;
  std::uint64_t batch_ = 0;

  void SetUp() override {
    for (std::size_t i = 0; i < kHonest; ++i) c_.Start(i);
    ASSERT_TRUE(c_.RunUntil([&] { return c_.Meshed(); }, kMaxWaitMs));
  }

  const crypto::SigningKey& byzantine_key() const { return c_.key(kByzantine); }
  const std::string& chain_id() const { return c_.chain().genesis.chain_id; }
  std::uint64_t next_height() const { return c_.height(0) + 1; }

  // The Byzantine validator joins: dials every honest node and completes
  // the handshake. `max_queued_frames` bounds its own send queue (a flood
  // wants a big one).
  void ConnectByzantine(std::size_t max_queued_frames = 1024) {
    node::p2p::TcpBusOptions options = c_.OptionsFor();
    options.max_queued_frames = max_queued_frames;
    byzantine_ = std::make_unique<HostilePeer>(
        c_.io(), std::make_shared<crypto::SigningKey>(KeyFromByte(static_cast<std::uint8_t>(0x40 + kByzantine))), options);
    ASSERT_TRUE(byzantine_->Start().ok());
    for (std::size_t i = 0; i < kHonest; ++i) byzantine_->bus().AddPeer(c_.address(i));
    ASSERT_TRUE(c_.RunUntil([&] { return ConnectedToAllHonest(); }, kMaxWaitMs));
  }
  bool ConnectedToAllHonest() const {
    for (std::size_t i = 0; i < kHonest; ++i) {
      if (!byzantine_->ConnectedTo(c_.key(i).public_key())) return false;
    }
    return true;
  }
  bool BannedByAllHonest() {
    for (std::size_t i = 0; i < kHonest; ++i) {
      if (!c_.bus(i).IsBanned(byzantine_key().public_key())) return false;
    }
    return true;
  }
  bool NoneBanned() {
    for (std::size_t i = 0; i < kHonest; ++i) {
      if (c_.bus(i).IsBanned(byzantine_key().public_key())) return false;
    }
    return true;
  }

  // Submits the next synthetic batch (valid on top of the earlier ones) to
  // one honest node and waits until every honest node has committed all of
  // it: the honest network still makes progress.
  ::testing::AssertionResult CommitBatch() {
    ++batch_;
    const auto txs = SyntheticBlockTxs(c_.chain(), batch_, 2);
    for (const auto& tx : txs) {
      Status submitted = c_.Submit(batch_ % kHonest, tx);
      if (!submitted.ok()) return ::testing::AssertionFailure() << "submit: " << submitted.error().message;
    }
    const bool committed = c_.RunUntil([&] {
      for (const auto& tx : txs) {
        if (!c_.AllCommitted(ledger::TxId(chain_id(), tx))) return false;
      }
      return true;
    }, kMaxWaitMs);
    if (!committed) {
      return ::testing::AssertionFailure() << "batch " << batch_ << " not committed; heights " << c_.height(0) << " "
                                           << c_.height(1) << " " << c_.height(2);
    }
    if (!c_.fatal_errors().empty()) return ::testing::AssertionFailure() << c_.fatal_errors()[0].message;
    return ::testing::AssertionSuccess();
  }

  // What every honest host holds for peers is within its bounds.
  void ExpectFootprintsBounded() {
    for (std::size_t i = 0; i < kHonest; ++i) {
      const auto f = c_.host(i).footprint();
      EXPECT_LE(f.held_blocks, 64u) << "node " << i;
      EXPECT_LE(f.relayed_messages, 1024u) << "node " << i;
      EXPECT_LE(f.live_timers, 64u) << "node " << i;
      EXPECT_LE(f.decided_votes, node::consensus::kDecidedHeightsKept * node::consensus::kMaxVotesPerDecidedHeight)
          << "node " << i;
      EXPECT_LE(c_.mempool(i).size(), 64u) << "node " << i;
    }
  }

  // The honest nodes agree on every block up to the lowest tip.
  void ExpectOneChain() {
    ASSERT_TRUE(c_.RunUntil([&] { return c_.height(0) == c_.height(1) && c_.height(1) == c_.height(2); }, kMaxWaitMs));
    for (std::uint64_t h = 1; h <= c_.height(0); ++h) {
      auto first = c_.store(0).GetBlockHeader(h);
      ASSERT_TRUE(first.ok());
      for (std::size_t i = 1; i < kHonest; ++i) {
        auto other = c_.store(i).GetBlockHeader(h);
        ASSERT_TRUE(other.ok());
        EXPECT_EQ(ledger::BlockHash(*other), ledger::BlockHash(*first)) << "node " << i << " height " << h;
      }
    }
  }

  void SendVote(const Vote& vote) { byzantine_->bus().Broadcast(Channel::kConsensus, node::EncodeConsensusMessage(vote)); }
};

TEST_F(HostilePeerTest, InvalidSignaturesAndUnknownSignersGetThePeerBanned) {
  ConnectByzantine();
  ASSERT_TRUE(CommitBatch());
  const auto stranger = KeyFromByte(0x77);  // not a validator
  for (std::uint64_t i = 0; i < 12; ++i) {
    if (i % 2 == 0) {
      Vote forged = SignVote(chain_id(), VoteType::kPrevote, next_height(), 0, HashOfNumber(i), byzantine_key());
      forged.signature[5] ^= 0x20;
      SendVote(forged);
    } else {
      SendVote(SignVote(chain_id(), VoteType::kPrevote, next_height(), 0, HashOfNumber(i), stranger));
    }
  }
  // 12 x 10 points passes the ban threshold (100) on every honest node.
  ASSERT_TRUE(c_.RunUntil([&] { return BannedByAllHonest(); }, kMaxWaitMs));
  ASSERT_TRUE(c_.RunUntil([&] { return byzantine_->bus().ConnectedPeers().empty(); }, kMaxWaitMs));
  // It redials every 50-400 ms and is refused. Its own view may list a link
  // for an instant: it finishes its side of the handshake before the honest
  // responder, which learns who dialled only from the last message, closes
  // it. So the honest nodes' view is sampled, for the whole 500 ms.
  bool honest_linked = false;
  c_.RunUntil(
      [&] {
        for (std::size_t i = 0; i < kHonest; ++i) {
          for (const auto& peer : c_.bus(i).ConnectedPeers()) {
            honest_linked = honest_linked || peer == byzantine_key().public_key();
          }
        }
        return false;
      },
      500);
  EXPECT_FALSE(honest_linked);
  EXPECT_TRUE(CommitBatch());
  EXPECT_TRUE(CommitBatch());
  ExpectFootprintsBounded();
  ExpectOneChain();
}

TEST_F(HostilePeerTest, FarFutureAndPastHeightsCostLittleAndCommitsGoOn) {
  ConnectByzantine(/*max_queued_frames=*/8192);
  ASSERT_TRUE(CommitBatch());
  ASSERT_TRUE(CommitBatch());
  const auto started = std::chrono::steady_clock::now();
  // Validly signed, but for heights the honest nodes have not reached (a
  // peer ahead is not proof of anything, so this is not scored), for past
  // heights (answered with blocks, rate-limited), and a status claiming a
  // height of 2^40.
  for (std::uint64_t i = 0; i < 1000; ++i) {
    SendVote(SignVote(chain_id(), VoteType::kPrecommit, next_height() + 1 + i * 1000, 0, HashOfNumber(i), byzantine_key()));
    // One slot each (round i): a past height's conflicting votes are
    // evidence now (ConsensusEvidence.ConflictingVotesAfterTheDecisionAreKept).
    if (i % 2 == 0) {
      SendVote(SignVote(chain_id(), VoteType::kPrevote, 1, static_cast<std::uint32_t>(i), HashOfNumber(i), byzantine_key()));
    }
  }
  byzantine_->bus().Broadcast(Channel::kConsensus, node::EncodeConsensusMessage(node::StatusMessage{1ull << 40}));
  EXPECT_TRUE(CommitBatch());
  EXPECT_TRUE(CommitBatch());
  const auto elapsed_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  // Requests and served blocks are at most one batch per peer per gossip
  // interval (100 ms here): 1,500 messages did not buy 1,500 answers.
  const std::uint64_t sync_bound = kHonest * (static_cast<std::uint64_t>(elapsed_ms) / 100 + 2) * 64;
  EXPECT_LT(byzantine_->received(Channel::kSync), std::min<std::uint64_t>(sync_bound, 1500));
  EXPECT_TRUE(NoneBanned());
  ExpectFootprintsBounded();
  ExpectOneChain();
}

// Frame faults over a raw socket that completes the handshake with the
// Byzantine validator's key: an oversize length prefix, then a frame that
// fails to open. Each closes the connection and scores 50; the second bans.
TEST_F(HostilePeerTest, OversizeAndTamperedFramesDisconnectAndBan) {
  ASSERT_TRUE(CommitBatch());
  const auto port = c_.address(0).port;
  const crypto::SigningKey& own = byzantine_key();
  node::p2p::HandshakeSettings settings = node::p2p::testing::Settings(own, c_.validator_keys(), chain_id());
  settings.expected_peer = c_.key(0).public_key();
  auto run_beside = [&](std::function<bool()> script) {
    auto done = std::async(std::launch::async, std::move(script));
    c_.RunUntil([&] { return done.wait_for(0s) == std::future_status::ready; }, kMaxWaitMs);
    return done.get();
  };
  const bool oversize_closed = run_beside([&] {
    RawPeer peer(port);
    if (!peer.HandshakeAsInitiator(settings, 0x51)) return false;
    const std::size_t length = node::p2p::kMaxFrameBodyBytes + 1;
    const Bytes header{static_cast<std::uint8_t>(length >> 24), static_cast<std::uint8_t>(length >> 16),
                       static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length)};
    return peer.Write(header) && peer.ClosedWithin(5000ms);
  });
  EXPECT_TRUE(oversize_closed);
  EXPECT_FALSE(c_.bus(0).IsBanned(own.public_key()));
  const bool tampered_closed = run_beside([&] {
    RawPeer peer(port);
    auto session = peer.HandshakeAsInitiator(settings, 0x52);
    if (!session) return false;
    node::p2p::FrameSealer sealer(session->send_key);
    Bytes frame = std::move(sealer.Seal(static_cast<std::uint8_t>(Channel::kConsensus), AsBytes("vote?"))).value();
    frame.back() ^= 0x01;
    return peer.Write(frame) && peer.ClosedWithin(5000ms);
  });
  EXPECT_TRUE(tampered_closed);
  EXPECT_TRUE(c_.bus(0).IsBanned(own.public_key()));
  // Banned: a third, well-behaved attempt does not get through the handshake.
  const bool refused = run_beside([&] {
    RawPeer peer(port);
    return !peer.HandshakeAsInitiator(settings, 0x53).has_value() || peer.ClosedWithin(3000ms);
  });
  EXPECT_TRUE(refused);
  EXPECT_TRUE(CommitBatch());
  ExpectOneChain();
}

// 80 connections that never finish a handshake (half send nothing, half
// send half of message 1) sit on node 0 past the pending-handshake bound
// (64) while the honest nodes commit; every one is closed within the
// handshake deadline (1 s here) plus slack.
TEST_F(HostilePeerTest, StalledHandshakesAreDroppedAndDoNotStopCommits) {
  const auto port = c_.address(0).port;
  std::atomic<bool> opened{false}, committed{false};
  auto stalled = std::async(std::launch::async, [&] {
    std::vector<std::unique_ptr<RawPeer>> peers;
    for (int i = 0; i < 80; ++i) {
      peers.push_back(std::make_unique<RawPeer>(port));
      if (i % 2 == 1) peers.back()->Write(Bytes(node::p2p::kHandshakeMessage1Bytes / 2, 0x01));
    }
    opened = true;
    while (!committed) std::this_thread::sleep_for(10ms);
    int closed = 0;
    for (auto& peer : peers) closed += peer->ClosedWithin(3000ms) ? 1 : 0;
    return closed;
  });
  ASSERT_TRUE(c_.RunUntil([&] { return opened.load(); }, kMaxWaitMs));
  const bool batch_committed = static_cast<bool>(CommitBatch());
  committed = true;
  c_.RunUntil([&] { return stalled.wait_for(0s) == std::future_status::ready; }, kMaxWaitMs * 2);
  EXPECT_TRUE(batch_committed);
  EXPECT_EQ(stalled.get(), 80);
  EXPECT_TRUE(CommitBatch());
  ExpectOneChain();
}

// 3,000 transactions that decode and carry a real employer's signature but
// are not valid (hires of subjects never enrolled): refused by the mempool
// without scoring (they could be valid later elsewhere), never relayed, and
// the pool does not grow; the honest batch commits in the middle of it.
TEST_F(HostilePeerTest, FloodOfValidLookingTxsIsRefusedWithoutGrowth) {
  ConnectByzantine(/*max_queued_frames=*/8192);  // transactions may fill half: the whole flood fits
  ASSERT_TRUE(CommitBatch());
  std::vector<Bytes> flood;
  for (std::uint64_t h = 100000; flood.size() < 3000; ++h) {
    for (const auto& tx : SyntheticBlockTxs(c_.chain(), h, 1)) {
      if (tx.kind != ledger::TxKind::kEnrollSubject) flood.push_back(ledger::EncodeTx(tx));
    }
  }
  std::size_t most_pending = 0;
  for (std::size_t i = 0; i < flood.size(); ++i) {
    byzantine_->bus().Broadcast(Channel::kTxs, node::EncodeTxBatch({flood[i]}));
    if (i % 500 == 499) {
      c_.RunFor(20);
      for (std::size_t n = 0; n < kHonest; ++n) most_pending = std::max(most_pending, c_.mempool(n).size());
    }
  }
  c_.RunFor(1000);
  for (std::size_t n = 0; n < kHonest; ++n) {  // the whole flood left for every honest node
    auto stats = byzantine_->bus().StatsOf(c_.key(n).public_key());
    ASSERT_TRUE(stats.has_value());
    EXPECT_EQ(stats->dropped_frames, 0u);
  }
  // Nothing of the flood entered a pool or was relayed. (Since honest nodes
  // no longer relay what a validator gossips, spec/consensus.md §13, the
  // pool check is what shows the refusal: an accepted transaction would also
  // have come back from an honest node's own re-gossip.)
  // Compared by content, not by count: an honest node may send the peer its
  // own pending transactions again meanwhile (re-gossip, spec/consensus.md
  // §13), which once made the count one higher than before the flood.
  EXPECT_EQ(most_pending, 0u);
  const auto relayed = std::count_if(flood.begin(), flood.end(), [&](const Bytes& tx) { return byzantine_->ReceivedTx(tx); });
  EXPECT_EQ(relayed, 0) << "of the flood's transactions came back from an honest node";
  EXPECT_EQ(byzantine_->undecodable_tx_payloads(), 0u);
  EXPECT_TRUE(CommitBatch());
  EXPECT_TRUE(NoneBanned());
  EXPECT_TRUE(CommitBatch());
  ExpectFootprintsBounded();
  ExpectOneChain();
}

// 3,000 validly signed nil votes for every round up to 1,499 of the height
// being agreed on: the machine keeps at most two future rounds per
// validator, the host relays at most 1,024 messages, and the height commits.
TEST_F(HostilePeerTest, FloodOfVotesStaysWithinTheBooks) {
  ConnectByzantine(/*max_queued_frames=*/8192);
  ASSERT_TRUE(CommitBatch());
  const std::uint64_t height = next_height();
  ++batch_;
  const auto txs = SyntheticBlockTxs(c_.chain(), batch_, 2);
  for (const auto& tx : txs) ASSERT_TRUE(c_.Submit(0, tx).ok());
  for (std::uint32_t round = 0; round < 1500; ++round) {
    SendVote(SignVote(chain_id(), VoteType::kPrevote, height, round, std::nullopt, byzantine_key()));
    SendVote(SignVote(chain_id(), VoteType::kPrecommit, height, round, std::nullopt, byzantine_key()));
    if (round % 250 == 249) c_.RunFor(10);
  }
  EXPECT_TRUE(c_.RunUntil([&] {
    for (const auto& tx : txs) {
      if (!c_.AllCommitted(ledger::TxId(chain_id(), tx))) return false;
    }
    return true;
  }, kMaxWaitMs));
  ExpectFootprintsBounded();
  EXPECT_TRUE(NoneBanned());  // nil votes for future rounds prove nothing
  EXPECT_TRUE(CommitBatch());
  ExpectOneChain();
}

// The Byzantine validator waits for a height whose round-0 proposer it is,
// then proposes block A to node 0 and block B to nodes 1 and 2 (both signed
// with its real key, both valid blocks), and prevotes and precommits both.
// The honest nodes commit one block at that height, all the same; each
// records the double votes as evidence; the evidence survives a restart.
TEST_F(HostilePeerTest, EquivocatingProposerLeavesEvidenceAndOneChain) {
  ConnectByzantine();
  const auto members = c_.store(0).GetValidators();
  auto proposer_of = [&](std::uint64_t height) {
    auto created = node::consensus::ValidatorSet::Create(members);
    EXPECT_TRUE(created.ok());
    node::consensus::ValidatorSet set = *created;
    for (std::uint64_t h = 1; h < height; ++h) set = set.ForNextHeight();
    node::consensus::StateMachine machine({chain_id(), {}}, nullptr, {}, {});
    machine.StartHeight(height, set);
    return machine.Proposer(0);
  };
  // One enrolment at a time (one block each) until the next height is the
  // Byzantine validator's to propose at round 0.
  for (std::uint64_t i = 0; i < 8 && proposer_of(next_height()) != byzantine_key().public_key(); ++i) {
    const std::uint64_t before = c_.height(0);
    ASSERT_TRUE(c_.Submit(0, SyntheticBlockTxs(c_.chain(), 50000 + i, 1).front()).ok());
    ASSERT_TRUE(c_.RunUntil([&] {
      return c_.height(0) > before && c_.height(0) == c_.height(1) && c_.height(1) == c_.height(2);
    }, kMaxWaitMs));
  }
  const std::uint64_t height = next_height();
  ASSERT_EQ(proposer_of(height), byzantine_key().public_key());

  const auto now = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  auto block_a = node::PrepareNextBlock(c_.store(0), {}, now, byzantine_key().public_key(), true);
  auto block_b = node::PrepareNextBlock(c_.store(0), {}, now + 1, byzantine_key().public_key(), true);
  ASSERT_TRUE(block_a.ok() && block_b.ok());
  ASSERT_NE(block_a->block_hash, block_b->block_hash);
  auto send_to = [&](std::size_t node, const ledger::PreparedBlock& proposed, const Hash32& other) {
    const auto proposal = node::consensus::SignProposal(chain_id(), height, 0, std::nullopt, proposed.block_hash, byzantine_key());
    const auto to = c_.key(node).public_key();
    byzantine_->bus().SendTo(to, Channel::kConsensus, node::EncodeConsensusMessage(node::ProposalMessage{proposal, proposed.block}));
    // The proposed value's votes first, the other's second: the second may
    // well arrive after the node decided the height, and is judged against
    // the decided height's votes (consensus/decided_votes.h). Before that
    // was kept, this order left node 1 without evidence on the merged tree.
    for (const Hash32& value : {proposed.block_hash, other}) {
      for (VoteType type : {VoteType::kPrevote, VoteType::kPrecommit}) {
        byzantine_->bus().SendTo(to, Channel::kConsensus,
                                 node::EncodeConsensusMessage(SignVote(chain_id(), type, height, 0, value, byzantine_key())));
      }
    }
  };
  send_to(0, *block_a, block_b->block_hash);
  send_to(1, *block_b, block_a->block_hash);
  send_to(2, *block_b, block_a->block_hash);

  ASSERT_TRUE(c_.RunUntil([&] { return c_.height(0) >= height && c_.height(1) >= height && c_.height(2) >= height; },
                          kMaxWaitMs));
  ExpectOneChain();
  for (std::size_t i = 0; i < kHonest; ++i) {
    ASSERT_TRUE(c_.RunUntil([&] { return !c_.host(i).evidence().empty(); }, kMaxWaitMs)) << "node " << i;
    for (const auto& e : c_.host(i).evidence()) {
      EXPECT_EQ(e.first.validator, byzantine_key().public_key());
      EXPECT_EQ(e.first.height, height);
      EXPECT_NE(e.first.value, e.second.value);
    }
  }
  const auto before = c_.host(0).evidence();
  c_.Stop(0);
  c_.Start(0);
  EXPECT_EQ(c_.host(0).evidence(), before);
  ASSERT_TRUE(c_.RunUntil([&] { return c_.Meshed(); }, kMaxWaitMs));
  EXPECT_TRUE(CommitBatch());
  ExpectOneChain();
}

}  // namespace
}  // namespace jobcard::testing
