// The node's HTTP API end to end: a real `jobcard node start` process on a
// loopback port, driven with raw HTTP. Transactions are built and signed
// here with the dev keys, as a client would.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <thread>

#include "ledger/block.h"
#include "ledger/entry_builder.h"
#include "ledger/json_fields.h"
#include "ledger/merkle_log.h"
#include "ledger/pseudonym.h"
#include "ledger/smt_proof.h"
#include "ledger/state_records.h"
#include "ledger/tx_json.h"
#include "node/submit_batch.h"
#include "tests/support/dev_node.h"

namespace jobcard {
namespace {

using nlohmann::json;
using namespace ledger;

class NodeApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    node_ = new testing::DevNode(*dir_);
  }
  static void TearDownTestSuite() {
    delete node_;
    delete dir_;
    node_ = nullptr;
    dir_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(node_->started()) << node_->log(); }

  static json Body(const testing::HttpResult& r) {
    auto parsed = ParseJson(r.body, 16 * 1024 * 1024);
    EXPECT_TRUE(parsed.ok()) << r.body;
    return parsed.ok() ? *parsed : json();
  }
  static std::string Submit(const Tx& tx, int expected_status = 202) {
    auto r = node_->Post("/v1/txs", TxToJson(tx).dump());
    EXPECT_EQ(r.status, expected_status) << r.body;
    return r.status == 202 ? Body(r)["id"].get<std::string>() : Body(r).value("code", "");
  }
  // Polls until committed (bounded); returns the final status JSON.
  static json WaitCommitted(const std::string& id) {
    json last;
    for (int i = 0; i < 200; ++i) {
      last = Body(node_->Get("/v1/txs/" + id));
      if (last.value("status", "") != "pending") return last;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return last;
  }
  static std::uint64_t Nonce() { return nonce_++; }

  Tx Enroll(const SubjectId& subject, const crypto::PublicKey& key) {
    Tx tx{TxKind::kEnrollSubject, Nonce(), EnrollSubject{subject, key}, {}};
    SignTx(tx, node_->genesis().chain_id, node_->Key("registrar.key"));
    return tx;
  }
  Tx Hire(const SubjectId& subject, const crypto::PublicKey& subject_key, const GenesisEmployer& employer,
          const crypto::SigningKey& employer_key) {
    EntryDraft d;
    d.kind = TxKind::kHire;
    d.employer = employer.id;
    d.subject = subject;
    d.recorded_at = static_cast<std::uint64_t>(std::time(nullptr));
    d.effective_date = Date::FromUnixSeconds(d.recorded_at);
    d.nonce = Nonce();
    d.payload.salt.fill(static_cast<std::uint8_t>(d.nonce));
    d.payload.fields = {{PayloadFieldId::kPosition, "section_head"}, {PayloadFieldId::kDepartment, "札幌支店営業部"},
                        {PayloadFieldId::kSalaryBand, "600-700万円"}};
    d.subject_key = subject_key;
    d.employer_key = employer_key.public_key();
    Tx tx = std::move(BuildEntry(d)).value();
    SignTx(tx, node_->genesis().chain_id, employer_key);
    return tx;
  }
  const GenesisEmployer& EmployerA() const { return node_->genesis().employers.at(0); }
  crypto::SigningKey EmployerKey(const GenesisEmployer& e) const { return node_->Key("employer-" + e.id.str() + ".key"); }

  static testing::TempDir* dir_;
  static testing::DevNode* node_;
  static std::uint64_t nonce_;
};
testing::TempDir* NodeApiTest::dir_ = nullptr;
testing::DevNode* NodeApiTest::node_ = nullptr;
std::uint64_t NodeApiTest::nonce_ = 1;

TEST_F(NodeApiTest, StatusAndGenesis) {
  auto r = node_->Get("/v1/status");
  ASSERT_EQ(r.status, 200) << r.body;
  json status = Body(r);
  EXPECT_EQ(status["chain_id"], "jobcard-devnet");
  EXPECT_EQ(status["genesis_hash"], ToHex(GenesisHash(node_->genesis())));
  EXPECT_TRUE(status["produces_blocks"].get<bool>());
  auto g = ParseGenesis(node_->Get("/v1/genesis").body);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(GenesisHash(*g), GenesisHash(node_->genesis())) << "an offline verifier gets the same genesis";
}

TEST_F(NodeApiTest, EnrolHireAndProveItAll) {
  auto worker = crypto::SigningKey::Generate();
  SubjectId subject = *DeriveSubjectId(Bytes(32, 0x42), "123456789018");
  std::string enroll_id = Submit(Enroll(subject, worker.public_key()));
  json enrolled = WaitCommitted(enroll_id);
  ASSERT_EQ(enrolled["status"], "committed") << enrolled.dump();

  Tx hire = Hire(subject, worker.public_key(), EmployerA(), EmployerKey(EmployerA()));
  std::string hire_id = Submit(hire);
  EXPECT_EQ(hire_id, ToHex(TxId(node_->genesis().chain_id, hire)));
  json committed = WaitCommitted(hire_id);
  ASSERT_EQ(committed["status"], "committed") << committed.dump();
  const std::uint64_t height = committed["location"]["height"];

  // The block carries a certificate that verifies for its header.
  json block = Body(node_->Get("/v1/blocks/" + std::to_string(height)));
  auto header = DecodeHeader(*FromHex(block["header"]["encoded"].get<std::string>()));
  auto cert = DecodeCertificate(*FromHex(block["certificate"]["encoded"].get<std::string>()));
  ASSERT_TRUE(header.ok() && cert.ok());
  std::vector<ValidatorRecord> set;
  for (const auto& v : node_->genesis().validators) set.push_back({v.key, v.power, v.name});
  EXPECT_TRUE(VerifyCertificate(node_->genesis().chain_id, *header, *cert, set).ok());

  // The history: the subject record, the entry, a state proof against the tip.
  json history = Body(node_->Get("/v1/subjects/" + ToHex(subject) + "/history"));
  ASSERT_EQ(history["entries"].size(), 1u) << history.dump();
  auto record = DecodeSubject(*FromHex(history["subject"]["encoded"].get<std::string>()));
  auto proof = DecodeSmtProof(*FromHex(history["proof"]["encoded"].get<std::string>()));
  auto state_root = FixedFromHex<32>(history["tip"]["state_root"].get<std::string>());
  ASSERT_TRUE(record.ok() && proof.ok() && state_root.ok());
  EXPECT_TRUE(VerifySmtProof(*state_root, SubjectStateKey(subject), SubjectStateValue(*record), *proof).ok());
  auto returned = TxFromJson(history["entries"][0]["tx"]);
  ASSERT_TRUE(returned.ok());
  auto opened = OpenEntryPayload(*returned, worker);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_EQ(*opened->Find(PayloadFieldId::kDepartment), "札幌支店営業部");

  // Log inclusion proof for the entry against the current log root.
  json incl = Body(node_->Get("/v1/entries/" + hire_id + "/proof"));
  std::vector<Hash32> path;
  for (const auto& h : incl["proof"]) path.push_back(*FixedFromHex<32>(h.get<std::string>()));
  EXPECT_TRUE(VerifyInclusion(LeafHash(*FixedFromHex<32>(hire_id)), incl["log_index"], incl["log_size"], path,
                              *FixedFromHex<32>(incl["log_root"].get<std::string>()))
                  .ok());

  // A validator's view holds no payload plaintext.
  for (const std::string& target : {"/v1/blocks/" + std::to_string(height), "/v1/subjects/" + ToHex(subject) + "/history"}) {
    auto raw = node_->Get(target).body;
    EXPECT_EQ(raw.find("札幌支店営業部"), std::string::npos) << target;
    EXPECT_EQ(raw.find("600-700"), std::string::npos) << target;
    EXPECT_EQ(raw.find("section_head"), std::string::npos) << target;
  }
  // Replaying the same transaction is refused.
  EXPECT_EQ(Submit(hire, 409), "validation.duplicate_tx");
}

// GET /v1/txs/{id} read the store before the pool: a commit between the two
// reads hid a committed transaction from both (404; seen once in the portal
// test under load). Polled without pause across several blocks, every
// accepted transaction must read pending or committed, never unknown. The
// window is microseconds wide, so this guards the property rather than
// reproducing the race: with the old order it passed 4 runs of 4 on a quiet
// machine. Bounded: 40 transactions, 60 s.
TEST_F(NodeApiTest, AnAcceptedTransactionIsNeverUnknownWhileItCommits) {
  std::vector<std::string> ids;
  for (int i = 0; i < 40; ++i) {
    Bytes salt(32, 0x50);
    salt[0] = static_cast<std::uint8_t>(i);
    SubjectId subject = *DeriveSubjectId(salt, "123456789018");
    ids.push_back(Submit(Enroll(subject, crypto::SigningKey::Generate().public_key())));
    if (i % 10 == 9) std::this_thread::sleep_for(std::chrono::milliseconds(300));  // spread over blocks
  }
  std::set<std::string> open(ids.begin(), ids.end());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!open.empty() && std::chrono::steady_clock::now() < deadline) {
    for (auto it = open.begin(); it != open.end();) {
      const testing::HttpResult r = node_->Get("/v1/txs/" + *it);
      ASSERT_EQ(r.status, 200) << "transaction " << *it << " unknown while committing: " << r.body;
      const std::string status = Body(r).value("status", "");
      ASSERT_TRUE(status == "pending" || status == "committed") << r.body;
      it = status == "committed" ? open.erase(it) : std::next(it);
    }
  }
  EXPECT_TRUE(open.empty()) << open.size() << " still pending after 60 s";
}

