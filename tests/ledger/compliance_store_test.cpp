// Compliance reports over a real store: blocks with chosen dates (the block
// time decides lateness), the ChainStore adapter (block times, correction
// reasons, void entries) and the store queries it relies on.
#include "ledger/compliance_store.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/support/dated_chain.h"
#include "tests/support/fixtures.h"
#include "tests/support/temp_dir.h"

namespace jobcard::ledger {
namespace {

using testing::D;
using testing::DatedChain;
using testing::EntrySpec;
using testing::SyntheticSubject;
using K = TxKind;

struct ScenarioIds {
  EntryId h1, h2, h3, sec0, sec2, headcount_a, headcount_b;
};

// Employers A and B of the TestChain (genesis 2026-03-31), deadline 14 days.
ScenarioIds BuildScenario(DatedChain& c) {
  const auto a = c.chain().a, b = c.chain().b;
  ScenarioIds ids;
  c.BeginBlock("2026-04-01");
  for (std::uint64_t s = 0; s < 5; ++s) c.Enroll(s);
  c.Commit();

  c.BeginBlock("2026-04-25");
  c.Entry(EntrySpec(K::kHire, a, 0, "2026-04-20"));           // 5 days: in time
  ids.h1 = c.Entry(EntrySpec(K::kHire, a, 1, "2026-04-01"));  // 24 days: 10 late
  ids.h2 = c.Entry(EntrySpec(K::kHire, a, 2, "2026-03-01"));  // back-fill: before the genesis date
  ids.h3 = c.Entry(EntrySpec(K::kHire, b, 3, "2026-04-20"));
  c.Headcount(a, "2026-04-20", 3);  // s0, s1, s2: right
  c.Commit();

  c.BeginBlock("2026-05-01");
  c.Entry(EntrySpec(K::kSeparation, a, 1, "2026-04-30"));
  ids.sec0 = c.Entry(EntrySpec(K::kSecondmentStart, a, 0, "2026-04-25").Host(b).ExpectedEnd("2026-04-28"));  // never ended
  ids.sec2 = c.Entry(EntrySpec(K::kSecondmentStart, a, 2, "2026-04-20").Host(b).ExpectedEnd("2026-06-30"));
  // 訂正: the hire was really on 04-05, so it was recorded 20 days after.
  c.Entry(EntrySpec(K::kCorrection, b, 3, "2026-04-05").Ref(ids.h3).Reason(2));
  ids.headcount_a = c.Headcount(a, "2026-04-30", 3);  // s1 left on 04-30: 2
  c.Headcount(b, "2026-04-30", 1);                    // s3; seconded-in workers count at home
  c.Commit();

  c.BeginBlock("2026-07-10");
  c.Entry(EntrySpec(K::kSecondmentEnd, a, 2, "2026-07-05").Ref(ids.sec2).Host(b));
  c.Entry(EntrySpec(K::kSideJobStart, b, 1, "2026-07-01"));
  ids.headcount_b = c.Headcount(b, "2026-07-01", 2);  // counted the side job (副業): 1
  c.Commit();
  return ids;
}

std::vector<std::pair<EntryId, std::int64_t>> LateRows(const ComplianceReport& r) {
  std::vector<std::pair<EntryId, std::int64_t>> out;
  for (const auto& row : r.late_entries) out.emplace_back(row.id, row.days_late);
  return out;
}
std::vector<std::pair<EntryId, std::int64_t>> OverdueRows(const ComplianceReport& r) {
  std::vector<std::pair<EntryId, std::int64_t>> out;
  for (const auto& row : r.overdue_secondments) out.emplace_back(row.id, row.days_overdue);
  return out;
}
std::vector<EntryId> MismatchIds(const ComplianceReport& r) {
  std::vector<EntryId> out;
  for (const auto& row : r.headcount_mismatches) out.push_back(row.id);
  return out;
}
using Rows = std::vector<std::pair<EntryId, std::int64_t>>;

class ComplianceStoreTest : public ::testing::Test {
 protected:
  ComplianceReport Ledger(DatedChain& c, std::optional<Date> as_of = std::nullopt) {
    StoreComplianceSource source(c.store());
    return BuildLedgerReport(source, StoreComplianceOptions(c.store(), as_of));
  }
  ComplianceReport For(DatedChain& c, const CorporateNumber& e, std::optional<Date> as_of = std::nullopt) {
    StoreComplianceSource source(c.store());
    auto r = BuildEmployerReport(source, e, StoreComplianceOptions(c.store(), as_of));
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : ComplianceReport{};
  }
  testing::TempDir dir_;
};

TEST_F(ComplianceStoreTest, ReportsOverCommittedBlocks) {
  DatedChain c((dir_.path() / "db").string());
  const ScenarioIds ids = BuildScenario(c);
  const auto a = c.chain().a, b = c.chain().b;

  ComplianceReport all = Ledger(c);
  EXPECT_EQ(all.as_of, D("2026-07-10")) << "the default report date is the tip's";
  ASSERT_EQ(LateRows(all), (Rows{{ids.h1, 10}, {ids.h3, 6}}));
  EXPECT_EQ(all.late_entries[1].effective_date, D("2026-04-05"));
  EXPECT_EQ(all.late_entries[1].committed_date, D("2026-04-25"));
  EXPECT_TRUE(all.late_entries[1].corrected);
  EXPECT_EQ(all.late_entries[0], (LateEntryRow{ids.h1, K::kHire, a, SyntheticSubject(1), D("2026-04-01"), D("2026-04-25"), 10, false, 6}))
      << "log index 6: after five enrolments and the first hire";
  ASSERT_EQ(OverdueRows(all), (Rows{{ids.sec0, 73}}));
  EXPECT_EQ(all.overdue_secondments[0].home, a);
  EXPECT_EQ(all.overdue_secondments[0].host, b);
  ASSERT_EQ(all.headcount_mismatches.size(), 2u);
  for (const auto& row : all.headcount_mismatches) {
    if (row.employer == a) {
      EXPECT_EQ(row, (HeadcountMismatchRow{ids.headcount_a, a, D("2026-04-30"), 3, 2, 1, 0, 3}));
    } else {
      EXPECT_EQ(row, (HeadcountMismatchRow{ids.headcount_b, b, D("2026-07-01"), 2, 1, 1, 1, 4}));
    }
  }
  EXPECT_FALSE(all.truncated);
  EXPECT_EQ(all.employer_count, 2u);

  ComplianceReport ra = For(c, a);
  EXPECT_EQ(LateRows(ra), (Rows{{ids.h1, 10}}));
  EXPECT_EQ(OverdueRows(ra), (Rows{{ids.sec0, 73}}));
  EXPECT_EQ(MismatchIds(ra), std::vector<EntryId>{ids.headcount_a});
  ComplianceReport rb = For(c, b);
  EXPECT_EQ(LateRows(rb), (Rows{{ids.h3, 6}}));
  EXPECT_EQ(OverdueRows(rb), (Rows{{ids.sec0, 73}})) << "the host (出向先) sees it too";
  EXPECT_EQ(MismatchIds(rb), std::vector<EntryId>{ids.headcount_b});

  // Earlier report dates: what was open and declared then.
  ComplianceReport july1 = Ledger(c, D("2026-07-01"));
  EXPECT_EQ(OverdueRows(july1), (Rows{{ids.sec0, 64}, {ids.sec2, 1}})) << "sec2 ended on 07-05, after 07-01";
  EXPECT_EQ(july1.headcount_mismatches.size(), 2u);
  ComplianceReport may1 = Ledger(c, D("2026-05-01"));
  EXPECT_EQ(LateRows(may1), (Rows{{ids.h1, 10}, {ids.h3, 6}}));
  EXPECT_EQ(OverdueRows(may1), (Rows{{ids.sec0, 3}}));
  EXPECT_EQ(MismatchIds(may1), std::vector<EntryId>{ids.headcount_a});
}

TEST_F(ComplianceStoreTest, TheGenesisStartDateDecidesWhatIsBackFill) {
  testing::TestChain chain = testing::MakeTestChain();
  chain.genesis.params.compliance_start_date = D("2026-01-01");
  DatedChain c((dir_.path() / "db").string(), std::move(chain));
  const ScenarioIds ids = BuildScenario(c);
  EXPECT_EQ(LateRows(Ledger(c)), (Rows{{ids.h1, 10}, {ids.h2, 41}, {ids.h3, 6}}));
}

TEST_F(ComplianceStoreTest, VoidEntriesAndDeclarationsAreIgnored) {
  DatedChain c((dir_.path() / "db").string());
  const ScenarioIds ids = BuildScenario(c);
  const auto a = c.chain().a, b = c.chain().b;
  // A key theft found late: A's key is revoked back to height 2, so what it
  // signed from block 2 on is void, including its side of the secondments.
  c.BeginBlock("2026-07-11");
  c.Governance(K::kRevokeEmployerKey, RevokeEmployerKey{a, c.chain().employer_a.public_key(), 2});
  c.Commit();
  ComplianceReport ra = For(c, a);
  EXPECT_TRUE(ra.late_entries.empty());
  EXPECT_TRUE(ra.overdue_secondments.empty());
  EXPECT_TRUE(ra.headcount_mismatches.empty());
  ComplianceReport rb = For(c, b);
  EXPECT_EQ(LateRows(rb), (Rows{{ids.h3, 6}}));
  EXPECT_TRUE(rb.overdue_secondments.empty());
  EXPECT_EQ(MismatchIds(rb), std::vector<EntryId>{ids.headcount_b});
}

TEST_F(ComplianceStoreTest, UnknownEmployer) {
  DatedChain c((dir_.path() / "db").string());
  StoreComplianceSource source(c.store());
  auto r = BuildEmployerReport(source, testing::Corp(999), StoreComplianceOptions(c.store(), std::nullopt));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "compliance.unknown_employer");
}

TEST_F(ComplianceStoreTest, EmployersArePagedInOrder) {
  DatedChain c((dir_.path() / "db").string());
  auto a = c.chain().a, b = c.chain().b;
  const CorporateNumber third = testing::Corp(12050002);
  c.BeginBlock("2026-04-01");
  c.Governance(K::kRegisterEmployer, RegisterEmployer{third, "札幌物流株式会社", testing::KeyFromByte(0x44).public_key()});
  c.Commit();
  std::vector<CorporateNumber> expected = {a, b, third};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(c.store().Employers({}, 10), expected);
  EXPECT_EQ(c.store().Employers({}, 2), (std::vector<CorporateNumber>{expected[0], expected[1]}));
  EXPECT_EQ(c.store().Employers(expected[0], 10), (std::vector<CorporateNumber>{expected[1], expected[2]})) << "strictly after";
  EXPECT_TRUE(c.store().Employers(expected[2], 10).empty());
}

TEST_F(ComplianceStoreTest, BlockHeaderWithoutTheBlock) {
  DatedChain c((dir_.path() / "db").string());
  c.BeginBlock("2026-04-01");
  c.Enroll(0);
  c.Commit();
  auto header = c.store().GetBlockHeader(1);
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(header->time_ms, testing::MidnightMs(D("2026-04-01")));
  EXPECT_EQ(*header, c.store().GetBlock(1)->header);
  EXPECT_EQ(c.store().GetBlockHeader(2).error().code, "store.not_found");
}

}  // namespace
}  // namespace jobcard::ledger
