// Disclosure bundles on a real store-backed chain: a bundle built from the
// store verifies offline with the genesis alone; each check has a case that
// passes and one that fails; every single field of a real bundle, altered,
// makes verification fail and name the check; and the worker cannot forge
// ledger facts even by re-signing with their own key.
#include <gtest/gtest.h>

#include <functional>

#include "ledger/bundle.h"
#include "ledger/bundle_assemble.h"
#include "ledger/bundle_verify.h"
#include "tests/support/dated_chain.h"
#include "tests/support/fixtures.h"
#include "tests/support/temp_dir.h"

namespace jobcard::ledger {
namespace {

using testing::DatedChain;
using testing::EntrySpec;
using nlohmann::json;
namespace check = bundle_check;

constexpr std::uint64_t kCreatedAt = 1800000000;  // 2027-01-15
const crypto::SigningKey& Matcher() {
  static const crypto::SigningKey key = testing::KeyFromByte(0x50);
  return key;
}

std::vector<PayloadField> HireFields() {
  return {{PayloadFieldId::kEmploymentType, "regular"},
          {PayloadFieldId::kPosition, "staff"},
          {PayloadFieldId::kDepartment, "営業部 札幌支店"},
          {PayloadFieldId::kSalaryBand, "450-550"}};
}

class BundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto& c = chain.chain();
    chain.BeginBlock("2026-04-01");
    chain.Enroll(1);
    chain.Enroll(2);
    chain.Commit();
    chain.BeginBlock("2026-04-02");
    hire = chain.Entry(EntrySpec(TxKind::kHire, c.a, 1, "2019-04-01").Fields(HireFields()));
    other_subject = chain.Entry(EntrySpec(TxKind::kHire, c.b, 2, "2020-04-01"));
    chain.Commit();
    chain.BeginBlock("2026-04-03");
    promotion = chain.Entry(EntrySpec(TxKind::kPositionChange, c.a, 1, "2021-04-01"));
    secondment = chain.Entry(EntrySpec(TxKind::kSecondmentStart, c.a, 1, "2022-10-01").Host(c.b).ExpectedEnd("2023-09-30"));
    chain.Commit();
    chain.BeginBlock("2026-04-04");
    correction = chain.Entry(EntrySpec(TxKind::kCorrection, c.a, 1, "2021-04-01").Ref(promotion).Reason(1));
    role_change = chain.Entry(EntrySpec(TxKind::kRoleChange, c.a, 1, "2022-04-01"));
    chain.Commit();
    chain.BeginBlock("2026-04-05");
    dispute = chain.Dispute(1, role_change, c.a);
    chain.Commit();
  }

  BundleRequest Request(std::optional<BundlePeriod> period = std::nullopt) const {
    return BundleRequest{Matcher().public_key(), kCreatedAt, kCreatedAt + 30 * 86400, period, DefaultDisclosure()};
  }

  Bundle Make(const std::vector<EntryId>& ids, const BundleRequest& request) {
    auto material = MaterialFromStore(chain.store(), testing::SyntheticSubject(1), ids);
    EXPECT_TRUE(material.ok()) << material.error().message;
    auto bundle = AssembleBundle(std::move(*material), request, testing::SubjectSigningKey(testing::SyntheticSubject(1)));
    EXPECT_TRUE(bundle.ok()) << bundle.error().message;
    return std::move(*bundle);
  }
  Bundle Make(const std::vector<EntryId>& ids) { return Make(ids, Request()); }

  BundleVerifyOptions Options() const { return {kCreatedAt + 60, Matcher().public_key(), std::nullopt}; }
  BundleReport Verify(const Bundle& b) const { return VerifyBundle(b, chain.chain().genesis, Options()); }