TEST_F(NodeApiTest, RejectionsAreClearErrors) {
  auto r = node_->Post("/v1/txs", "{not json");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Body(r)["code"], "json.malformed");

  auto worker = crypto::SigningKey::Generate();
  SubjectId subject = *DeriveSubjectId(Bytes(32, 0x43), "123456789018");
  // Not enrolled yet: a state rule, 422.
  EXPECT_EQ(Submit(Hire(subject, worker.public_key(), EmployerA(), EmployerKey(EmployerA())), 422),
            "validation.subject_not_enrolled");
  // Signed by a key that is not the employer's.
  ASSERT_EQ(WaitCommitted(Submit(Enroll(subject, worker.public_key())))["status"], "committed");
  EXPECT_EQ(Submit(Hire(subject, worker.public_key(), EmployerA(), crypto::SigningKey::Generate()), 422),
            "validation.missing_signature");
  // An altered body no longer matches its signature.
  Tx forged = Hire(subject, worker.public_key(), EmployerA(), EmployerKey(EmployerA()));
  forged.nonce += 1;
  EXPECT_EQ(Submit(forged, 400), "tx.bad_signature");
  // Unknown employer.
  GenesisEmployer ghost = EmployerA();
  ghost.id = *CorporateNumber::Parse("7000012050002");
  EXPECT_EQ(Submit(Hire(subject, worker.public_key(), ghost, EmployerKey(EmployerA())), 422), "validation.unknown_employer");
  // An oversize body is refused before it is parsed.
  auto big = node_->Post("/v1/txs", std::string(2 * 1024 * 1024, ' '));
  EXPECT_EQ(big.status, 413);
  // Unknown ids and malformed ones.
  EXPECT_EQ(node_->Get("/v1/txs/" + std::string(64, 'a')).status, 404);
  EXPECT_EQ(node_->Get("/v1/txs/xyz").status, 400);
  EXPECT_EQ(node_->Get("/v1/blocks/999999").status, 404);
  EXPECT_EQ(node_->Get("/v1/employers/1234").status, 400);
  // The node is still up.
  EXPECT_EQ(node_->Get("/v1/status").status, 200);
}

