// The genesis parameter compliance_start_date: optional, so genesis files
// written before it existed parse, mean the same and keep their hash.
#include "ledger/genesis.h"

#include <gtest/gtest.h>

#include "tests/support/chain_fixture.h"
#include "tests/support/dated_chain.h"

namespace jobcard::ledger {
namespace {

TEST(ComplianceStartDateTest, AbsentMeansTheGenesisDateAndChangesNothing) {
  const Genesis g = testing::MakeTestChain().genesis;
  const nlohmann::json j = GenesisToJson(g);
  EXPECT_FALSE(j["params"].contains("compliance_start_date")) << "old files round-trip unchanged";
  auto parsed = ParseGenesis(j.dump());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(*parsed, g);
  EXPECT_FALSE(parsed->params.compliance_start_date.has_value());
  EXPECT_EQ(ComplianceStartDate(g), testing::D("2026-03-31")) << "Date(genesis_time), UTC";
  // Pinned (computed with the code from before the parameter existed): a
  // genesis without it must keep its hash, or no existing store would open
  // (store.wrong_genesis).
  EXPECT_EQ(ToHex(GenesisHash(g)), "0da1ab052450a775a50410473c10186a2f9434e53ba42b4896bbe1eacf15f203");
}

TEST(ComplianceStartDateTest, SetRoundTripsAndChangesTheHash) {
  Genesis g = testing::MakeTestChain().genesis;
  const Bytes before = EncodeGenesis(g);
  g.params.compliance_start_date = testing::D("2025-04-01");
  const nlohmann::json j = GenesisToJson(g);
  EXPECT_EQ(j["params"]["compliance_start_date"], "2025-04-01");
  auto parsed = ParseGenesis(j.dump());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(*parsed, g);
  EXPECT_EQ(ComplianceStartDate(g), testing::D("2025-04-01"));
  const Bytes after = EncodeGenesis(g);
  ASSERT_EQ(after.size(), before.size() + 4);
  EXPECT_TRUE(std::equal(before.begin(), before.end(), after.begin())) << "appended after the other parameters";
  EXPECT_NE(GenesisHash(g), GenesisHash(testing::MakeTestChain().genesis));
}

TEST(ComplianceStartDateTest, ABadDateIsRefused) {
  nlohmann::json j = GenesisToJson(testing::MakeTestChain().genesis);
  j["params"]["compliance_start_date"] = "2025-02-29";
  auto parsed = ParseGenesis(j.dump());
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().message.find("compliance_start_date"), std::string::npos) << parsed.error().message;
}

}  // namespace
}  // namespace jobcard::ledger