  // Fails the test unless exactly the named check failed... or at least it did.
  static void ExpectFailed(const BundleReport& r, std::string_view name) {
    const BundleCheck* c = r.Find(name);
    ASSERT_NE(c, nullptr) << name;
    EXPECT_FALSE(c->passed) << name << ": " << c->detail;
    EXPECT_FALSE(r.ok());
  }
  static void ExpectPassed(const BundleReport& r, std::string_view name) {
    const BundleCheck* c = r.Find(name);
    ASSERT_NE(c, nullptr) << name;
    EXPECT_TRUE(c->passed) << name << ": " << c->detail;
  }
  static std::string Failures(const BundleReport& r) {
    std::string out;
    for (const auto& c : r.checks) {
      if (!c.passed) out += c.name + ": " + c.detail + "\n";
    }
    return out;
  }

  testing::TempDir dir;
  DatedChain chain{dir.path().string()};
  EntryId hire{}, other_subject{}, promotion{}, secondment{}, correction{}, role_change{}, dispute{};
};

TEST_F(BundleTest, ABundleFromTheStoreVerifiesWithTheGenesisAlone) {
  const Bundle b = Make({hire, secondment, correction});
  const BundleReport r = Verify(b);
  EXPECT_TRUE(r.ok()) << Failures(r);
  for (std::string_view name : {check::kChain, check::kHeaderChain, check::kSubjectState, check::kEmployerState,
                                check::kInclusion, check::kSubjectEntries, check::kEmployerSignatures, check::kKeyActive,
                                check::kCompleteness, check::kNotSuperseded, check::kNotDisputed, check::kDisclosedFields,
                                check::kAudience, check::kExpiry, check::kSubjectSignature}) {
    ExpectPassed(r, name);
  }
  EXPECT_EQ(r.Find(check::kFreshness), nullptr) << "offline: no freshness check";
  EXPECT_NE(r.Find(check::kCompleteness)->detail.find("not claimed"), std::string::npos);
  ASSERT_EQ(b.employers.size(), 2u) << "the employer and the secondment host";
}

TEST_F(BundleTest, JsonRoundTripsAndWithholdsSensitiveFields) {
  const Bundle b = Make({hire});
  const std::string text = BundleToJson(b).dump();
  auto parsed = ParseBundle(text);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(*parsed, b);
  EXPECT_EQ(BundleHash(*parsed), BundleHash(b));
  EXPECT_NE(text.find("営業部 札幌支店"), std::string::npos) << "opened by default";
  EXPECT_EQ(text.find("450-550"), std::string::npos) << "salary band is sensitive: withheld by default";
  // Opting in opens it, and the commitment still checks.
  BundleRequest request = Request();
  request.disclose.insert(PayloadFieldId::kSalaryBand);
  const Bundle opened = Make({hire}, request);
  EXPECT_NE(BundleToJson(opened).dump().find("450-550"), std::string::npos);
  EXPECT_TRUE(Verify(opened).ok()) << Failures(Verify(opened));
  // Withholding everything still verifies: the matcher sees only leaves.
  request.disclose.clear();
  EXPECT_TRUE(Verify(Make({hire}, request)).ok());
}

TEST_F(BundleTest, StrictParsing) {
  json j = BundleToJson(Make({hire}));
  j["surprise"] = 1;
  EXPECT_FALSE(ParseBundle(j.dump()).ok()) << "unknown keys are refused";
  j.erase("surprise");
  j["format"] = "jobcard.bundle.v2";
  EXPECT_FALSE(ParseBundle(j.dump()).ok());
  EXPECT_EQ(ParseBundle(std::string(kMaxBundleBytes + 1, ' ')).error().code, "json.too_large");
  EXPECT_EQ(ParseBundle("{").error().code, "json.malformed");
  const BundleReport r = VerifyBundleText("[]", chain.chain().genesis, Options());
  ASSERT_EQ(r.checks.size(), 1u);
  ExpectFailed(r, check::kFormat);
}

TEST_F(BundleTest, ChainCheck) {
  Genesis other = chain.chain().genesis;
  other.chain_id = "another-chain";
  ExpectFailed(VerifyBundle(Make({hire}), other, Options()), check::kChain);
  ExpectPassed(Verify(Make({hire})), check::kChain);
}