// POST /v1/txs/batch on a real node: items in order through the same path as
// POST /v1/txs (a hire of a subject enrolled by an earlier item), each with
// its own result, the ids those of the transactions, and they commit.
TEST_F(NodeApiTest, ABatchSubmitsItsItemsInOrderEachWithItsOwnResult) {
  auto worker = crypto::SigningKey::Generate();
  SubjectId subject = *DeriveSubjectId(Bytes(32, 0x46), "123456789018");
  const Tx enroll = Enroll(subject, worker.public_key());
  const Tx hire = Hire(subject, worker.public_key(), EmployerA(), EmployerKey(EmployerA()));
  const json items = json::array({TxToJson(enroll), json{{"encoded", ToHex(EncodeTx(hire))}}, TxToJson(hire),
                                  json{{"encoded", "zz"}}});
  auto r = node_->Post("/v1/txs/batch", json{{"txs", items}}.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  const json out = Body(r);
  ASSERT_EQ(out["results"].size(), 4u) << out.dump();
  EXPECT_EQ(out["results"][0], (json{{"id", ToHex(TxId(node_->genesis().chain_id, enroll))}, {"status", "pending"}}));
  EXPECT_EQ(out["results"][1], (json{{"id", ToHex(TxId(node_->genesis().chain_id, hire))}, {"status", "pending"}}));
  EXPECT_EQ(out["results"][2]["error"]["code"], "mempool.duplicate");
  EXPECT_EQ(out["results"][2]["http_status"], 409);
  EXPECT_EQ(out["results"][3]["http_status"], 400);
  EXPECT_EQ(out["accepted"], 2);
  EXPECT_EQ(out["rejected"], 2);
  EXPECT_EQ(WaitCommitted(out["results"][1]["id"].get<std::string>())["status"], "committed");
  EXPECT_EQ(WaitCommitted(out["results"][0]["id"].get<std::string>())["status"], "committed");
}

TEST_F(NodeApiTest, ABatchOutsideItsLimitsIsRefusedWhole) {
  auto post = [](const std::string& body) { return node_->Post("/v1/txs/batch", body); };
  EXPECT_EQ(Body(post(R"({"txs": []})"))["code"], "api.batch_empty");
  EXPECT_EQ(Body(post(json{{"txs", std::vector<json>(257, json::object())}}.dump()))["code"], "api.batch_too_large");
  EXPECT_EQ(Body(post(R"({"tx": [{}]})"))["code"], "api.bad_body");
  auto not_json = post("{not json");
  EXPECT_EQ(not_json.status, 400);
  EXPECT_EQ(Body(not_json)["code"], "json.malformed");
  auto text = testing::Request("127.0.0.1", node_->port(), "POST", "/v1/txs/batch", R"({"txs": [{}]})",
                               {{"Content-Type", "text/plain"}});
  EXPECT_EQ(text.status, 415);

  // Over the server's 1 MiB, the batch route still reads the body (padding
  // here); POST /v1/txs refuses the same body.
  SubjectId subject = *DeriveSubjectId(Bytes(32, 0x47), "123456789018");
  const std::string padded = R"({"txs": [)" + TxToJson(Enroll(subject, crypto::SigningKey::Generate().public_key())).dump() +
                             std::string(2 * 1024 * 1024, ' ') + "]}";
  auto big = post(padded);
  ASSERT_EQ(big.status, 200) << big.body;
  EXPECT_EQ(Body(big)["accepted"], 1);
  EXPECT_EQ(node_->Post("/v1/txs", std::string(2 * 1024 * 1024, ' ')).status, 413);

  // Over the batch's own limit: refused from Content-Length, before any body is sent.
  testing::HttpConnection connection("127.0.0.1", node_->port(), std::chrono::seconds(5));
  ASSERT_TRUE(connection.Send("POST /v1/txs/batch HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
                              "Content-Length: " + std::to_string(node::kMaxSubmitBatchBodyBytes + 1) + "\r\n\r\n",
                              std::chrono::seconds(5)));
  auto refused = connection.ReadResponse(std::chrono::seconds(5));
  ASSERT_TRUE(refused.ok) << refused.error;
  EXPECT_EQ(refused.status, 413);
  EXPECT_EQ(Body(refused)["code"], "http.body_too_large");
  EXPECT_EQ(node_->Get("/v1/status").status, 200);
}

TEST_F(NodeApiTest, MetricsInPrometheusFormat) {
  ASSERT_EQ(node_->Get("/v1/status").status, 200);  // so that a request is counted
  auto r = node_->Get("/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.Header("Content-Type").value_or("").find("text/plain"), std::string::npos);
  EXPECT_NE(r.body.find("jobcard_height "), std::string::npos);
  EXPECT_NE(r.body.find("jobcard_mempool_txs "), std::string::npos);
  EXPECT_NE(r.body.find("jobcard_http_requests_total{route=\"/v1/status\""), std::string::npos) << r.body;
}

TEST_F(NodeApiTest, ConsistencyBetweenLogSizes) {
  auto worker = crypto::SigningKey::Generate();
  SubjectId first = *DeriveSubjectId(Bytes(32, 0x44), "123456789018");
  SubjectId second = *DeriveSubjectId(Bytes(32, 0x45), "123456789018");
  ASSERT_EQ(WaitCommitted(Submit(Enroll(first, worker.public_key())))["status"], "committed");
  const std::uint64_t old_size = Body(node_->Get("/v1/status"))["tip"]["log_size"];
  ASSERT_GT(old_size, 0u);
  // Each subject has its own key (rule G15).
  ASSERT_EQ(WaitCommitted(Submit(Enroll(second, crypto::SigningKey::Generate().public_key())))["status"], "committed");
  json c = Body(node_->Get("/v1/proofs/consistency?from=" + std::to_string(old_size)));
  std::vector<Hash32> path;
  for (const auto& h : c["proof"]) path.push_back(*FixedFromHex<32>(h.get<std::string>()));
  EXPECT_TRUE(VerifyConsistency(c["from"], c["to"], *FixedFromHex<32>(c["from_root"].get<std::string>()),
                                *FixedFromHex<32>(c["to_root"].get<std::string>()), path)
                  .ok());
  EXPECT_EQ(node_->Get("/v1/proofs/consistency?from=abc").status, 400);
}

}  // namespace
}  // namespace jobcard

