// POST /v1/txs/batch's rules (node/submit_batch.h) on a real mempool over an
// in-memory committed state: item order, one result per item, an item's
// failure kept to itself, a full pool part-way, and the body's own limits.
#include "node/submit_batch.h"

#include <gtest/gtest.h>

#include "ledger/entry_builder.h"
#include "ledger/memory_state.h"
#include "ledger/tx_json.h"
#include "node/mempool.h"
#include "tests/support/fixtures.h"

namespace jobcard::node {
namespace {

using jobcard::testing::KeyFromByte;
using jobcard::testing::kTestChainId;
using jobcard::testing::SmallGenesis;
using jobcard::testing::SubjectFromByte;
using ledger::Tx;
using ledger::TxKind;
using nlohmann::json;

constexpr std::uint64_t kNowSeconds = 1775034000;  // 2026-04-01T09:00:00Z

class SubmitBatchTest : public ::testing::Test {
 protected:
  SubmitBatchTest()
      : employer_key_(KeyFromByte(3)),
        genesis_(SmallGenesis((kNowSeconds - 3600) * 1000, {employer_key_.public_key()})),
        committed_(ledger::MemoryState::FromGenesis(genesis_)) {}

  // Subject n's enrolment by the registrar (KeyFromByte(1)); its key is KeyFromByte(100 + n).
  Tx Enroll(std::uint8_t n) const {
    Tx tx{TxKind::kEnrollSubject, n, ledger::EnrollSubject{SubjectFromByte(n), SubjectKey(n).public_key()}, {}};
    SignTx(tx, kTestChainId, KeyFromByte(1));
    return tx;
  }
  // A hire of subject n by the test employer: valid only once n is enrolled.
  Tx Hire(std::uint8_t n) const {
    ledger::EntryDraft d;
    d.kind = TxKind::kHire;
    d.employer = jobcard::testing::TestEmployer();
    d.subject = SubjectFromByte(n);
    d.effective_date = *ledger::Date::Make(2026, 4, 1);
    d.recorded_at = kNowSeconds - 60;
    d.nonce = 1000 + n;
    d.payload.fields = {{ledger::PayloadFieldId::kPosition, "staff"}};
    d.subject_key = SubjectKey(n).public_key();
    d.employer_key = employer_key_.public_key();
    Tx tx = std::move(ledger::BuildEntry(d)).value();
    SignTx(tx, kTestChainId, employer_key_);
    return tx;
  }
  static crypto::SigningKey SubjectKey(std::uint8_t n) { return KeyFromByte(static_cast<std::uint8_t>(100 + n)); }
  static std::string Id(const Tx& tx) { return ToHex(ledger::TxId(kTestChainId, tx)); }
  static json Encoded(const Tx& tx) { return {{"encoded", ToHex(ledger::EncodeTx(tx))}}; }

  // Submits `items` as one batch into pool_, counting the submissions.
  Result<json> Run(const json& items) { return RunBody(json{{"txs", items}}.dump()); }
  Result<json> RunBody(std::string_view body) {
    return SubmitBatch(body, [this](Tx tx) {
      ++submitted_;
      return pool_->Add(std::move(tx), committed_, ledger::TxContext{genesis_, 1, kNowSeconds * 1000});
    });
  }
  static std::string CodeOf(const json& result) { return result["error"]["code"].get<std::string>(); }

