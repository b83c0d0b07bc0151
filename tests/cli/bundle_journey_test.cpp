// The matcher journey end to end, against a real node process: a worker's
// career is recorded through the CLI, the worker builds bundles (chosen
// entries; a whole period), a matcher verifies them offline with only the
// genesis file and against the live node (freshness), a tampered file and a
// bundle for someone else fail naming the check, the API verifies the same
// bundle, the matcher's receipt is recorded at the node and shown to the
// worker, an entry signed before its key was revoked stays valid, and the
// node's RocksDB files hold none of the payload plaintext.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/support/cli_runner.h"
#include "tests/support/dev_node.h"

namespace jobcard {
namespace {

using nlohmann::json;

std::string Id(const json& submitted) { return submitted.at("id").get<std::string>(); }
std::string HexOf(const std::string& text) { return ToHex(AsBytes(text)); }

const json* Check(const json& verified, const std::string& name) {
  for (const json& c : verified["checks"]) {
    if (c["name"] == name) return &c;
  }
  return nullptr;
}

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class BundleJourneyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(node.started()) << node.log();
    ASSERT_EQ(cli.Run({"key", "new", "--out", worker_key}, false).exit_code, 0);
    subject = cli.RunJson({"registrar", "enroll", "--my-number", "123456789018", "--subject-key", worker_key, "--home", home})["subject"];
    ASSERT_FALSE(node.genesis().matchers.empty());
    matcher = ToHex(node.genesis().matchers[0].key);
  }

  json Record(const std::string& what, std::vector<std::string> more, std::size_t employer = 0) {
    std::vector<std::string> args = {"employer", what, "--key", node.employer_key(employer), "--employer",
                                     node.employer(employer), "--subject", subject};
    args.insert(args.end(), more.begin(), more.end());
    return cli.RunJson(args);
  }
  std::string File(const std::string& name) const { return (dir.path() / name).string(); }
  std::vector<std::string> Verify(const std::string& file) const {
    return {"verify", file, "--genesis", genesis, "--matcher", matcher};
  }

  testing::TempDir dir;
  testing::DevNode node{dir};
  const testing::CliRunner cli{dir, node.url()};
  const std::string home = node.home().string();
  const std::string genesis = (node.home() / "genesis.json").string();
  const std::string worker_key = (dir.path() / "worker.key").string();
  std::string subject;
  std::string matcher;
};

