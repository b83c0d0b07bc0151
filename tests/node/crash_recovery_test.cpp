// Crash safety (DESIGN.md §4): a child commits blocks under load and is
// killed with SIGKILL at random moments, then restarted. Afterwards every
// block it acknowledged is stored with the hash it reported, and a replay of
// the stored chain from genesis into a fresh store reproduces every header
// (so every state root) and the same indexes.
#include <gtest/gtest.h>

#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "ledger/chain_check.h"
#include "ledger/chain_store.h"
#include "tests/support/chain_fixture.h"
#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"

namespace jobcard {
namespace {

constexpr int kKills = 24;
constexpr std::uint64_t kSubjectsPerBlock = 8;

struct Ack {
  std::uint64_t height;
  std::string hash;
};

// What the child reported when it had opened the store ("OPEN h n"): the
// tip, and how many blocks' state-index pages the open rebuilt.
struct Opened {
  std::uint64_t height = 0;
  std::uint64_t rebuilt_page_blocks = 0;
};
std::optional<Opened> ParseOpen(const std::string& output) {
  std::istringstream in(output);
  std::string word;
  Opened opened;
  if (in >> word && word == "OPEN" && in >> opened.height >> opened.rebuilt_page_blocks) return opened;
  return std::nullopt;
}

std::vector<Ack> ParseAcks(const std::string& output) {
  std::vector<Ack> acks;
  std::istringstream in(output);
  std::string word;
  while (in >> word) {
    if (word == "ACK") {
      Ack a{};
      if (in >> a.height >> a.hash && a.hash.size() == 64) acks.push_back(a);
    }
  }
  return acks;
}

TEST(CrashRecovery, KilledProducerLosesNoAcknowledgedBlockAndReplaysToTheSameState) {
  testing::TempDir dir;
  const std::string data = (dir.path() / "data").string();
  const std::string child = std::string(JOBCARD_TOOLS_DIR) + "/crash_child";
  std::mt19937_64 rng(20261129);
  std::vector<Ack> acks;
  int rebuilt = 0;  // rounds whose open rebuilt pages a kill left waiting
  int kills = 0;
  for (int round = 0; round < kKills; ++round) {
    // Every other round writes the state index's pages every 3 blocks, so
    // that kills land inside and around write-backs too; the others run the
    // store's default, whose write-backs are too rare for a short round.
    std::vector<std::string> args{data, "100000", std::to_string(kSubjectsPerBlock)};
    if (round % 2 == 1) args.push_back("3");
    testing::ChildProcess p(child, args);
    ASSERT_TRUE(p.started());
    ASSERT_TRUE(p.WaitForOutput("OPEN", std::chrono::seconds(30))) << "child did not open the store: " << p.output();
    // Each round commits at least one block whatever the machine's load (a
    // loaded CI box can be slow to start), then dies at a random moment.
    ASSERT_TRUE(p.WaitForOutput("ACK ", std::chrono::seconds(60))) << "child committed nothing: " << p.output();
    p.ReadFor(std::chrono::milliseconds(40 + rng() % 300));
    p.Signal(SIGKILL);
    p.ReadFor(std::chrono::milliseconds(20));
    EXPECT_EQ(p.Wait(), 128 + SIGKILL) << "round " << round << " exited early: " << p.output();
    ++kills;
    const auto open = ParseOpen(p.output());
    ASSERT_TRUE(open.has_value()) << p.output();
    rebuilt += open->rebuilt_page_blocks > 0;
    auto round_acks = ParseAcks(p.output());
    acks.insert(acks.end(), round_acks.begin(), round_acks.end());
  }
  ASSERT_GE(kills, 20);
  ASSERT_GT(acks.size(), 20u) << "the child committed too few blocks to test anything";

  testing::TestChain chain = testing::MakeTestChain();
  auto store = ledger::ChainStore::Open(data, chain.genesis);
  ASSERT_TRUE(store.ok()) << store.error().message;
  const ledger::ChainTip tip = (*store)->Tip();
  rebuilt += (*store)->RebuiltPageBlocks() > 0;
  // The state index's pages are written every kStatePageWriteBackBlocks
  // blocks (every 3 in the odd rounds); a kill in between leaves them
  // waiting, and the next open rebuilds them from the blocks' changes rows
  // (spec/storage.md, Writing the state index back). Most kills must have
  // exercised that.
  EXPECT_GE(rebuilt, kKills / 2) << "too few kills left pages waiting to test their rebuild";
  for (const Ack& a : acks) {
    ASSERT_LE(a.height, tip.height) << "acknowledged block " << a.height << " is missing";
    auto block = (*store)->GetBlock(a.height);
    ASSERT_TRUE(block.ok());
    EXPECT_EQ(ToHex(ledger::BlockHash(block->header)), a.hash) << "block " << a.height << " changed";
  }

  // Replay from genesis into a fresh store: every header must come out equal.
  testing::TempDir replay_dir;
  auto fresh = ledger::ChainStore::Open((replay_dir.path() / "replay").string(), chain.genesis);
  ASSERT_TRUE(fresh.ok());
  for (std::uint64_t h = 1; h <= tip.height; ++h) {
    auto block = (*store)->GetBlock(h);
    auto cert = (*store)->GetCertificate(h);
    ASSERT_TRUE(block.ok() && cert.ok()) << "height " << h;
    auto prepared = (*fresh)->ReplayBlock(*block);
    ASSERT_TRUE(prepared.ok()) << "height " << h << ": " << prepared.error().message;
    ASSERT_TRUE((*fresh)->Commit(*prepared, *cert).ok()) << "height " << h;
  }
  EXPECT_EQ((*fresh)->Tip(), tip);
  // Every row of every family, the state index's pages included, is what
  // the replay wrote (`jobcard node check`'s comparison).
  ASSERT_TRUE((*fresh)->WriteBackStatePages().ok());
  std::uint64_t rows = 0;
  const auto problem = ledger::CompareStoreRows(**store, **fresh, rows);
  EXPECT_FALSE(problem.has_value()) << problem->what << ": expected " << problem->expected << ", found " << problem->found;
  EXPECT_GT(rows, tip.height * kSubjectsPerBlock);

  // Indexes and records agree with the rebuild for every synthetic subject.
  const std::uint64_t subjects = tip.height * kSubjectsPerBlock;
  for (std::uint64_t i = 0; i < subjects; ++i) {
    auto id = testing::SyntheticSubject(i);
    EXPECT_EQ((*store)->SubjectTxIds(id, 100), (*fresh)->SubjectTxIds(id, 100)) << "subject " << i;
    EXPECT_EQ((*store)->GetSubject(id), (*fresh)->GetSubject(id)) << "subject " << i;
  }
  EXPECT_EQ((*store)->EmployerTxIds(chain.a, 0, 1000000), (*fresh)->EmployerTxIds(chain.a, 0, 1000000));
  // Every committed tx is where its location record says.
  for (std::uint64_t h = 1; h <= tip.height; ++h) {
    auto block = (*store)->GetBlock(h);
    for (std::size_t i = 0; i < block->txs.size(); ++i) {
      auto loc = (*store)->GetTxLocation(ledger::TxId(chain.genesis.chain_id, block->txs[i]));
      ASSERT_TRUE(loc.has_value());
      EXPECT_EQ(loc->height, h);
      EXPECT_EQ(loc->index_in_block, i);
    }
  }
}

}  // namespace
}  // namespace jobcard