TEST_F(BundleTest, HeaderChainCheck) {
  Bundle b = Make({hire});
  ExpectPassed(Verify(b), check::kHeaderChain);
  // A header certified by a key that is not the genesis validator.
  Genesis other = chain.chain().genesis;
  other.validators = {{testing::KeyFromByte(0x31).public_key(), 1, "stranger"}};
  ExpectFailed(VerifyBundle(b, other, Options()), check::kHeaderChain);
  b.anchor_certificate.signatures.clear();
  ExpectFailed(Verify(b), check::kHeaderChain);
}

TEST_F(BundleTest, HeaderChainFollowsRecordedValidatorSetChanges) {
  // A synthetic chain: genesis set {v0}; block 5 hands over to {v1}; the
  // anchor (block 9) is certified by v1. The transition makes it valid.
  const auto& v0 = chain.chain().validator;
  const auto v1 = testing::KeyFromByte(0x32);
  Bundle b = Make({hire});
  const std::vector<ValidatorRecord> set0 = {{v0.public_key(), 1, "validator-0"}};
  const std::vector<ValidatorRecord> set1 = {{v1.public_key(), 1, "validator-1"}};
  ValidatorTransition t;
  t.header.height = 5;
  t.header.validator_set_hash = ValidatorSetHash(set0);
  t.header.next_validator_set_hash = ValidatorSetHash(set1);
  t.next_validators = set1;
  t.certificate = {5, 0, BlockHash(t.header), {SignPrecommit(b.chain_id, 5, 0, BlockHash(t.header), v0)}};
  b.anchor.height = 9;
  b.anchor.validator_set_hash = ValidatorSetHash(set1);
  b.anchor_certificate = {9, 0, BlockHash(b.anchor), {SignPrecommit(b.chain_id, 9, 0, BlockHash(b.anchor), v1)}};
  ExpectFailed(Verify(b), check::kHeaderChain);  // v1 is nobody without the transition
  b.transitions = {t};
  ExpectPassed(Verify(b), check::kHeaderChain);
  // A transition certified by a key that is not in the set in force.
  b.transitions[0].certificate.signatures = {SignPrecommit(b.chain_id, 5, 0, BlockHash(t.header), v1)};
  ExpectFailed(Verify(b), check::kHeaderChain);
  // A transition whose listed set is not the one its header names.
  b.transitions = {t};
  b.transitions[0].next_validators[0].power = 2;
  ExpectFailed(Verify(b), check::kHeaderChain);
}

TEST_F(BundleTest, SubjectStateCheck) {
  Bundle b = Make({hire});
  ExpectPassed(Verify(b), check::kSubjectState);
  b.subject_record.entries.pop_back();  // hide the dispute
  ExpectFailed(Verify(b), check::kSubjectState);
}

TEST_F(BundleTest, EmployerStateCheck) {
  Bundle b = Make({hire});
  ExpectPassed(Verify(b), check::kEmployerState);
  b.employers[0].record.keys[0].revoked_from_height = 0;
  b.employers[0].record.name = "偽装株式会社";
  ExpectFailed(Verify(b), check::kEmployerState);
}

TEST_F(BundleTest, InclusionCheck) {
  Bundle b = Make({hire, correction});
  ExpectPassed(Verify(b), check::kInclusion);
  std::swap(b.entries[0].log_index, b.entries[1].log_index);
  ExpectFailed(Verify(b), check::kInclusion);
}

