// The three CLI journeys end to end, against a real node process on a
// loopback port: the registrar enrols a worker, employers record a career
// (hire, position change, role change, secondment with the host's
// co-signature and its end, a correction, a separation, a side job from a
// payload file, a headcount), the worker reads the decrypted
// history and disputes an entry. Then the raw ledger, as any validator or
// API client sees it, is searched for every plaintext the journey wrote.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/cli_runner.h"
#include "tests/support/dev_node.h"
#include "tests/support/http_client.h"

namespace jobcard {
namespace {

using nlohmann::json;

constexpr const char* kMyNumber = "123456789018";  // valid check digit (8)

using Cli = testing::CliRunner;

// Every plaintext payload value the journey writes, to be searched for.
struct Career {
  std::string duties = "道内製造業向けの法人営業と新規開拓";
  std::string department = "営業部 札幌支店";
  std::string location = "北海道札幌市中央区";
  std::string salary = "450-550";
  std::string new_department = "営業企画部 第二課";
  std::string corrected_department = "営業企画部 第一課";
  std::string host_duties = "事業承継に向けた経営企画の立ち上げ支援";
  std::string return_note = "予定どおり出向元へ復帰";
  std::string separation_note = "家業の事業承継のため退職";
  std::string dispute_note = "入社日は2019-04-08であり記載と異なる";
  std::string new_duties = "販売計画の立案と代理店網の管理";
  std::string side_pattern = "週2日 (火・木) の経営助言";

  std::vector<std::string> All() const {
    return {duties, department, location, salary, new_department, corrected_department, host_duties,
            return_note, separation_note, dispute_note, new_duties, side_pattern, "section_head", "regular", "voluntary"};
  }
};

const json* FindEntry(const json& history, const std::string& id) {
  for (const json& e : history["entries"]) {
    if (e["id"] == id) return &e;
  }
  return nullptr;
}

std::string Id(const json& submitted) { return submitted.at("id").get<std::string>(); }

std::string HexOf(const std::string& text) { return ToHex(AsBytes(text)); }

// A fresh dev node per test, the CLI pointed at it, and where the worker's
// key file goes.
class JourneyTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(node.started()) << node.log(); }

  testing::TempDir dir;
  testing::DevNode node{dir};
  const Cli cli{dir, node.url()};
  const std::string home = node.home().string();
  const std::string worker_key = (dir.path() / "worker.key").string();
};

