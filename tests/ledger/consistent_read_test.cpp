#include "ledger/consistent_read.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "ledger/bundle_assemble.h"
#include "ledger/smt_proof.h"
#include "ledger/state_records.h"
#include "node/solo_producer.h"
#include "tests/support/chain_fixture.h"
#include "tests/support/temp_dir.h"

namespace jobcard::ledger {
namespace {

using testing::MakeTestChain;
using testing::SyntheticBlockTimeMs;
using testing::SyntheticBlockTxs;
using testing::SyntheticSubject;

// What an API answer about a subject holds: the tip it names, the subject's
// record and the state proof a client checks against the tip's root.
struct SubjectAnswer {
  ChainTip tip;
  SubjectRecord record;
  SmtProof proof;
};

class ConsistentReadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = ChainStore::Open((dir_.path() / "db").string(), chain_.genesis);
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(*s);
    CommitNext();
  }
  void CommitNext() {
    const std::uint64_t h = store_->Tip().height + 1;
    auto b = node::ProduceSoloBlock(*store_, SyntheticBlockTxs(chain_, h, 4), SyntheticBlockTimeMs(chain_, h), chain_.validator);
    ASSERT_TRUE(b.ok()) << b.error().message;
  }
  Result<SubjectAnswer> ReadSubject(const SubjectId& id, bool commit_between) {
    SubjectAnswer out;
    out.tip = store_->Tip();
    if (commit_between) CommitNext();
    auto proof = store_->StateProof(SubjectStateKey(id));
    if (!proof.ok()) return proof.error();
    out.proof = *proof;
    auto record = store_->GetSubject(id);
    if (!record) return MakeError("test.no_subject", "subject not enrolled");
    out.record = *record;
    return out;
  }
  static Status Verifies(const SubjectAnswer& a) {
    return VerifySmtProof(a.tip.state_root, SubjectStateKey(a.record.id), SubjectStateValue(a.record), a.proof);
  }

  testing::TempDir dir_;
  testing::TestChain chain_ = MakeTestChain();
  std::unique_ptr<ChainStore> store_;
};

TEST_F(ConsistentReadTest, ACommitBetweenTheReadsMixesTwoTipsWhenReadPlainly) {
  // The failure ReadAtOneTip exists for: without it, the proof belongs to
  // the block committed after the tip was read.
  auto answer = ReadSubject(SyntheticSubject(0), /*commit_between=*/true);
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_EQ(answer->tip.height + 1, store_->Tip().height);
  EXPECT_EQ(Verifies(*answer).error().code, "smt.root_mismatch");
}

TEST_F(ConsistentReadTest, ACommitDuringTheReadsMakesThemRunAgainAtTheNewTip) {
  int reads = 0;
  auto answer = ReadAtOneTip(*store_, [&] { return ReadSubject(SyntheticSubject(0), /*commit_between=*/++reads == 1); });
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_EQ(reads, 2);
  EXPECT_EQ(answer->tip, store_->Tip());
  EXPECT_TRUE(Verifies(*answer).ok()) << Verifies(*answer).error().message;
}

TEST_F(ConsistentReadTest, ReadsWithoutACommitRunOnce) {
  int reads = 0;
  auto answer = ReadAtOneTip(*store_, [&] { ++reads; return ReadSubject(SyntheticSubject(0), false); });
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(reads, 1);
  EXPECT_TRUE(Verifies(*answer).ok());
}

TEST_F(ConsistentReadTest, GivesUpWithStoreBusyWhenEveryReadOverlapsACommit) {
  int reads = 0;
  auto answer = ReadAtOneTip(
      *store_, [&] { ++reads; return ReadSubject(SyntheticSubject(0), true); }, ConsistentReadLimits{3, std::chrono::milliseconds(2000)});
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().code, "store.busy");
  EXPECT_EQ(reads, 3);
}

// Bundle material read while another thread commits: each one's subject
// proof and every entry's log proof must verify against the anchor it
// carries. Bounded: 25 blocks committed while reading.
TEST_F(ConsistentReadTest, BundleMaterialReadDuringCommitsIsAnchoredAtOneTip) {
  CommitNext();
  CommitNext();  // subject 0 is enrolled, hired and promoted by height 3
  const SubjectId subject = SyntheticSubject(0);
  const auto record = store_->GetSubject(subject);
  ASSERT_TRUE(record.has_value());
  std::vector<EntryId> ids;
  for (const auto& ref : record->entries) ids.push_back(ref.id);
  ASSERT_FALSE(ids.empty());

  std::atomic<bool> done{false};
  std::thread committer([&] {
    for (int i = 0; i < 25; ++i) CommitNext();
    done = true;
  });
  int checked = 0;
  while (!done || checked == 0) {
    auto m = MaterialFromStore(*store_, subject, ids);
    if (!m.ok()) {
      // The only failure allowed under a commit storm is the explicit one.
      EXPECT_EQ(m.error().code, "store.busy") << m.error().message;
      continue;
    }
    EXPECT_TRUE(VerifySmtProof(m->anchor.state_root, SubjectStateKey(subject), SubjectStateValue(m->subject_record),
                               m->subject_proof).ok())
        << "subject proof not made at the anchor " << m->anchor.height;
    for (const auto& e : m->entries) {
      auto root = store_->LogRoot(m->anchor.log_size);
      ASSERT_TRUE(root.ok());
      EXPECT_EQ(*root, m->anchor.log_root) << "log root at the anchor's size";
      EXPECT_EQ(e.inclusion, *store_->LogInclusionProof(e.log_index, m->anchor.log_size));
    }
    ++checked;
  }
  committer.join();
  EXPECT_GT(checked, 0);
}

}  // namespace
}  // namespace jobcard::ledger
