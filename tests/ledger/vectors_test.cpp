// Checks the code against the normative test vectors in spec/vectors/.
//
// The vectors are generated once by this file (JOBCARD_WRITE_VECTORS=1) and
// then frozen: the checks below recompute every encoding, id and signature
// from the JSON view and the seeds, so a change to the format fails here
// until the spec and its vectors change with it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "crypto/hash.h"
#include "ledger/entry_builder.h"
#include "ledger/json_fields.h"
#include "ledger/pseudonym.h"
#include "ledger/tx_json.h"
#include "tests/support/fixtures.h"

namespace jobcard::ledger {
namespace {

using nlohmann::json;

constexpr const char* kVectorChainId = "jobcard-vectors-v1";
const std::string kTxVectorsPath = std::string(JOBCARD_SOURCE_DIR) + "/spec/vectors/transactions.json";
const std::string kPrimitiveVectorsPath = std::string(JOBCARD_SOURCE_DIR) + "/spec/vectors/primitives.json";

crypto::SigningKey SeedKey(std::uint8_t b) { return testing::KeyFromByte(b); }
std::string SeedHex(std::uint8_t b) { return ToHex(Bytes(32, b)); }

// Actors of the vectors: fixed seeds.
constexpr std::uint8_t kRegistrar1 = 0x01, kRegistrar2 = 0x02, kEmployerA = 0x10, kEmployerB = 0x11, kSubject = 0x20,
                       kValidator = 0x30, kMatcher = 0x40, kNewKey = 0x12;

json EntryVector(const std::string& name, EntryDraft draft, std::vector<std::uint8_t> signers,
                 std::uint8_t reader) {
  Tx tx = std::move(BuildEntry(draft)).value();
  for (auto s : signers) SignTx(tx, kVectorChainId, SeedKey(s));
  json payload_fields = json::object();
  for (const auto& f : draft.payload.fields) payload_fields[std::string(PayloadFieldName(f.id))] = f.value;
  json seeds = json::array();
  for (auto s : signers) seeds.push_back(SeedHex(s));
  return {{"name", name},
          {"chain_id", kVectorChainId},
          {"kind", std::string(TxKindName(tx.kind))},
          {"signer_seeds", seeds},
          {"json", TxToJson(tx)},
          {"encoding", ToHex(EncodeTx(tx))},
          {"signing_message", ToHex(SigningMessage(kVectorChainId, tx))},
          {"tag", KindTag(tx.kind)},
          {"id", ToHex(TxId(kVectorChainId, tx))},
          {"payload", ToHex(EncodePayload(draft.payload))},
          {"payload_json", payload_fields},
          {"payload_salt", ToHex(draft.payload.salt)},
          {"reader_seed", SeedHex(reader)},
          {"commitment", ToHex(PayloadCommitment(draft.payload))}};
}

json PlainVector(const std::string& name, TxKind kind, TxBody body, std::vector<std::uint8_t> signers) {
  Tx tx{kind, 0x0102030405060708ULL + static_cast<std::uint8_t>(kind), std::move(body), {}};
  for (auto s : signers) SignTx(tx, kVectorChainId, SeedKey(s));
  json seeds = json::array();
  for (auto s : signers) seeds.push_back(SeedHex(s));
  return {{"name", name},
          {"chain_id", kVectorChainId},
          {"kind", std::string(TxKindName(tx.kind))},
          {"signer_seeds", seeds},
          {"json", TxToJson(tx)},
          {"encoding", ToHex(EncodeTx(tx))},
          {"signing_message", ToHex(SigningMessage(kVectorChainId, tx))},
          {"tag", KindTag(tx.kind)},
          {"id", ToHex(TxId(kVectorChainId, tx))}};
}

json BuildTransactionVectors() {
  const CorporateNumber a = testing::Corp(301018771), b = testing::Corp(401067252);
  const SubjectId subject = std::move(DeriveSubjectId(Bytes(32, 0x55), "123456789018")).value();
  const Date april = *Date::Parse("2026-04-01");
  const std::uint64_t recorded = 1775030400;  // 2026-04-01T08:00:00Z

  auto draft = [&](TxKind kind, std::vector<PayloadField> fields, std::uint8_t salt_byte) {
    EntryDraft d;
    d.kind = kind;
    d.employer = a;
    d.subject = subject;
    d.effective_date = april;
    d.recorded_at = recorded;
    d.nonce = 1000 + static_cast<std::uint8_t>(kind);
    d.payload.salt.fill(salt_byte);
    d.payload.fields = std::move(fields);
    d.subject_key = SeedKey(kSubject).public_key();
    d.employer_key = SeedKey(kEmployerA).public_key();
    d.host_key = SeedKey(kEmployerB).public_key();
    return d;
  };
  using F = PayloadFieldId;
  const EntryId earlier = crypto::Sha256(AsBytes("an earlier entry"));

  json out = json::array();
  out.push_back(EntryVector("hire of a regular employee",
                            draft(TxKind::kHire,
                                  {{F::kEmploymentType, "regular"}, {F::kPosition, "一般"}, {F::kDepartment, "営業部"},
                                   {F::kWorkLocation, "札幌"}, {F::kSalaryBand, "400-500万円"}},
                                  0xa1),
                            {kEmployerA}, kSubject));
  out.push_back(EntryVector("promotion to section head",
                            draft(TxKind::kPositionChange, {{F::kPosition, "課長"}, {F::kGrade, "M1"}}, 0xa2),
                            {kEmployerA}, kSubject));
  out.push_back(EntryVector("new duties", draft(TxKind::kRoleChange, {{F::kDuties, "法人営業の統括"}}, 0xa3),
                            {kEmployerA}, kEmployerA));
  {
    EntryDraft d = draft(TxKind::kSecondmentStart, {{F::kPosition, "取締役"}, {F::kDuties, "経営企画"}}, 0xa4);
    d.host_employer = b;
    d.expected_end = *Date::Parse("2028-03-31");
    out.push_back(EntryVector("secondment to a regional firm (在籍出向)", d, {kEmployerA, kEmployerB}, kEmployerB));
    EntryDraft e = draft(TxKind::kSecondmentEnd, {}, 0xa5);
    e.host_employer = b;
    e.references = {earlier};
    e.effective_date = *Date::Parse("2028-03-31");
    out.push_back(EntryVector("end of secondment", e, {kEmployerA, kEmployerB}, kSubject));
  }
  out.push_back(EntryVector("side job as advisor (兼業・副業)",
                            draft(TxKind::kSideJobStart, {{F::kDuties, "顧問"}, {F::kWorkPattern, "週2日"}}, 0xa6),
                            {kEmployerA}, kSubject));
  {
    EntryDraft d = draft(TxKind::kSideJobEnd, {}, 0xa7);
    d.references = {earlier};
    out.push_back(EntryVector("end of side job", d, {kEmployerA}, kSubject));
  }
  out.push_back(EntryVector("separation at retirement age",
                            draft(TxKind::kSeparation, {{F::kSeparationReason, "retirement_age"}}, 0xa8), {kEmployerA},
                            kSubject));
  {
    EntryDraft d = draft(TxKind::kCorrection, {{F::kPosition, "課長代理"}, {F::kNote, "役職名の記載誤り"}}, 0xa9);
    d.references = {earlier};
    d.reason = static_cast<std::uint8_t>(CorrectionReason::kClerical);
    out.push_back(EntryVector("correction of a title", d, {kEmployerA}, kSubject));
  }
  {
    EntryDraft d = draft(TxKind::kDispute, {{F::kNote, "the promotion date was 2026-03-01"}}, 0xaa);
    d.references = {earlier};
    d.reason = static_cast<std::uint8_t>(DisputeReason::kWrongDates);
    out.push_back(EntryVector("dispute by the subject", d, {kSubject}, kEmployerA));
  }
  out.push_back(PlainVector("headcount declaration", TxKind::kHeadcount, Headcount{a, april, 128, recorded}, {kEmployerA}));
  out.push_back(PlainVector("register an employer", TxKind::kRegisterEmployer,
                            RegisterEmployer{b, "北海道精密工業株式会社", SeedKey(kEmployerB).public_key()},
                            {kRegistrar1, kRegistrar2}));
  out.push_back(PlainVector("suspend an employer", TxKind::kSetEmployerStatus,
                            SetEmployerStatus{b, EmployerStatus::kSuspended}, {kRegistrar1, kRegistrar2}));
  out.push_back(PlainVector("add an employer key", TxKind::kAddEmployerKey,
                            AddEmployerKey{a, SeedKey(kNewKey).public_key()}, {kRegistrar1, kRegistrar2}));
  out.push_back(PlainVector("rotate an employer key", TxKind::kRotateEmployerKey,
                            RotateEmployerKey{a, SeedKey(kEmployerA).public_key(), SeedKey(kNewKey).public_key()},
                            {kRegistrar1, kRegistrar2}));
  out.push_back(PlainVector("revoke a stolen employer key", TxKind::kRevokeEmployerKey,
                            RevokeEmployerKey{a, SeedKey(kEmployerA).public_key(), 42}, {kRegistrar1, kRegistrar2}));
  out.push_back(PlainVector("add a validator", TxKind::kAddValidator,
                            AddValidator{SeedKey(kValidator).public_key(), 10, "北海道地方銀行"},
                            {kRegistrar1, kRegistrar2}));
  out.push_back(PlainVector("remove a validator", TxKind::kRemoveValidator,
                            RemoveValidator{SeedKey(kValidator).public_key()}, {kRegistrar1, kRegistrar2}));
  out.push_back(PlainVector("enroll a subject", TxKind::kEnrollSubject,
                            EnrollSubject{subject, SeedKey(kSubject).public_key()}, {kRegistrar1, kRegistrar2}));
  out.push_back(PlainVector("recover a subject key", TxKind::kRecoverSubjectKey,
                            RecoverSubjectKey{subject, SeedKey(kNewKey).public_key()}, {kRegistrar1, kRegistrar2}));
  out.push_back(PlainVector("register a matcher", TxKind::kRegisterMatcher,
                            RegisterMatcher{SeedKey(kMatcher).public_key(), "プロフェッショナル人材戦略拠点 北海道"},
                            {kRegistrar1, kRegistrar2}));
  out.push_back(PlainVector("succession after a merger (事業承継)", TxKind::kSuccession,
                            Succession{b, a, *Date::Parse("2027-10-01")}, {kRegistrar1, kRegistrar2}));
  return out;
}

json BuildPrimitiveVectors() {
  Bytes registrar_key(32, 0x55);
  Payload p;
  p.salt.fill(0xa1);
  p.fields = {{PayloadFieldId::kPosition, "課長"}, {PayloadFieldId::kSalaryBand, "600-700万円"}};
  json fields = json::array();
  for (const auto& f : p.fields) {
    Hash32 salt = FieldSalt(p.salt, f.id);
    fields.push_back({{"id", static_cast<int>(f.id)},
                      {"name", std::string(PayloadFieldName(f.id))},
                      {"value", f.value},
                      {"field_salt", ToHex(salt)},
                      {"leaf", ToHex(FieldLeaf(salt, f.id, f.value))}});
  }
  auto signer = SeedKey(0x01);
  Bytes message = {0xde, 0xad, 0xbe, 0xef};
  return {
      {"pseudonym",
       {{"registrar_key", ToHex(registrar_key)},
        {"my_number", "123456789018"},
        {"tag", std::string(kPseudonymTag)},
        {"subject_id", ToHex(*DeriveSubjectId(registrar_key, "123456789018"))}}},
      {"payload_commitment",
       {{"salt", ToHex(p.salt)},
        {"encoded", ToHex(EncodePayload(p))},
        {"fields", fields},
        {"commitment", ToHex(PayloadCommitment(p))}}},
      {"tagged_hash",
       {{"tag", "jobcard.v1.example"}, {"data", "deadbeef"}, {"hash", ToHex(crypto::TaggedHash("jobcard.v1.example", message))}}},
      {"signature",
       {{"seed", SeedHex(0x01)},
        {"public_key", ToHex(signer.public_key())},
        {"tag", "jobcard.v1.example"},
        {"message", "deadbeef"},
        {"signature", ToHex(signer.Sign("jobcard.v1.example", message))}}},
  };
}

json LoadJson(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  auto parsed = ParseJson(ss.str(), 4 * 1024 * 1024);
  EXPECT_TRUE(parsed.ok()) << path;
  return parsed.ok() ? *parsed : json();
}

TEST(Vectors, WriteWhenAsked) {
  if (std::getenv("JOBCARD_WRITE_VECTORS") == nullptr) GTEST_SKIP() << "set JOBCARD_WRITE_VECTORS=1 to regenerate";
  std::ofstream(kTxVectorsPath) << BuildTransactionVectors().dump(2) << "\n";
  std::ofstream(kPrimitiveVectorsPath) << BuildPrimitiveVectors().dump(2) << "\n";
}

TEST(Vectors, TransactionsMatchTheCode) {
  json vectors = LoadJson(kTxVectorsPath);
  ASSERT_TRUE(vectors.is_array());
  std::set<std::string> kinds_seen;
  for (const json& v : vectors) {
    SCOPED_TRACE(v["name"].get<std::string>());
    std::string chain = v["chain_id"];
    auto from_json = TxFromJson(v["json"]);
    ASSERT_TRUE(from_json.ok()) << from_json.error().message;
    const Tx& tx = *from_json;
    EXPECT_EQ(ToHex(EncodeTx(tx)), v["encoding"]);
    auto from_bytes = DecodeTx(*FromHex(v["encoding"].get<std::string>()));
    ASSERT_TRUE(from_bytes.ok()) << from_bytes.error().message;
    EXPECT_EQ(TxToJson(*from_bytes), v["json"]);
    EXPECT_EQ(std::string(TxKindName(tx.kind)), v["kind"]);
    EXPECT_EQ(KindTag(tx.kind), v["tag"]);
    EXPECT_EQ(ToHex(SigningMessage(chain, tx)), v["signing_message"]);
    EXPECT_EQ(ToHex(TxId(chain, tx)), v["id"]);
    EXPECT_TRUE(VerifyTxSignatures(tx, chain).ok());
    // Ed25519 is deterministic: re-signing with the seeds gives the same bytes.
    Tx resigned = tx;
    resigned.signatures.clear();
    for (const auto& seed : v["signer_seeds"]) {
      SignTx(resigned, chain, std::move(crypto::SigningKey::FromSeed(*FromHex(seed.get<std::string>()))).value());
    }
    EXPECT_EQ(resigned.signatures, tx.signatures);
    if (v.contains("reader_seed")) {
      auto reader = crypto::SigningKey::FromSeed(*FromHex(v["reader_seed"].get<std::string>()));
      auto payload = OpenEntryPayload(tx, *reader);
      ASSERT_TRUE(payload.ok()) << payload.error().message;
      EXPECT_EQ(ToHex(EncodePayload(*payload)), v["payload"]);
      EXPECT_EQ(ToHex(PayloadCommitment(*payload)), v["commitment"]);
      EXPECT_EQ(ToHex(payload->salt), v["payload_salt"]);
      for (const auto& f : payload->fields) EXPECT_EQ(v["payload_json"][std::string(PayloadFieldName(f.id))], f.value);
    }
    kinds_seen.insert(v["kind"].get<std::string>());
  }
  EXPECT_EQ(kinds_seen.size(), testing::AllKinds().size()) << "every kind has a vector";
}

TEST(Vectors, PrimitivesMatchTheCode) {
  json v = LoadJson(kPrimitiveVectorsPath);
  ASSERT_TRUE(v.is_object());
  EXPECT_EQ(BuildPrimitiveVectors(), v) << "primitives are deterministic: regenerate only with a format change";
}

}  // namespace
}  // namespace jobcard::ledger
