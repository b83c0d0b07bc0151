// The CLI against a node that lies (issue 4): a FakeNode (tests/support/
// fake_node.h) stands between the CLI and a real dev node, passes most
// routes through and answers some itself: empty pages of validator
// transitions with ever-larger next_from, a page longer than a bundle can
// carry, malformed JSON, an answer larger than the CLI reads, no answer in
// time, a state root the subject's record does not match. Each must end the
// command with a clear error and exit code 1, in bounded time, never a hang
// or a crash.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "ledger/bundle.h"
#include "ledger/state_records.h"
#include "tests/support/cli_runner.h"
#include "tests/support/dev_node.h"
#include "tests/support/fake_node.h"

namespace jobcard {
namespace {

using nlohmann::json;
using testing::FakeAnswer;
using testing::FakeNode;

bool StartsWith(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

// The `from` of a /v1/validator-transitions query.
std::uint64_t FromOf(const std::string& target) {
  const auto at = target.find("from=");
  return at == std::string::npos ? 0 : std::stoull(target.substr(at + 5));
}

class FakeNodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(node.started()) << node.log();
    ASSERT_EQ(cli.Run({"key", "new", "--out", worker_key}, false).exit_code, 0);
    subject = cli.RunJson({"registrar", "enroll", "--my-number", "123456789018", "--subject-key", worker_key, "--home",
                           node.home().string()})["subject"];
    matcher = ToHex(node.genesis().matchers.at(0).key);
    const json hire = cli.RunJson({"employer", "hire", "--key", node.employer_key(0), "--employer", node.employer(0),
                                   "--subject", subject, "--date", "2019-04-01", "--employment-type", "regular",
                                   "--position", "staff"});
    ASSERT_EQ(hire["status"], "committed") << hire;
    hire_id = hire["id"].get<std::string>();
  }

  // `bundle create` of the hire through `fake`, timed.
  testing::ProcessResult CreateBundle(const FakeNode& fake, std::chrono::steady_clock::duration& took) {
    const auto start = std::chrono::steady_clock::now();
    auto r = testing::RunProcess(JOBCARD_BINARY,
                                 {"bundle", "create", "--subject-key", worker_key, "--entry", hire_id, "--audience",
                                  matcher, "--out", bundle_file, "--node", fake.url()},
                                 dir.path(), {{"JOBCARD_PASSPHRASE", "devnet"}});
    took = std::chrono::steady_clock::now() - start;
    return r;
  }

  // `verify` of bundle_file, checking freshness against `fake`.
  testing::ProcessResult VerifyThrough(const FakeNode& fake) const {
    const std::string genesis = (node.home() / "genesis.json").string();
    return testing::RunProcess(JOBCARD_BINARY,
                               {"verify", bundle_file, "--genesis", genesis, "--matcher", matcher, "--node", fake.url()},
                               dir.path(), {{"JOBCARD_PASSPHRASE", "devnet"}});
  }

  // The real genesis with its validator's power changed: the tip's
  // validator_set_hash no longer matches it, so the CLI asks for the
  // transitions between the two.
  std::string GenesisWithAnotherValidatorSet() const {
    json genesis = json::parse(FakeNode::Fetch(node.port(), "/v1/genesis")->body);
    genesis["validators"][0]["power"] = 2;
    return genesis.dump();
  }

  void ExpectRefused(const testing::ProcessResult& r, const std::string& code, const std::string& words) {
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find(code), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(words), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(bundle_file)) << "nothing written from a lying node";
  }

  testing::TempDir dir;
  testing::DevNode node{dir};
  const testing::CliRunner cli{dir, node.url()};
  const std::string worker_key = (dir.path() / "worker.key").string();
  const std::string bundle_file = (dir.path() / "bundle.json").string();
  std::string subject;
  std::string matcher;
  std::string hire_id;
};

TEST_F(FakeNodeTest, EmptyPagesOfTransitionsWithEverLargerNextFromAreRefused) {
  const std::string genesis = GenesisWithAnotherValidatorSet();
  FakeNode fake(
      [&](const std::string&, const std::string& target) -> std::optional<FakeAnswer> {
        if (target == "/v1/genesis") return FakeAnswer{200, genesis};
        if (StartsWith(target, "/v1/validator-transitions")) {
          return FakeAnswer{200, json{{"validator_transitions", json::array()}, {"next_from", FromOf(target) + 1000}}.dump()};
        }
        return std::nullopt;
      },
      node.port());
  std::chrono::steady_clock::duration took{};
  auto r = CreateBundle(fake, took);
  ExpectRefused(r, "node.bad_response", "empty page");
  // Refused at the first such page, not followed.
  EXPECT_EQ(fake.RequestsTo("/v1/validator-transitions"), 1u);
}