TEST_F(BundleJourneyTest, CreateVerifyOfflineAndAgainstTheNode) {
  const std::string department = "営業部 札幌支店", salary = "450-550", duties = "道内製造業向けの法人営業";
  const std::string corrected = "営業企画部 第一課", host_duties = "事業承継に向けた経営企画";
  const json hire = Record("hire", {"--date", "2019-04-01", "--employment-type", "regular", "--position", "staff",
                                    "--department", department, "--duties", duties, "--salary-band", salary});
  const json promotion = Record("position-change", {"--date", "2021-04-01", "--position", "section_head", "--department", "営業企画部 第二課"});
  const json correction = Record("correct", {"--date", "2021-04-01", "--ref", Id(promotion), "--reason", "clerical",
                                             "--position", "section_head", "--department", corrected});
  const json second = Record("second", {"--date", "2022-10-01", "--host", node.employer(1), "--host-key", node.employer_key(1),
                                        "--expected-end", "2023-09-30", "--duties", host_duties});
  for (const json* j : {&hire, &promotion, &correction, &second}) ASSERT_EQ((*j)["status"], "committed") << *j;

  // The worker builds a bundle of two chosen entries for the matcher.
  const std::string chosen = File("chosen.json");
  const json created = cli.RunJson({"bundle", "create", "--subject-key", worker_key, "--entry", Id(hire), "--entry",
                                    Id(second), "--audience", matcher, "--out", chosen});
  ASSERT_EQ(created["entries"].size(), 2u) << created;
  EXPECT_EQ(created["entries"][0]["fields"]["department"], department);
  EXPECT_EQ(created["entries"][0]["withheld_fields"], 1) << "the salary band is withheld by default";
  EXPECT_EQ(std::filesystem::status(chosen).permissions() & std::filesystem::perms::group_all, std::filesystem::perms::none);
  const std::string chosen_text = ReadAll(chosen);
  EXPECT_EQ(chosen_text.find(salary), std::string::npos);
  EXPECT_EQ(chosen_text.find(corrected), std::string::npos) << "an entry that was not chosen";

  // The matcher verifies it offline: every check passes, exit 0.
  const json offline = cli.RunJson(Verify(chosen), false);
  EXPECT_EQ(offline["valid"], true) << offline.dump(2);
  EXPECT_EQ(offline["checks"].size(), 15u);
  EXPECT_EQ(Check(offline, "freshness"), nullptr);
  EXPECT_EQ(offline["bundle"]["entries"][1]["host_employer_name"], node.employer_name(1));
  auto text = cli.Run(Verify(chosen), false);
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("ok    employer_signatures"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("VALID: every check passed"), std::string::npos) << text.out;

  // A whole period, with its completeness proof: the correction replaces the promotion.
  const std::string period = File("period.json");
  const json whole = cli.RunJson({"bundle", "create", "--subject-key", worker_key, "--from", "2019-01-01", "--to",
                                  "2022-12-31", "--audience", matcher, "--out", period, "--disclose", "salary_band"});
  ASSERT_EQ(whole["entries"].size(), 3u) << whole;
  const json verified_period = cli.RunJson(Verify(period), false);
  EXPECT_EQ(verified_period["valid"], true) << verified_period.dump(2);
  EXPECT_NE((*Check(verified_period, "completeness"))["detail"].get<std::string>().find("all 3 current entries"), std::string::npos);
  EXPECT_NE(ReadAll(period).find(salary), std::string::npos) << "opted in with --disclose";

  // Against the live node: fresh.
  json online = cli.RunJson(Verify(chosen));
  EXPECT_EQ(online["valid"], true) << online.dump(2);
  ASSERT_NE(Check(online, "freshness"), nullptr);
  EXPECT_EQ((*Check(online, "freshness"))["passed"], true);

  // The same through the API: POST the bundle, get the named checks back.
  auto api = node.Post("/v1/bundles/verify?matcher=" + matcher, chosen_text);
  ASSERT_EQ(api.status, 200) << api.body;
  const json api_report = json::parse(api.body);
  EXPECT_EQ(api_report["valid"], true) << api.body;
  EXPECT_EQ(api_report["checks"].size(), 16u);
  EXPECT_EQ((*Check(api_report, "freshness"))["passed"], true);
  EXPECT_EQ(api_report["bundle_hash"], created["bundle_hash"]);
  const json anonymous = json::parse(node.Post("/v1/bundles/verify", chosen_text).body);
  EXPECT_EQ((*Check(anonymous, "audience"))["passed"], false);
  const json not_a_bundle = json::parse(node.Post("/v1/bundles/verify", "{\"entries\": []}").body);
  EXPECT_EQ(not_a_bundle["valid"], false);
  EXPECT_EQ(not_a_bundle["checks"][0]["name"], "format");

  // The matcher verifies with its key file against the node: a receipt is
  // recorded there, and the worker sees it. Nothing about it is on the ledger.
  const std::string matcher_key = (node.home() / "keys" / "matcher.key").string();
  const json with_receipt = cli.RunJson({"verify", chosen, "--genesis", genesis, "--matcher-key", matcher_key, "--purpose",
                                         "営業職の選考"});
  EXPECT_EQ(with_receipt["valid"], true) << with_receipt.dump(2);
  EXPECT_EQ(with_receipt["receipt"]["matcher"], matcher);
  const json receipts = cli.RunJson({"bundle", "receipts", "--bundle", chosen});
  ASSERT_EQ(receipts["receipts"].size(), 1u) << receipts;
  EXPECT_EQ(receipts["receipts"][0]["purpose"], "営業職の選考");
  EXPECT_EQ(receipts["receipts"][0]["valid"], true);
  EXPECT_EQ(receipts["bundle_hash"], created["bundle_hash"]);
  json forged_receipt = with_receipt["receipt"];
  forged_receipt["purpose"] = "something else";
  auto refused = node.Post("/v1/receipts", forged_receipt.dump());
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_NE(refused.body.find("receipt.bad_signature"), std::string::npos) << refused.body;
  auto unregistered = cli.Run({"verify", chosen, "--genesis", genesis, "--matcher-key", worker_key});
  EXPECT_EQ(unregistered.exit_code, 1) << "a key that is not a registered matcher records nothing";
  EXPECT_NE(unregistered.err.find("receipt.unknown_matcher"), std::string::npos) << unregistered.err;
  EXPECT_EQ(cli.RunJson({"bundle", "receipts", "--bundle", chosen})["receipts"].size(), 1u);

  // The employer corrects the secondment: offline the bundle still checks,
  // against the node it is stale.
  ASSERT_EQ(Record("correct", {"--date", "2022-10-01", "--ref", Id(second), "--reason", "wrong_date", "--duties", host_duties})["status"],
            "committed");
  EXPECT_EQ(cli.Run(Verify(chosen), false).exit_code, 0);
  auto stale = cli.Run(Verify(chosen));
  EXPECT_EQ(stale.exit_code, 1) << stale.out << stale.err;
  EXPECT_NE(stale.out.find("FAIL  freshness"), std::string::npos) << stale.out;
  EXPECT_NE(stale.out.find("corrected since"), std::string::npos) << stale.out;

  // A tampered file fails and names the check.
  std::string forged = chosen_text;
  forged.replace(forged.find(department), department.size(), "営業部 本社");
  std::ofstream(File("forged.json")) << forged;
  auto tampered = cli.Run(Verify(File("forged.json")), false);
  EXPECT_EQ(tampered.exit_code, 1);
  EXPECT_NE(tampered.out.find("FAIL  disclosed_fields"), std::string::npos) << tampered.out;
  EXPECT_NE(tampered.out.find("FAIL  subject_signature"), std::string::npos) << tampered.out;
  // Shown to another matcher.
  auto other = cli.Run({"verify", chosen, "--genesis", genesis, "--matcher", std::string(64, 'e')}, false);
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_NE(other.out.find("FAIL  audience"), std::string::npos) << other.out;
  // Not a bundle at all.
  std::ofstream(File("junk.json")) << "{\"format\": 1}";
  auto junk = cli.Run(Verify(File("junk.json")), false);
  EXPECT_EQ(junk.exit_code, 1);
  EXPECT_NE(junk.out.find("FAIL  format"), std::string::npos) << junk.out;
  // Usage errors.
  EXPECT_EQ(cli.Run({"verify", chosen, "--genesis", genesis}, false).exit_code, 2);
  EXPECT_EQ(cli.Run({"verify", File("missing.json"), "--genesis", genesis, "--matcher", matcher}, false).exit_code, 2);
  EXPECT_EQ(cli.Run({"bundle", "create", "--subject-key", worker_key, "--audience", matcher, "--out", File("x.json")}).exit_code, 2);
  auto no_entry = cli.Run({"bundle", "create", "--subject-key", worker_key, "--entry", std::string(64, 'a'), "--audience",
                           matcher, "--out", File("y.json")});
  EXPECT_EQ(no_entry.exit_code, 1);
  EXPECT_NE(no_entry.err.find("not in your history"), std::string::npos) << no_entry.err;
  EXPECT_FALSE(std::filesystem::exists(File("y.json")));

  // The raw ledger: the node's RocksDB files (SSTs, WAL, manifest) hold none
  // of the payload plaintext, neither as text nor hex-encoded.
  std::string raw;
  for (const auto& f : std::filesystem::recursive_directory_iterator(node.home() / "data")) {
    if (f.is_regular_file()) raw += ReadAll(f.path());
  }
  const Bytes hire_id = *FromHex(Id(hire));
  ASSERT_NE(raw.find(std::string(hire_id.begin(), hire_id.end())), std::string::npos) << "the scan sees the stored entries";
  for (const std::string& plain : {department, salary, duties, corrected, host_duties, std::string("section_head")}) {
    EXPECT_EQ(raw.find(plain), std::string::npos) << "plaintext in the RocksDB files: " << plain;
    EXPECT_EQ(raw.find(HexOf(plain)), std::string::npos) << "hex plaintext in the RocksDB files: " << plain;
  }
}