TEST_F(BundleTest, SubjectEntriesCheck) {
  // Another worker's entry, or the subject's own dispute, is not theirs to show.
  auto material = MaterialFromStore(chain.store(), testing::SyntheticSubject(1), {hire, other_subject});
  ASSERT_TRUE(material.ok());
  Bundle b = Make({hire});
  b.entries.push_back(b.entries[0]);
  b.entries[1].tx = material->entries[1].tx;
  SignBundle(b, testing::SubjectSigningKey(testing::SyntheticSubject(1)));
  ExpectFailed(Verify(b), check::kSubjectEntries);
  ExpectFailed(Verify(Make({hire, dispute})), check::kSubjectEntries);
  ExpectPassed(Verify(Make({hire})), check::kSubjectEntries);
}

TEST_F(BundleTest, EmployerSignaturesCheck) {
  Bundle b = Make({secondment});
  ExpectPassed(Verify(b), check::kEmployerSignatures);
  // Without the host's record, the host's co-signature cannot be checked.
  Bundle no_host = b;
  no_host.employers.pop_back();
  ExpectFailed(Verify(no_host), check::kEmployerSignatures);
  // A signature that does not verify.
  b.entries[0].tx.signatures[0].signature[5] ^= 1;
  ExpectFailed(Verify(b), check::kEmployerSignatures);
}

TEST_F(BundleTest, KeyRevokedAfterTheEntryStaysValidAndSaysSo) {
  const auto& c = chain.chain();
  chain.BeginBlock("2026-04-06");  // height 6
  chain.Governance(TxKind::kRevokeEmployerKey, RevokeEmployerKey{c.a, c.employer_a.public_key(), 6});
  chain.Commit();
  const BundleReport r = Verify(Make({hire}));  // hire at height 2
  EXPECT_TRUE(r.ok()) << Failures(r);
  EXPECT_NE(r.Find(check::kKeyActive)->detail.find("stays valid"), std::string::npos) << r.Find(check::kKeyActive)->detail;
}

TEST_F(BundleTest, KeyRevokedBeforeTheEntryMakesItVoid) {
  const auto& c = chain.chain();
  chain.BeginBlock("2026-04-06");
  // A stolen key discovered late: revoked from height 2, where the hire is.
  chain.Governance(TxKind::kRevokeEmployerKey, RevokeEmployerKey{c.a, c.employer_a.public_key(), 2});
  chain.Commit();
  const BundleReport r = Verify(Make({hire}));
  ExpectFailed(r, check::kKeyActive);
  EXPECT_NE(r.Find(check::kKeyActive)->detail.find("void"), std::string::npos);
}

TEST_F(BundleTest, CompletenessOfAPeriod) {
  const BundlePeriod period{testing::D("2019-01-01"), testing::D("2021-12-31")};
  const auto record = chain.store().GetSubject(testing::SyntheticSubject(1));
  ASSERT_TRUE(record);
  const std::vector<EntryId> ids = PeriodEntryIds(*record, period);
  ASSERT_EQ(ids, (std::vector<EntryId>{hire, correction})) << "the superseded promotion is replaced by its correction";
  const BundleReport full = Verify(Make(ids, Request(period)));
  EXPECT_TRUE(full.ok()) << Failures(full);
  EXPECT_NE(full.Find(check::kCompleteness)->detail.find("all 2 current entries"), std::string::npos);
  ExpectFailed(Verify(Make({hire}, Request(period))), check::kCompleteness);
  ExpectFailed(Verify(Make({hire, correction, secondment}, Request(period))), check::kCompleteness);  // one is outside the period
}

TEST_F(BundleTest, NotSupersededCheck) {
  ExpectFailed(Verify(Make({promotion})), check::kNotSuperseded);
  ExpectPassed(Verify(Make({correction})), check::kNotSuperseded);
}

TEST_F(BundleTest, NotDisputedCheck) {
  ExpectFailed(Verify(Make({role_change})), check::kNotDisputed);
  ExpectPassed(Verify(Make({hire})), check::kNotDisputed);
}

