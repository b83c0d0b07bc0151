// The consensus WAL, sign state file and wire codecs: records survive a
// reopen; a truncated or corrupt tail is cut with the records before it kept
// (never a crash); a new height drops the old records; the bound holds; the
// sign state file round-trips and a damaged one is an error, not a blank
// state; every wire message round-trips and bad ones are refused.
#include <gtest/gtest.h>

#include <fstream>

#include "node/consensus_wal.h"
#include "node/consensus_wire.h"
#include "node/p2p/message_bus.h"
#include "node/sign_state_file.h"
#include "tests/support/chain_fixture.h"
#include "tests/support/fixtures.h"
#include "tests/support/temp_dir.h"

namespace jobcard::testing {
namespace {

using node::ConsensusWal;
using node::WalContents;

Bytes Message(std::uint8_t fill, std::size_t size) { return Bytes(size, fill); }

std::unique_ptr<ConsensusWal> OpenWal(const std::filesystem::path& path, WalContents& out,
                                      std::uint64_t max_bytes = node::kDefaultWalMaxBytes) {
  auto wal = ConsensusWal::Open(path, max_bytes, out);
  EXPECT_TRUE(wal.ok()) << (wal.ok() ? "" : wal.error().message);
  return wal.ok() ? std::move(*wal) : nullptr;
}

// A WAL at height 7 holding three records of 10, 20 and 30 bytes.
std::uint64_t WriteThree(const std::filesystem::path& path) {
  WalContents ignored;
  auto wal = OpenWal(path, ignored);
  EXPECT_TRUE(wal->StartHeight(7).ok());
  for (std::uint8_t i = 1; i <= 3; ++i) EXPECT_TRUE(*wal->Append(Message(i, 10 * i)));
  EXPECT_TRUE(wal->Sync().ok());
  return std::filesystem::file_size(path);
}

TEST(ConsensusWal, RecordsSurviveAReopen) {
  TempDir dir;
  WriteThree(dir / "wal");
  WalContents out;
  auto wal = OpenWal(dir / "wal", out);
  EXPECT_EQ(out.height, 7u);
  ASSERT_EQ(out.messages.size(), 3u);
  EXPECT_EQ(out.messages[2], Message(3, 30));
  EXPECT_EQ(out.cut_bytes, 0u);
}

TEST(ConsensusWal, ATruncatedTailIsCutAndTheRestKept) {
  TempDir dir;
  const std::uint64_t size = WriteThree(dir / "wal");
  for (std::uint64_t cut : {1u, 20u, 37u}) {  // inside the last record's body, and inside its header
    std::filesystem::resize_file(dir / "wal", size - cut);
    WalContents out;
    auto wal = OpenWal(dir / "wal", out);
    ASSERT_TRUE(wal);
    EXPECT_EQ(out.height, 7u);
    ASSERT_EQ(out.messages.size(), 2u) << "cut " << cut;
    EXPECT_GT(out.cut_bytes, 0u);
    // The file was cut: appending continues cleanly after the good records.
    EXPECT_TRUE(*wal->Append(Message(9, 5)));
    EXPECT_TRUE(wal->Sync().ok());
    wal.reset();
    WalContents again;
    wal = OpenWal(dir / "wal", again);
    EXPECT_EQ(again.cut_bytes, 0u);
    ASSERT_EQ(again.messages.size(), 3u);
    EXPECT_EQ(again.messages[2], Message(9, 5));
    wal.reset();
    WriteThree(dir / "wal");
  }
}

TEST(ConsensusWal, ACorruptRecordEndsTheLogThere) {
  TempDir dir;
  const std::uint64_t size = WriteThree(dir / "wal");
  {
    std::fstream f(dir / "wal", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size - 45));  // inside the second record's body
    f.put('\x7f');
  }
  WalContents out;
  auto wal = OpenWal(dir / "wal", out);
  ASSERT_TRUE(wal);
  ASSERT_EQ(out.messages.size(), 1u);
  EXPECT_EQ(out.messages[0], Message(1, 10));
  EXPECT_EQ(std::filesystem::file_size(dir / "wal"), size - out.cut_bytes);
}

// A WAL never grows past its bound, so a longer file is damaged: it is read
// only up to the bound plus one frame header, and the rest is cut unread.
TEST(ConsensusWal, AFileLongerThanTheBoundIsReadOnlyUpToIt) {
  TempDir dir;
  const std::uint64_t size = WriteThree(dir / "wal");  // the last record is the file's last 39 bytes
  WalContents out;
  auto wal = OpenWal(dir / "wal", out, size - 40);     // its frame header fits the read, its body does not
  ASSERT_TRUE(wal);
  EXPECT_EQ(out.height, 7u);
  ASSERT_EQ(out.messages.size(), 2u);
  EXPECT_EQ(out.cut_bytes, 39u);
}

TEST(ConsensusWal, AHugeLengthOrGarbageIsCutNotTrusted) {
  TempDir dir;
  {
    std::ofstream f(dir / "wal", std::ios::binary);
    f << "\xff\xff\xff\xff garbage that is not a record";
  }
  WalContents out;
  auto wal = OpenWal(dir / "wal", out);
  ASSERT_TRUE(wal);
  EXPECT_EQ(out.height, 0u);
  EXPECT_TRUE(out.messages.empty());
  EXPECT_GT(out.cut_bytes, 0u);
}

TEST(ConsensusWal, ANewHeightDropsTheOldRecordsAndTheBoundHolds) {
  TempDir dir;
  WalContents out;
  auto wal = OpenWal(dir / "wal", out, 200);
  ASSERT_TRUE(wal->StartHeight(3).ok());
  EXPECT_TRUE(*wal->Append(Message(1, 100)));
  EXPECT_FALSE(*wal->Append(Message(2, 100))) << "past the bound";
  ASSERT_TRUE(wal->StartHeight(4).ok());
  EXPECT_TRUE(*wal->Append(Message(3, 50)));
  ASSERT_TRUE(wal->Sync().ok());
  wal.reset();
  wal = OpenWal(dir / "wal", out, 200);
  EXPECT_EQ(out.height, 4u);
  ASSERT_EQ(out.messages.size(), 1u);
  EXPECT_EQ(out.messages[0], Message(3, 50));
}

TEST(SignStateFile, RoundTripsAndRefusesADamagedFile) {
  TempDir dir;
  const auto path = dir / "sign_state";
  auto missing = node::LoadSignState(path);
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  node::consensus::SignState state{12, 3, node::consensus::SignStep::kPrecommit,
                                   node::consensus::Lock{2, Hash32{7}}};
  ASSERT_TRUE(node::SaveSignState(path, state).ok());
  auto loaded = node::LoadSignState(path);
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  EXPECT_EQ(**loaded, state);
  std::filesystem::resize_file(path, 5);
  auto damaged = node::LoadSignState(path);
  ASSERT_FALSE(damaged.ok());
  EXPECT_EQ(damaged.error().code, "encoding.truncated");
}

TEST(ConsensusWire, EveryMessageRoundTripsAndBadOnesAreRefused) {
  const TestChain chain = MakeTestChain();
  const auto key = KeyFromByte(0x40);
  ledger::Block block;
  block.header.height = 5;
  block.txs = SyntheticBlockTxs(chain, 1, 2);
  block.header.tx_count = 2;
  const Hash32 value = ledger::BlockHash(block.header);
  const auto proposal = node::consensus::SignProposal(chain.genesis.chain_id, 5, 1, 0, value, key);
  const auto vote = node::consensus::SignVote(chain.genesis.chain_id, node::consensus::VoteType::kPrecommit, 5, 1,
                                              value, key);

  const Bytes p = node::EncodeConsensusMessage(node::ProposalMessage{proposal, block});
  auto decoded = node::DecodeConsensusMessage(p);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(std::get<node::ProposalMessage>(*decoded).proposal, proposal);
  EXPECT_EQ(std::get<node::ProposalMessage>(*decoded).block.txs.size(), 2u);
  auto v = node::DecodeConsensusMessage(node::EncodeConsensusMessage(vote));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(std::get<node::consensus::Vote>(*v), vote);
  auto s = node::DecodeConsensusMessage(node::EncodeConsensusMessage(node::StatusMessage{9}));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(std::get<node::StatusMessage>(*s).height, 9u);

  // A proposal with another block.
  ledger::Block other = block;
  other.header.height = 6;
  auto mismatch = node::DecodeConsensusMessage(node::EncodeConsensusMessage(node::ProposalMessage{proposal, other}));
  ASSERT_FALSE(mismatch.ok());
  EXPECT_EQ(mismatch.error().code, "wire.mismatch");
  // Unknown kind, trailing bytes, truncation.
  EXPECT_EQ(node::DecodeConsensusMessage(Bytes{9}).error().code, "wire.kind");
  Bytes trailing = node::EncodeConsensusMessage(node::StatusMessage{9});
  trailing.push_back(0);
  EXPECT_FALSE(node::DecodeConsensusMessage(trailing).ok());
  EXPECT_FALSE(node::DecodeConsensusMessage(ByteView(p).first(p.size() - 1)).ok());
  // Bounds checked before anything is copied: a proposal or certificate
  // longer than its part's bound, a payload longer than the transport's.
  EXPECT_EQ(node::DecodeConsensusMessage(Bytes{1, 0xff, 0xff, 0xff, 0xff}).error().code, "encoding.oversize");
  EXPECT_EQ(node::DecodeSyncMessage(Bytes{2, 0xff, 0xff, 0xff, 0xff}).error().code, "encoding.oversize");
  EXPECT_EQ(node::DecodeConsensusMessage(Bytes(node::p2p::kMaxPayloadBytes + 1, 3)).error().code, "encoding.too_large");
  EXPECT_EQ(node::DecodeSyncMessage(Bytes(node::p2p::kMaxPayloadBytes + 1, 1)).error().code, "encoding.too_large");

  // Sync: requests are bounded; a certificate must name its block.
  auto request = node::DecodeSyncMessage(node::EncodeSyncMessage(node::BlockRequest{4, 16}));
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(std::get<node::BlockRequest>(*request).count, 16u);
  EXPECT_EQ(node::DecodeSyncMessage(node::EncodeSyncMessage(node::BlockRequest{4, 17})).error().code, "wire.count");
  EXPECT_EQ(node::DecodeSyncMessage(node::EncodeSyncMessage(node::BlockRequest{0, 1})).error().code, "wire.count");
  ledger::CommitCertificate cert{5, 1, value, {ledger::SignPrecommit(chain.genesis.chain_id, 5, 1, value, key)}};
  auto certified = node::DecodeSyncMessage(node::EncodeSyncMessage(node::CertifiedBlock{block, cert}));
  ASSERT_TRUE(certified.ok()) << certified.error().message;
  EXPECT_EQ(std::get<node::CertifiedBlock>(*certified).certificate, cert);
  cert.block_hash[0] ^= 1;
  EXPECT_EQ(node::DecodeSyncMessage(node::EncodeSyncMessage(node::CertifiedBlock{block, cert})).error().code,
            "wire.mismatch");
}

}  // namespace
}  // namespace jobcard::testing