  crypto::SigningKey employer_key_;
  ledger::Genesis genesis_;
  ledger::MemoryState committed_;
  std::unique_ptr<Mempool> pool_ = std::make_unique<Mempool>();
  std::size_t submitted_ = 0;
};

TEST_F(SubmitBatchTest, ValidItemsInEitherFormAreAllPendingUnderTheirTxIds) {
  const Tx a = Enroll(1), b = Enroll(2), c = Enroll(3);
  auto out = Run(json::array({ledger::TxToJson(a), Encoded(b), ledger::TxToJson(c)}));
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ((*out)["accepted"], 3);
  EXPECT_EQ((*out)["rejected"], 0);
  ASSERT_EQ((*out)["results"].size(), 3u);
  const Tx* txs[] = {&a, &b, &c};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ((*out)["results"][i], (json{{"id", Id(*txs[i])}, {"status", "pending"}})) << i;
  }
  EXPECT_EQ(pool_->size(), 3u);
  EXPECT_EQ(pool_->Reap(10, 1 << 20), (std::vector<Tx>{a, b, c})) << "the pool keeps the batch's order";
}

TEST_F(SubmitBatchTest, ALaterItemMayDependOnAnEarlierOne) {
  const Tx hire = Hire(1);  // built once: its payload is encrypted with fresh randomness
  auto out = Run(json::array({Encoded(Enroll(1)), Encoded(hire)}));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ((*out)["accepted"], 2) << out->dump();
  EXPECT_EQ((*out)["results"][1]["id"], Id(hire));

  // The other way round the hire comes before its subject exists.
  auto reversed = Run(json::array({Encoded(Hire(2)), Encoded(Enroll(2))}));
  ASSERT_TRUE(reversed.ok());
  EXPECT_EQ(CodeOf((*reversed)["results"][0]), "validation.subject_not_enrolled");
  EXPECT_EQ((*reversed)["results"][0]["http_status"], 422);
  EXPECT_EQ((*reversed)["results"][1]["status"], "pending");
  EXPECT_EQ((*reversed)["accepted"], 1);
  EXPECT_EQ((*reversed)["rejected"], 1);
}

TEST_F(SubmitBatchTest, MalformedItemsFailAloneAndTheOthersAreSubmitted) {
  Tx forged = Enroll(4);
  forged.nonce += 1;  // no longer matches its signature
  json encoded_with_extra = Encoded(Enroll(5));
  encoded_with_extra["note"] = "x";
  const json items = json::array({ledger::TxToJson(Enroll(1)), json{{"encoded", "zz"}}, 42, json::object(),
                                  encoded_with_extra, ledger::TxToJson(forged), Encoded(Enroll(2))});
  auto out = Run(items);
  ASSERT_TRUE(out.ok()) << out.error().message;
  const json& results = (*out)["results"];
  ASSERT_EQ(results.size(), items.size());
  EXPECT_EQ(results[0]["status"], "pending");
  for (std::size_t i = 1; i <= 5; ++i) {
    EXPECT_TRUE(results[i].contains("error")) << i << ": " << results[i].dump();
    EXPECT_EQ(results[i]["http_status"], 400) << i << ": " << results[i].dump();
  }
  EXPECT_EQ(results[2]["error"]["message"].get<std::string>().rfind("txs[2]: ", 0), 0u) << results[2];
  EXPECT_EQ(CodeOf(results[4]), "json.unknown_field") << "an encoded item holds nothing else, as for POST /v1/txs";
  EXPECT_EQ(CodeOf(results[5]), "tx.bad_signature");
  EXPECT_EQ(results[6]["id"], Id(Enroll(2)));
  EXPECT_EQ((*out)["accepted"], 2);
  EXPECT_EQ((*out)["rejected"], 5);
  EXPECT_EQ(pool_->size(), 2u);
}

TEST_F(SubmitBatchTest, ADuplicateInOneBatchIsRefusedTheSecondTime) {
  auto out = Run(json::array({Encoded(Enroll(1)), ledger::TxToJson(Enroll(1)), Encoded(Enroll(2))}));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ((*out)["results"][0]["id"], Id(Enroll(1)));
  EXPECT_EQ(CodeOf((*out)["results"][1]), "mempool.duplicate");
  EXPECT_EQ((*out)["results"][1]["http_status"], 409);
  EXPECT_EQ((*out)["results"][2]["status"], "pending");
  EXPECT_EQ(pool_->size(), 2u);
}

TEST_F(SubmitBatchTest, AFullPoolRefusesTheRestOfTheBatchWithoutSubmittingIt) {
  pool_ = std::make_unique<Mempool>(MempoolLimits{.max_txs = 2});
  auto out = Run(json::array({Encoded(Enroll(1)), Encoded(Enroll(2)), Encoded(Enroll(3)), json{{"encoded", "zz"}},
                              Encoded(Enroll(4))}));
  ASSERT_TRUE(out.ok());
  const json& results = (*out)["results"];
  EXPECT_EQ(results[1]["status"], "pending");
  for (std::size_t i = 2; i < 5; ++i) {
    EXPECT_EQ(CodeOf(results[i]), "mempool.full") << i;
    EXPECT_EQ(results[i]["http_status"], 503) << i;
  }
  EXPECT_NE(results[3]["error"]["message"].get<std::string>().find("at item 2"), std::string::npos) << results[3];
  EXPECT_EQ(submitted_, 3u) << "nothing after the first refusal for a full pool is submitted";
  EXPECT_EQ((*out)["accepted"], 2);
  EXPECT_EQ((*out)["rejected"], 3);
}

TEST_F(SubmitBatchTest, ABodyThatIsNotABatchIsRefusedWhole) {
  const std::pair<std::string, std::string> cases[] = {
      {"{not json", "json.malformed"},
      {"[]", "api.bad_body"},
      {"{}", "api.bad_body"},
      {R"({"txs": {}})", "api.bad_body"},
      {R"({"txs": "ab"})", "api.bad_body"},
      {R"({"txs": [{}], "extra": 1})", "api.bad_body"},
      {R"({"txs": []})", "api.batch_empty"},
  };
  for (const auto& [body, code] : cases) {
    auto out = RunBody(body);
    ASSERT_FALSE(out.ok()) << body;
    EXPECT_EQ(out.error().code, code) << body << ": " << out.error().message;
  }
  EXPECT_EQ(submitted_, 0u);
}

TEST_F(SubmitBatchTest, AtMostKMaxTxsPerSubmitBatchItems) {
  const json item = Encoded(Enroll(1));
  auto over = Run(json(std::vector<json>(kMaxTxsPerSubmitBatch + 1, item)));
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, "api.batch_too_large");
  EXPECT_EQ(submitted_, 0u);

  // At the limit every item is submitted (the copies after the first are duplicates).
  auto at = Run(json(std::vector<json>(kMaxTxsPerSubmitBatch, item)));
  ASSERT_TRUE(at.ok()) << at.error().message;
  EXPECT_EQ(submitted_, kMaxTxsPerSubmitBatch);
  EXPECT_EQ((*at)["accepted"], 1);
  EXPECT_EQ((*at)["rejected"], kMaxTxsPerSubmitBatch - 1);
}

// The route's body limit holds the largest batch in the encoded form.
TEST(SubmitBatchLimits, TheBodyLimitHoldsAFullBatchOfMaximumSizeEncodedTransactions) {
  const json item = {{"encoded", std::string(2 * ledger::kMaxTxBytes, 'a')}};
  const std::string body = json{{"txs", std::vector<json>(kMaxTxsPerSubmitBatch, item)}}.dump(1);
  EXPECT_LE(body.size(), kMaxSubmitBatchBodyBytes);
  EXPECT_GT(body.size(), kMaxSubmitBatchBodyBytes - kMaxTxsPerSubmitBatch * kSubmitBatchItemOverheadBytes - 1024)
      << "the limit is not far above what a full batch needs";
}

}  // namespace
}  // namespace jobcard::node