TEST_F(JourneyTest, RegistrarEmployerAndCandidateOnTheDevLedger) {
  const Career career;

  // The worker makes a key; the registrar enrols them.
  auto key = cli.Run({"key", "new", "--out", worker_key, "--label", "worker"}, /*with_node=*/false);
  ASSERT_EQ(key.exit_code, 0) << key.err;
  auto enroll = cli.Run({"registrar", "enroll", "--my-number", kMyNumber, "--subject-key", worker_key, "--home", home, "--json"});
  ASSERT_EQ(enroll.exit_code, 0) << enroll.err;
  EXPECT_EQ(enroll.out.find(kMyNumber), std::string::npos) << "the My Number was printed";
  EXPECT_EQ(enroll.err.find(kMyNumber), std::string::npos) << "the My Number was printed";
  const json enrolled = json::parse(enroll.out);
  const std::string subject = enrolled["subject"];
  EXPECT_EQ(enrolled["status"], "committed");
  ASSERT_EQ(subject.size(), 64u);
  EXPECT_TRUE(std::filesystem::exists(worker_key + ".subject"));

  // Employer A records the career; employer B is the secondment host.
  const std::string a = node.employer(0), a_key = node.employer_key(0);
  const std::string b = node.employer(1), b_key = node.employer_key(1);
  const std::vector<std::string> who = {"--key", a_key, "--employer", a, "--subject", subject};
  auto entry = [&](const std::string& sub, std::vector<std::string> more) {
    std::vector<std::string> args = {"employer", sub};
    args.insert(args.end(), who.begin(), who.end());
    args.insert(args.end(), more.begin(), more.end());
    return cli.RunJson(args);
  };
  const json hire = entry("hire", {"--date", "2019-04-01", "--employment-type", "regular", "--position", "staff",
                                   "--department", career.department, "--duties", career.duties, "--work-location",
                                   career.location, "--salary-band", career.salary});
  ASSERT_EQ(hire["status"], "committed") << hire;
  const json promotion = entry("position-change", {"--date", "2021-04-01", "--position", "section_head", "--department",
                                                   career.new_department});
  const json second = entry("second", {"--date", "2022-10-01", "--host", b, "--host-key", b_key, "--expected-end",
                                       "2023-09-30", "--duties", career.host_duties, "--work-pattern", "週5日"});
  ASSERT_EQ(second["status"], "committed") << second;
  const json back = entry("end-secondment", {"--date", "2023-09-30", "--ref", Id(second), "--host", b, "--host-key",
                                             b_key, "--note", career.return_note});
  const json corrected = entry("correct", {"--date", "2021-04-01", "--ref", Id(promotion), "--reason", "clerical",
                                           "--position", "section_head", "--department", career.corrected_department});
  const json separation = entry("separate", {"--date", "2024-03-31", "--separation-reason", "voluntary", "--note",
                                             career.separation_note});
  const json duties = entry("role-change", {"--date", "2022-04-01", "--duties", career.new_duties});
  for (const json* j : {&promotion, &back, &corrected, &separation, &duties}) EXPECT_EQ((*j)["status"], "committed") << *j;
  // A side job (副業) recorded by employer B, its details from a payload file.
  const std::string payload_file = (dir.path() / "side-job.json").string();
  std::ofstream(payload_file) << json{{"position", "advisor"}, {"work_pattern", career.side_pattern}}.dump();
  const std::vector<std::string> at_b = {"--key", b_key, "--employer", b, "--subject", subject};
  std::vector<std::string> side_args = {"employer", "side-job", "--date", "2024-05-01", "--payload", payload_file};
  side_args.insert(side_args.end(), at_b.begin(), at_b.end());
  const json side_job = cli.RunJson(side_args);
  std::vector<std::string> end_args = {"employer", "end-side-job", "--date", "2024-09-30", "--ref", Id(side_job)};
  end_args.insert(end_args.end(), at_b.begin(), at_b.end());
  EXPECT_EQ(cli.RunJson(end_args)["status"], "committed");
  const json headcount = cli.RunJson({"employer", "headcount", "--key", a_key, "--employer", a, "--date", "2024-04-01",
                                      "--count", "41"});
  EXPECT_EQ(headcount["status"], "committed") << headcount;

  // The worker reads the history: decrypted, verified, the corrected entry marked.
  json history = cli.RunJson({"history", "--subject-key", worker_key});
  EXPECT_EQ(history["verified"], true) << history.dump(2);
  ASSERT_EQ(history["entries"].size(), 9u) << history.dump(2);
  const json* hired = FindEntry(history, Id(hire));
  ASSERT_NE(hired, nullptr);
  EXPECT_EQ((*hired)["kind_ja"], "雇入れ");
  EXPECT_EQ((*hired)["employer_name"], node.employer_name(0));
  EXPECT_EQ((*hired)["payload"]["duties"], career.duties);
  EXPECT_EQ((*hired)["payload"]["salary_band"], career.salary);
  EXPECT_EQ((*FindEntry(history, Id(promotion)))["superseded"], true);
  EXPECT_EQ((*FindEntry(history, Id(corrected)))["payload"]["department"], career.corrected_department);
  EXPECT_EQ((*FindEntry(history, Id(corrected)))["reason"], "clerical");
  const json* seconded = FindEntry(history, Id(second));
  ASSERT_NE(seconded, nullptr);
  EXPECT_EQ((*seconded)["host_employer_name"], node.employer_name(1));
  EXPECT_EQ((*seconded)["expected_end"], "2023-09-30");
  EXPECT_EQ((*FindEntry(history, Id(separation)))["payload"]["separation_reason"], "voluntary");
  EXPECT_EQ((*FindEntry(history, Id(duties)))["payload"]["duties"], career.new_duties);
  EXPECT_EQ((*FindEntry(history, Id(side_job)))["payload"]["work_pattern"], career.side_pattern);
  EXPECT_EQ((*FindEntry(history, Id(side_job)))["employer_name"], node.employer_name(1));

  auto timeline = cli.Run({"history", "--subject-key", worker_key});
  ASSERT_EQ(timeline.exit_code, 0) << timeline.err;
  EXPECT_NE(timeline.out.find("position_change (昇進・異動)  [superseded]"), std::string::npos) << timeline.out;
  EXPECT_NE(timeline.out.find("every signature verified"), std::string::npos) << timeline.out;
  EXPECT_NE(timeline.out.find(career.host_duties), std::string::npos) << timeline.out;

  // The worker disputes the hire; the history shows it.
  const json dispute = cli.RunJson({"dispute", "--subject-key", worker_key, "--ref", Id(hire), "--reason", "wrong_dates",
                                    "--note", career.dispute_note});
  EXPECT_EQ(dispute["status"], "committed") << dispute;
  history = cli.RunJson({"history", "--subject-key", worker_key});
  ASSERT_EQ(history["entries"].size(), 10u);
  EXPECT_EQ((*FindEntry(history, Id(hire)))["disputed"], true);
  EXPECT_EQ((*FindEntry(history, Id(dispute)))["payload"]["note"], career.dispute_note);
  EXPECT_EQ((*FindEntry(history, Id(dispute)))["kind_ja"], "異議");

  // The raw ledger: every block, every transaction in it and the subject's
  // history, byte for byte as the API serves them, hold none of the
  // plaintext, neither as text nor hex-encoded.
  auto status = testing::Request("127.0.0.1", node.port(), "GET", "/v1/status");
  ASSERT_EQ(status.status, 200);
  const std::uint64_t tip = json::parse(status.body)["tip"]["height"];
  std::string raw;
  for (std::uint64_t h = 1; h <= tip; ++h) {
    auto block = testing::Request("127.0.0.1", node.port(), "GET", "/v1/blocks/" + std::to_string(h));
    ASSERT_EQ(block.status, 200) << block.body;
    raw += block.body;
    const json parsed = json::parse(block.body);
    for (const json& id : parsed["tx_ids"]) {
      auto tx = testing::Request("127.0.0.1", node.port(), "GET", "/v1/txs/" + id.get<std::string>());
      ASSERT_EQ(tx.status, 200);
      raw += tx.body;
    }
  }
  auto raw_history = testing::Request("127.0.0.1", node.port(), "GET", "/v1/subjects/" + subject + "/history");
  ASSERT_EQ(raw_history.status, 200);
  raw += raw_history.body;
  ASSERT_NE(raw.find(Id(hire)), std::string::npos) << "the search covers the entries";
  for (const std::string& plain : career.All()) {
    EXPECT_EQ(raw.find(plain), std::string::npos) << "plaintext on the ledger: " << plain;
    EXPECT_EQ(raw.find(HexOf(plain)), std::string::npos) << "hex plaintext on the ledger: " << plain;
  }
  EXPECT_EQ(raw.find(kMyNumber), std::string::npos);
  EXPECT_EQ(raw.find(HexOf(kMyNumber)), std::string::npos);
}