TEST_F(BundleTest, DisclosedFieldsCheck) {
  Bundle b = Make({hire});
  ExpectPassed(Verify(b), check::kDisclosedFields);
  for (auto& f : b.entries[0].fields) {
    if (f.disclosed && f.id == PayloadFieldId::kPosition) f.value = "director";
  }
  SignBundle(b, testing::SubjectSigningKey(testing::SyntheticSubject(1)));  // even the subject cannot inflate a title
  const BundleReport r = Verify(b);
  ExpectFailed(r, check::kDisclosedFields);
  ExpectPassed(r, check::kSubjectSignature);
}

TEST_F(BundleTest, AudienceCheck) {
  const Bundle b = Make({hire});
  ExpectPassed(Verify(b), check::kAudience);
  BundleVerifyOptions other = Options();
  other.verifier = testing::KeyFromByte(0x51).public_key();
  ExpectFailed(VerifyBundle(b, chain.chain().genesis, other), check::kAudience);
  other.verifier.reset();
  ExpectFailed(VerifyBundle(b, chain.chain().genesis, other), check::kAudience);
}

TEST_F(BundleTest, ExpiryCheck) {
  const Bundle b = Make({hire});
  BundleVerifyOptions o = Options();
  o.now = b.expires_at - 1;
  ExpectPassed(VerifyBundle(b, chain.chain().genesis, o), check::kExpiry);
  o.now = b.expires_at;
  ExpectFailed(VerifyBundle(b, chain.chain().genesis, o), check::kExpiry);
  o.now = b.created_at - 3600;  // made an hour in the future
  ExpectFailed(VerifyBundle(b, chain.chain().genesis, o), check::kExpiry);
}

TEST_F(BundleTest, SubjectSignatureCheck) {
  Bundle b = Make({hire});
  ExpectPassed(Verify(b), check::kSubjectSignature);
  SignBundle(b, testing::KeyFromByte(0x21));
  ExpectFailed(Verify(b), check::kSubjectSignature);
}

TEST_F(BundleTest, FreshnessAgainstTheSubjectsCurrentRecord) {
  const Bundle b = Make({hire, secondment});
  BundleVerifyOptions o = Options();
  o.freshness = BundleFreshness{BlockHash(b.anchor), b.anchor.height, b.subject_record};
  ExpectPassed(VerifyBundle(b, chain.chain().genesis, o), check::kFreshness);
  // Later, the secondment is corrected: the bundle is stale.
  const auto& c = chain.chain();
  chain.BeginBlock("2026-04-07");
  chain.Entry(EntrySpec(TxKind::kCorrection, c.a, 1, "2022-10-01").Ref(secondment).Reason(2));
  chain.Commit();
  o.freshness->current = *chain.store().GetSubject(testing::SyntheticSubject(1));
  ExpectFailed(VerifyBundle(b, chain.chain().genesis, o), check::kFreshness);
  // A mark the entry already had at the anchor is not news: not_disputed reports it.
  const Bundle already = Make({role_change});
  BundleVerifyOptions same = Options();
  same.freshness = BundleFreshness{BlockHash(already.anchor), already.anchor.height, already.subject_record};
  const BundleReport r = VerifyBundle(already, chain.chain().genesis, same);
  ExpectPassed(r, check::kFreshness);
  ExpectFailed(r, check::kNotDisputed);
  // A node on another chain.
  o.freshness = BundleFreshness{Hash32{}, b.anchor.height, b.subject_record};
  ExpectFailed(VerifyBundle(b, chain.chain().genesis, o), check::kFreshness);
}

TEST_F(BundleTest, FreshnessSeesBackDatedEntriesInAPeriod) {
  const BundlePeriod period{testing::D("2019-01-01"), testing::D("2021-12-31")};
  const Bundle b = Make({hire, correction}, Request(period));
  const auto& c = chain.chain();
  chain.BeginBlock("2026-04-07");
  chain.Entry(EntrySpec(TxKind::kRoleChange, c.a, 1, "2020-10-01"));
  chain.Commit();
  BundleVerifyOptions o = Options();
  o.freshness = BundleFreshness{BlockHash(b.anchor), 7, *chain.store().GetSubject(testing::SyntheticSubject(1))};
  ExpectFailed(VerifyBundle(b, chain.chain().genesis, o), check::kFreshness);
}