TEST_F(BundleJourneyTest, AnEntrySignedBeforeItsKeyWasRevokedStaysValid) {
  const std::string hr_key = File("hr.key");
  ASSERT_EQ(cli.Run({"key", "new", "--out", hr_key}, false).exit_code, 0);
  ASSERT_EQ(cli.RunJson({"registrar", "add-employer-key", "--employer", node.employer(0), "--employer-key", hr_key, "--home", home})["status"],
            "committed");
  const json hire = cli.RunJson({"employer", "hire", "--key", hr_key, "--employer", node.employer(0), "--subject", subject,
                                 "--date", "2020-04-01", "--position", "staff"});
  ASSERT_EQ(hire["status"], "committed") << hire;
  const std::uint64_t entry_height = hire["height"];
  // The key is revoked from the next height: the hire was signed while it was active.
  ASSERT_EQ(cli.RunJson({"registrar", "revoke-employer-key", "--employer", node.employer(0), "--employer-key", hr_key,
                         "--effective-height", std::to_string(entry_height + 1), "--home", home})["status"],
            "committed");
  const std::string file = File("revoked.json");
  cli.RunJson({"bundle", "create", "--subject-key", worker_key, "--entry", Id(hire), "--audience", matcher, "--out", file});
  const json verified = cli.RunJson(Verify(file));
  EXPECT_EQ(verified["valid"], true) << verified.dump(2);
  const std::string detail = (*Check(verified, "key_active"))["detail"];
  EXPECT_NE(detail.find("stays valid"), std::string::npos) << detail;
  EXPECT_NE(detail.find("revoked"), std::string::npos) << detail;
  // The matcher reading the text report (not the JSON) is told the same: the
  // key was revoked later, from the height after the entry, and the entry stands.
  const auto text = cli.Run(Verify(file));
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("ok    key_active"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("key was revoked (from height " + std::to_string(entry_height + 1) + ") and stays valid"),
            std::string::npos)
      << text.out;

  // The stolen-key case: an entry signed with the key after its revocation is refused by the node.
  const auto later = cli.Run({"employer", "hire", "--key", hr_key, "--employer", node.employer(0), "--subject", subject, "--date",
                              "2021-04-01", "--position", "staff"});
  EXPECT_NE(later.exit_code, 0) << later.out;
  EXPECT_NE(later.err.find("validation.key_not_active"), std::string::npos) << later.err;
}

}  // namespace
}  // namespace jobcard
