#include "ledger/payload.h"

#include <gtest/gtest.h>

#include "ledger/encoding.h"

namespace jobcard::ledger {
namespace {

Payload Sample() {
  Payload p;
  p.salt.fill(7);
  p.fields = {{PayloadFieldId::kPosition, "課長"}, {PayloadFieldId::kDepartment, "営業部"},
              {PayloadFieldId::kSalaryBand, "600-700万円"}};
  return p;
}

TEST(Payload, RoundTrips) {
  Payload p = Sample();
  auto back = DecodePayload(EncodePayload(p));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, p);
}

TEST(Payload, RejectsUnorderedDuplicateAndUnknownFields) {
  Payload p = Sample();
  std::swap(p.fields[0], p.fields[1]);
  EXPECT_EQ(DecodePayload(EncodePayload(p)).error().code, "payload.field_order");
  p = Sample();
  p.fields[1].id = p.fields[0].id;
  EXPECT_EQ(DecodePayload(EncodePayload(p)).error().code, "payload.field_order");
  Writer w;
  w.Fixed(Hash32{}).Count(1).U8(99).Text("x");
  EXPECT_EQ(DecodePayload(w.bytes()).error().code, "payload.unknown_field");
}

TEST(Payload, RejectsOversizeField) {
  Payload p = Sample();
  p.fields[0].value = std::string(kMaxPayloadFieldBytes + 1, 'a');
  EXPECT_FALSE(DecodePayload(EncodePayload(p)).ok());
  EXPECT_FALSE(ValidatePayload(p).ok());
}

TEST(Payload, CommitmentBindsEveryFieldAndTheSalt) {
  Payload p = Sample();
  Hash32 c = PayloadCommitment(p);
  Payload q = p;
  q.fields[2].value = "700-800万円";
  EXPECT_NE(PayloadCommitment(q), c);
  q = p;
  q.salt[0] ^= 1;
  EXPECT_NE(PayloadCommitment(q), c);
  q = p;
  q.fields.pop_back();
  EXPECT_NE(PayloadCommitment(q), c);
}

TEST(Payload, SelectiveDisclosureRecomputesCommitment) {
  // A verifier shown field 2 and 4 with their field salts, and only the leaf
  // of the salary band, recomputes the same commitment.
  Payload p = Sample();
  std::vector<Hash32> leaves;
  for (const auto& f : p.fields) {
    Hash32 salt = FieldSalt(p.salt, f.id);
    leaves.push_back(FieldLeaf(salt, f.id, f.value));
  }
  EXPECT_EQ(CommitmentFromLeaves(leaves), PayloadCommitment(p));
  // The field salt of one field does not reveal another's.
  EXPECT_NE(FieldSalt(p.salt, PayloadFieldId::kPosition), FieldSalt(p.salt, PayloadFieldId::kSalaryBand));
}

TEST(Payload, FieldNames) {
  EXPECT_EQ(PayloadFieldName(PayloadFieldId::kDuties), "duties");
  EXPECT_EQ(PayloadFieldFromName("salary_band"), PayloadFieldId::kSalaryBand);
  EXPECT_FALSE(PayloadFieldFromName("name").has_value()) << "there is no name field, by design";
  EXPECT_TRUE(IsSensitiveField(PayloadFieldId::kSeparationReason));
  EXPECT_FALSE(IsSensitiveField(PayloadFieldId::kPosition));
}

}  // namespace
}  // namespace jobcard::ledger