// Every leaf of the JSON document, with a path for messages.
void ForEachLeaf(json& j, const std::string& path, const std::function<void(json&, const std::string&)>& visit) {
  if (j.is_object()) {
    for (auto& [key, value] : j.items()) ForEachLeaf(value, path + "." + key, visit);
  } else if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i) ForEachLeaf(j[i], path + "[" + std::to_string(i) + "]", visit);
  } else {
    visit(j, path);
  }
}

char FlipHex(char c) { return c == '0' ? '1' : '0'; }

// Alterations of one leaf: numbers +1, booleans negated, hex strings with a
// digit changed at the start, middle and end, other strings with a letter added.
std::vector<json> Alterations(const json& leaf) {
  if (leaf.is_number_unsigned()) return {leaf.get<std::uint64_t>() + 1};
  if (leaf.is_boolean()) return {!leaf.get<bool>()};
  const std::string s = leaf.get<std::string>();
  if (!s.empty() && s.find_first_not_of("0123456789abcdef") == std::string::npos) {
    std::vector<json> out;
    for (std::size_t at : {std::size_t{0}, s.size() / 2, s.size() - 1}) {
      std::string t = s;
      t[at] = FlipHex(t[at]);
      out.push_back(t);
    }
    return out;
  }
  return {s + "x"};
}

// Fields the subject chooses: re-signing an altered value is the subject's right.
bool SubjectChosen(const std::string& path) {
  for (const char* p : {".created_at", ".expires_at", ".period", ".signature"}) {
    if (path.rfind(p, 0) == 0) return true;
  }
  return false;
}

TEST_F(BundleTest, EveryAlteredFieldFailsAndNamesTheCheck) {
  // Two real bundles that pass every check: chosen entries (with a
  // secondment's two signers), and a whole period.
  const BundlePeriod period{testing::D("2019-01-01"), testing::D("2021-12-31")};
  for (const Bundle& base : {Make({hire, secondment, correction}), Make({hire, correction}, Request(period))}) {
    const std::string text = BundleToJson(base).dump();
    ASSERT_TRUE(VerifyBundleText(text, chain.chain().genesis, Options()).ok());
    json doc = json::parse(text);
    std::size_t cases = 0, forged = 0;
    ForEachLeaf(doc, "", [&](json& leaf, const std::string& path) {
      const json saved = leaf;
      for (const json& altered : Alterations(saved)) {
        leaf = altered;
        const std::string tampered = doc.dump();
        ++cases;
        const BundleReport r = VerifyBundleText(tampered, chain.chain().genesis, Options());
        EXPECT_FALSE(r.ok()) << path << " altered to " << altered.dump() << " still verifies";
        bool named = false;
        for (const auto& c : r.checks) named |= !c.passed && !c.name.empty() && !c.detail.empty();
        EXPECT_TRUE(named) << path << ": no failed check named";
        // The worker re-signs the altered bundle with their own key: a ledger
        // fact (record, proof, entry, opened value) still fails a check of its own.
        auto parsed = ParseBundle(tampered);
        if (parsed.ok() && !SubjectChosen(path)) {
          SignBundle(*parsed, testing::SubjectSigningKey(testing::SyntheticSubject(1)));
          const BundleReport resigned = Verify(*parsed);
          ++forged;
          bool other_failed = false;
          for (const auto& c : resigned.checks) other_failed |= !c.passed && c.name != check::kSubjectSignature;
          EXPECT_TRUE(other_failed) << path << " altered to " << altered.dump() << " and re-signed still verifies";
        }
      }
      leaf = saved;
    });
    EXPECT_GT(cases, 80u);
    EXPECT_GT(forged, 40u);
  }
}

}  // namespace
}  // namespace jobcard::ledger
