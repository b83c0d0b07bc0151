// A validator-set change on a real node, end to end: the registrar admits a
// validator with `jobcard registrar add-validator`, the block after the one
// that commits it is certified by the new set, and a bundle anchored there
// carries the transition (GET /v1/validator-transitions) so that a matcher
// holding only the genesis file still verifies it; a bundle stripped of the
// transition fails its header_chain check.
//
// The dev chain has one validator of power 1, so once a second one is
// admitted nothing commits without it: the test stops the node and certifies
// the next block itself with both keys, as the two validators would.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "ledger/chain_store.h"
#include "node/solo_producer.h"
#include "tests/support/cli_runner.h"
#include "tests/support/dev_node.h"
#include "tests/support/fixtures.h"

namespace jobcard {
namespace {

using nlohmann::json;

const json* Check(const json& verified, const std::string& name) {
  for (const json& c : verified["checks"]) {
    if (c["name"] == name) return &c;
  }
  return nullptr;
}

// Commits an empty block on the node's database, certified by `signers`.
void CommitEmptyBlock(const testing::DevNode& node, std::vector<const crypto::SigningKey*> signers) {
  auto store = ledger::ChainStore::Open((node.home() / "data").string(), node.genesis());
  ASSERT_TRUE(store.ok()) << store.error().message;
  auto prepared = node::PrepareNextBlock(**store, {}, (*store)->Tip().time_ms + 1000, signers[0]->public_key(), false);
  ASSERT_TRUE(prepared.ok()) << prepared.error().message;
  ledger::CommitCertificate cert;
  cert.height = prepared->block.header.height;
  cert.block_hash = prepared->block_hash;
  std::sort(signers.begin(), signers.end(), [](const auto* a, const auto* b) { return a->public_key() < b->public_key(); });
  for (const auto* key : signers) {
    cert.signatures.push_back(ledger::SignPrecommit(node.genesis().chain_id, cert.height, 0, cert.block_hash, *key));
  }
  Status committed = (*store)->Commit(*prepared, cert);
  ASSERT_TRUE(committed.ok()) << committed.error().message;
}

TEST(ValidatorChange, ABundleAnchoredAfterASetChangeCarriesItAndVerifiesOffline) {
  testing::TempDir dir;
  testing::DevNode node{dir};
  ASSERT_TRUE(node.started()) << node.log();
  const std::string home = node.home().string();
  const std::string worker_key = (dir.path() / "worker.key").string();
  const std::string matcher = ToHex(node.genesis().matchers.at(0).key);
  json hire;
  {
    const testing::CliRunner cli{dir, node.url()};
    ASSERT_EQ(cli.Run({"key", "new", "--out", worker_key}, false).exit_code, 0);
    const std::string subject =
        cli.RunJson({"registrar", "enroll", "--my-number", "123456789018", "--subject-key", worker_key, "--home", home})["subject"];
    hire = cli.RunJson({"employer", "hire", "--key", node.employer_key(0), "--employer", node.employer(0), "--subject", subject,
                        "--date", "2019-04-01", "--employment-type", "regular", "--position", "staff"});
    ASSERT_EQ(hire["status"], "committed") << hire;

    // Bad input first: nothing is submitted.
    auto no_power = cli.Run({"registrar", "add-validator", "--validator-pub", std::string(64, 'a'), "--name", "x", "--home", home});
    EXPECT_EQ(no_power.exit_code, 2) << no_power.err;
    EXPECT_NE(no_power.err.find("--power"), std::string::npos) << no_power.err;
    auto bad_power = cli.Run({"registrar", "add-validator", "--validator-pub", std::string(64, 'a'), "--power", "0", "--name", "x",
                              "--home", home});
    EXPECT_EQ(bad_power.exit_code, 2) << bad_power.err;

    const crypto::SigningKey second = testing::KeyFromByte(0x5e);
    const json added = cli.RunJson({"registrar", "add-validator", "--validator-pub", ToHex(second.public_key()), "--power", "1",
                                    "--name", "北海道地方銀行", "--home", home});
    ASSERT_EQ(added["status"], "committed") << added;
    const json removal = cli.RunJson({"registrar", "remove-validator", "--validator-pub", ToHex(second.public_key()),
                                            "--home", home, "--no-wait"});
    EXPECT_EQ(removal["status"], "pending") << "accepted into the mempool; it cannot commit without the new validator";
  }
  node.Stop();
  const crypto::SigningKey first = node.Key("validator.key"), second = testing::KeyFromByte(0x5e);
  CommitEmptyBlock(node, {&first, &second});
  ASSERT_TRUE(node.Restart()) << node.log();
  const testing::CliRunner cli{dir, node.url()};

  auto served = node.Get("/v1/validator-transitions");
  ASSERT_EQ(served.status, 200) << served.body;
  EXPECT_EQ(json::parse(served.body)["validator_transitions"].size(), 1u) << served.body;

  const std::string out = (dir.path() / "bundle.json").string();
  const json created =
      cli.RunJson({"bundle", "create", "--subject-key", worker_key, "--entry", hire["id"], "--audience", matcher, "--out", out});
  ASSERT_EQ(created["entries"].size(), 1u) << created;
  json bundle = json::parse(std::ifstream(out));
  ASSERT_EQ(bundle["validator_transitions"].size(), 1u);

  const std::vector<std::string> verify = {"verify", out, "--genesis", home + "/genesis.json", "--matcher", matcher};
  const json offline = cli.RunJson(verify, false);
  EXPECT_EQ(offline["valid"], true) << offline.dump(2);
  ASSERT_NE(Check(offline, "header_chain"), nullptr);
  EXPECT_NE((*Check(offline, "header_chain"))["detail"].get<std::string>().find("after 1"), std::string::npos) << offline.dump(2);

  // Without the transition, the anchor's certificate names a set the genesis does not know.
  bundle["validator_transitions"] = json::array();
  const std::string stripped = (dir.path() / "stripped.json").string();
  std::ofstream(stripped) << bundle.dump();
  auto failed = cli.Run({"verify", stripped, "--genesis", home + "/genesis.json", "--matcher", matcher, "--json"}, false);
  EXPECT_NE(failed.exit_code, 0);
  const json report = json::parse(failed.out);
  EXPECT_EQ(report["valid"], false);
  ASSERT_NE(Check(report, "header_chain"), nullptr);
  EXPECT_EQ((*Check(report, "header_chain"))["passed"], false) << failed.out;
}

}  // namespace
}  // namespace jobcard