// A 法人番号 with a valid check digit for a base number that no genesis uses.
std::string UnregisteredCorporateNumber() {
  const std::string base = "999999999999";
  return std::to_string(ledger::CorporateNumberCheckDigit(base)) + base;
}

TEST_F(JourneyTest, DocumentedErrorsSayWhatHappened) {
  const std::string extra_key = (dir.path() / "extra.key").string();
  ASSERT_EQ(cli.Run({"key", "new", "--out", worker_key}, false).exit_code, 0);
  ASSERT_EQ(cli.Run({"key", "new", "--out", extra_key}, false).exit_code, 0);

  // A wrong My Number check digit: refused before anything is sent, and not echoed.
  auto bad_number = cli.Run({"registrar", "enroll", "--my-number", "123456789012", "--subject-key", worker_key, "--home", home});
  EXPECT_EQ(bad_number.exit_code, 2);
  EXPECT_NE(bad_number.err.find("wrong check digit"), std::string::npos) << bad_number.err;
  EXPECT_EQ(bad_number.err.find("123456789012"), std::string::npos) << bad_number.err;
  const std::string subject =
      cli.RunJson({"registrar", "enroll", "--my-number", kMyNumber, "--subject-key", worker_key, "--home", home})["subject"];
  auto again = cli.Run({"registrar", "enroll", "--my-number", kMyNumber, "--subject-key", worker_key, "--home", home});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("already enrolled"), std::string::npos) << again.err;

  const std::string a = node.employer(0);
  // An employer the registrar never admitted.
  auto unknown = cli.Run({"employer", "hire", "--key", node.employer_key(1), "--employer", UnregisteredCorporateNumber(),
                          "--subject", subject, "--date", "2020-04-01", "--position", "staff"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("the employer is not registered on this ledger"), std::string::npos) << unknown.err;
  EXPECT_NE(unknown.err.find("validation.unknown_employer"), std::string::npos) << unknown.err;
  // A 法人番号 with a wrong check digit never reaches the node.
  std::string typo = a;
  typo[0] = typo[0] == '9' ? '1' : static_cast<char>(typo[0] + 1);
  auto bad_corp = cli.Run({"employer", "hire", "--key", node.employer_key(0), "--employer", typo, "--subject", subject,
                           "--date", "2020-04-01"});
  EXPECT_EQ(bad_corp.exit_code, 2);
  EXPECT_NE(bad_corp.err.find("wrong check digit"), std::string::npos) << bad_corp.err;
  // A worker nobody enrolled.
  auto stranger = cli.Run({"employer", "hire", "--key", node.employer_key(0), "--employer", a, "--subject",
                           std::string(64, 'a'), "--date", "2020-04-01"});
  EXPECT_EQ(stranger.exit_code, 1);
  EXPECT_NE(stranger.err.find("not enrolled"), std::string::npos) << stranger.err;
  // A date in the future and a missing option are usage errors.
  EXPECT_EQ(cli.Run({"employer", "hire", "--key", node.employer_key(0), "--employer", a, "--subject", subject, "--date",
                     "2150-01-01"}).exit_code, 2);
  EXPECT_EQ(cli.Run({"employer", "hire", "--key", node.employer_key(0), "--employer", a, "--date", "2020-04-01"}).exit_code, 2);

  // A second key for employer A signs, then is revoked from the next height.
  EXPECT_EQ(cli.RunJson({"registrar", "add-employer-key", "--employer", a, "--employer-key", extra_key, "--home", home})["status"],
            "committed");
  const std::vector<std::string> hire_with_extra = {"employer", "hire", "--key", extra_key, "--employer", a, "--subject",
                                                    subject, "--date", "2020-04-01", "--position", "staff"};
  EXPECT_EQ(cli.RunJson(hire_with_extra)["status"], "committed");
  auto status = testing::Request("127.0.0.1", node.port(), "GET", "/v1/status");
  const std::uint64_t tip = json::parse(status.body)["tip"]["height"];
  EXPECT_EQ(cli.RunJson({"registrar", "revoke-employer-key", "--employer", a, "--employer-key", extra_key,
                         "--effective-height", std::to_string(tip + 1), "--home", home})["status"],
            "committed");
  auto revoked = cli.Run(hire_with_extra);
  EXPECT_EQ(revoked.exit_code, 1);
  EXPECT_NE(revoked.err.find("the employer key is revoked or not yet active at this height"), std::string::npos) << revoked.err;
  // The entry signed before the revocation stays valid.
  EXPECT_EQ(cli.RunJson({"history", "--subject-key", worker_key})["verified"], true);
}