namespace jobcard {
namespace {

// Every path documented in spec/api.yaml is served by the node: none of them
// answers the router's own "no such route" (http.not_found).
TEST_F(NodeApiTest, EveryDocumentedRouteExists) {
  std::ifstream in(std::string(JOBCARD_SOURCE_DIR) + "/spec/api.yaml");
  ASSERT_TRUE(in.good());
  std::string line;
  bool in_paths = false;
  int checked = 0;
  while (std::getline(in, line)) {
    if (line == "paths:") {
      in_paths = true;
      continue;
    }
    if (!in_paths || line.size() < 4 || line.rfind("  /", 0) != 0 || line.back() != ':') continue;
    std::string path = line.substr(2, line.size() - 3);
    // Fill path parameters with well-formed values.
    for (auto [name, value] : {std::pair<std::string, std::string>{"{id}", std::string(64, 'a')},
                               {"{height}", "1"}, {"{bundle_hash}", std::string(64, 'b')}}) {
      if (auto at = path.find(name); at != std::string::npos) path.replace(at, name.size(), value);
    }
    if (path.find("/employers/") != std::string::npos) {
      path.replace(path.find(std::string(64, 'a')), 64, node_->genesis().employers[0].id.str());
    }
    const bool post =
        path == "/v1/txs" || path == "/v1/txs/batch" || path == "/v1/bundles/verify" || path == "/v1/receipts";
    auto r = post ? node_->Post(path, "{}") : node_->Get(path);
    ASSERT_TRUE(r.ok) << path;
    auto code = r.body.find("\"http.not_found\"");
    EXPECT_EQ(code, std::string::npos) << path << " is documented but not routed: " << r.body;
    EXPECT_NE(r.status, 405) << path;
    ++checked;
  }
  EXPECT_GE(checked, 15);
}

}  // namespace
}  // namespace jobcard