TEST_F(FakeNodeTest, APageOfMoreTransitionsThanABundleCarriesIsRefused) {
  const std::string genesis = GenesisWithAnotherValidatorSet();
  // A well-formed transition (the first block's header and certificate and
  // the genesis validator set), repeated past kMaxValidatorTransitions.
  const json block = json::parse(FakeNode::Fetch(node.port(), "/v1/blocks/1")->body);
  std::vector<ledger::ValidatorRecord> validators;
  for (const auto& v : node.genesis().validators) validators.push_back({v.key, v.power, v.name});
  const json transition{{"header", block["header"]["encoded"]},
                        {"certificate", block["certificate"]["encoded"]},
                        {"next_validators", ToHex(ledger::EncodeValidators(validators))}};
  const json page{{"validator_transitions", json::array()}, {"next_from", nullptr}};
  json long_page = page;
  for (std::size_t i = 0; i <= ledger::kMaxValidatorTransitions; ++i) long_page["validator_transitions"].push_back(transition);
  FakeNode fake(
      [&](const std::string&, const std::string& target) -> std::optional<FakeAnswer> {
        if (target == "/v1/genesis") return FakeAnswer{200, genesis};
        if (StartsWith(target, "/v1/validator-transitions")) return FakeAnswer{200, long_page.dump()};
        return std::nullopt;
      },
      node.port());
  std::chrono::steady_clock::duration took{};
  ExpectRefused(CreateBundle(fake, took), "bundle.too_many_transitions", "more than 64");
}

TEST_F(FakeNodeTest, MalformedJsonIsABadResponse) {
  FakeNode fake(
      [](const std::string&, const std::string& target) -> std::optional<FakeAnswer> {
        if (target == "/v1/genesis") return FakeAnswer{200, R"({"chain_id": "jobcard-devnet", "validators": [)"};
        return std::nullopt;
      },
      node.port());
  std::chrono::steady_clock::duration took{};
  ExpectRefused(CreateBundle(fake, took), "node.bad_response", "JSON");
}

// An answer over kMaxNodeResponseBytes (8 MiB) is refused by its size, with
// or without a Content-Length: Beast's own body_limit does not cover a body
// that runs until the connection closes, so NodeClient counts it itself.
TEST_F(FakeNodeTest, AnAnswerOverTheCliBoundIsRefusedByItsSize) {
  const std::string huge = "{\"padding\":\"" + std::string(9 * 1024 * 1024, 'a') + "\"}";
  for (const bool send_length : {true, false}) {
    SCOPED_TRACE(send_length ? "with Content-Length" : "until the connection closes");
    FakeNode fake(
        [&](const std::string&, const std::string& target) -> std::optional<FakeAnswer> {
          if (StartsWith(target, "/v1/subjects/")) {
            FakeAnswer answer{200, huge};
            answer.send_length = send_length;
            return answer;
          }
          return std::nullopt;
        },
        node.port());
    std::chrono::steady_clock::duration took{};
    ExpectRefused(CreateBundle(fake, took), "node.bad_response", "larger than the 8 MiB limit");
    EXPECT_LT(took, std::chrono::seconds(60));
  }
}

TEST_F(FakeNodeTest, ANodeThatDoesNotAnswerInTimeIsATimeout) {
  FakeNode fake(
      [](const std::string&, const std::string& target) -> std::optional<FakeAnswer> {
        if (target == "/v1/genesis") return FakeAnswer{200, "{}", "application/json", std::chrono::seconds(30)};
        return std::nullopt;
      },
      node.port());
  std::chrono::steady_clock::duration took{};
  ExpectRefused(CreateBundle(fake, took), "node.timeout", "did not answer within");
  // The CLI's request_timeout (10 s), not the node's 30 s.
  EXPECT_LT(took, std::chrono::seconds(20));
}

TEST_F(FakeNodeTest, VerifyAgainstANodeLyingAboutFreshnessFails) {
  // A bundle made honestly, verified against a node whose answer for the
  // subject does not match the state root it claims.
  auto made = cli.Run({"bundle", "create", "--subject-key", worker_key, "--entry", hire_id, "--audience", matcher,
                       "--out", bundle_file});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  FakeNode fake(
      [&](const std::string& method, const std::string& target) -> std::optional<FakeAnswer> {
        if (method != "GET" || !StartsWith(target, "/v1/subjects/")) return std::nullopt;
        json answer = json::parse(FakeNode::Fetch(node.port(), target)->body);
        answer["tip"]["state_root"] = std::string(64, 'e');
        return FakeAnswer{200, answer.dump()};
      },
      node.port());
  auto r = VerifyThrough(fake);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("node.bad_response"), std::string::npos) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("does not match the node's state root"), std::string::npos) << r.out << r.err;
  EXPECT_GE(fake.RequestsTo("/v1/subjects/"), 1u);
  // Through the fake node telling the truth, the same bundle verifies.
  FakeNode honest([](const std::string&, const std::string&) { return std::optional<FakeAnswer>(); }, node.port());
  auto ok = VerifyThrough(honest);
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("VALID: every check passed"), std::string::npos) << ok.out;
}

}  // namespace
}  // namespace jobcard