TEST(Journeys, NodeNotRunningIsExplained) {
  testing::TempDir dir;
  // A port nothing listens on: bound once by us, then released.
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor probe(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const std::uint16_t port = probe.local_endpoint().port();
  probe.close();
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  const Cli cli(dir, url);
  auto r = cli.Run({"employer", "headcount", "--key", "none.key", "--employer", UnregisteredCorporateNumber(), "--date",
                    "2020-04-01", "--count", "3"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot reach the node at " + url + ": connection refused — is `jobcard node start` running?"),
            std::string::npos)
      << r.err;
  auto bad_url = cli.Run({"history", "--subject-key", "w.key", "--subject", std::string(64, 'a'), "--node", "ftp://x"}, false);
  EXPECT_EQ(bad_url.exit_code, 2);
  EXPECT_NE(bad_url.err.find("http://HOST:PORT"), std::string::npos) << bad_url.err;
}

TEST(Journeys, EverySubcommandAnswersHelp) {
  testing::TempDir dir;
  const Cli cli(dir, "http://127.0.0.1:1");
  const std::vector<std::vector<std::string>> commands = {
      {"registrar"}, {"registrar", "enroll"}, {"registrar", "register-employer"}, {"registrar", "add-employer-key"},
      {"registrar", "revoke-employer-key"}, {"employer"}, {"employer", "hire"}, {"employer", "position-change"},
      {"employer", "promote"}, {"employer", "role-change"}, {"employer", "second"}, {"employer", "end-secondment"},
      {"employer", "side-job"}, {"employer", "end-side-job"}, {"employer", "separate"}, {"employer", "correct"},
      {"employer", "headcount"}, {"history"}, {"dispute"}, {"bundle"}, {"bundle", "create"}, {"verify"}};
  for (auto words : commands) {
    words.push_back("--help");
    auto r = cli.Run(words, false);
    EXPECT_EQ(r.exit_code, 0) << words[0];
    EXPECT_NE(r.out.find("usage: jobcard " + words[0]), std::string::npos) << r.out;
  }
  EXPECT_EQ(cli.Run({"employer", "frobnicate"}, false).exit_code, 2);
  EXPECT_EQ(cli.Run({"registrar"}, false).exit_code, 2);
  EXPECT_EQ(cli.Run({"employer", "hire", "--bogus", "x"}, false).exit_code, 2);
}

}  // namespace
}  // namespace jobcard
