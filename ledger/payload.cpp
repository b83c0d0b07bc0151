#include "ledger/payload.h"

#include <sodium.h>

#include <array>

#include "crypto/hash.h"
#include "crypto/sodium_init.h"
#include "ledger/encoding.h"

namespace jobcard::ledger {

namespace {
struct FieldInfo {
  PayloadFieldId id;
  std::string_view name;
  bool sensitive;
};
constexpr std::array<FieldInfo, kMaxPayloadFieldId> kFields = {{
    {PayloadFieldId::kEmploymentType, "employment_type", false},
    {PayloadFieldId::kPosition, "position", false},
    {PayloadFieldId::kGrade, "grade", false},
    {PayloadFieldId::kDepartment, "department", false},
    {PayloadFieldId::kDuties, "duties", false},
    {PayloadFieldId::kWorkLocation, "work_location", false},
    {PayloadFieldId::kSalaryBand, "salary_band", true},
    {PayloadFieldId::kSeparationReason, "separation_reason", true},
    {PayloadFieldId::kNote, "note", true},
    {PayloadFieldId::kWorkPattern, "work_pattern", false},
}};

constexpr std::string_view kFieldSaltTag = "jobcard.v1.payload.field_salt";
constexpr std::string_view kFieldLeafTag = "jobcard.v1.payload.field";
constexpr std::string_view kCommitmentTag = "jobcard.v1.payload.commitment";
}  // namespace

std::optional<PayloadFieldId> PayloadFieldFromName(std::string_view name) {
  for (const auto& f : kFields) {
    if (f.name == name) return f.id;
  }
  return std::nullopt;
}

std::string_view PayloadFieldName(PayloadFieldId id) {
  auto i = static_cast<std::size_t>(id);
  return i >= 1 && i <= kFields.size() ? kFields[i - 1].name : "unknown";
}

bool IsSensitiveField(PayloadFieldId id) {
  auto i = static_cast<std::size_t>(id);
  return i >= 1 && i <= kFields.size() && kFields[i - 1].sensitive;
}

const std::string* Payload::Find(PayloadFieldId id) const {
  for (const auto& f : fields) {
    if (f.id == id) return &f.value;
  }
  return nullptr;
}

Hash32 FreshSalt() {
  crypto::EnsureSodium();
  Hash32 salt{};
  randombytes_buf(salt.data(), salt.size());
  return salt;
}

Bytes EncodePayload(const Payload& payload) {
  Writer w;
  w.Fixed(payload.salt).Count(payload.fields.size());
  for (const auto& f : payload.fields) w.U8(static_cast<std::uint8_t>(f.id)).Text(f.value);
  return std::move(w).take();
}

Result<Payload> DecodePayload(ByteView bytes) {
  if (bytes.size() > kMaxPayloadBytes) {
    return MakeError("payload.too_large", "the payload is larger than " + std::to_string(kMaxPayloadBytes) + " bytes");
  }
  Reader r(bytes);
  Payload p;
  std::size_t n = 0;
  r.Fixed(p.salt);
  r.Count(n, kMaxPayloadFields, "payload fields");
  for (std::size_t i = 0; i < n && r.ok(); ++i) {
    std::uint8_t id = 0;
    PayloadField f{};
    if (!r.U8(id)) break;
    if (id < 1 || id > kMaxPayloadFieldId) {
      r.Fail("payload.unknown_field", "unknown payload field id " + std::to_string(id));
      break;
    }
    f.id = static_cast<PayloadFieldId>(id);
    r.Text(f.value, kMaxPayloadFieldBytes, PayloadFieldName(f.id));
    p.fields.push_back(std::move(f));
  }
  Status done = r.Finish();
  if (!done.ok()) return done.error();
  Status valid = ValidatePayload(p);
  if (!valid.ok()) return valid.error();
  return p;
}

Status ValidatePayload(const Payload& payload) {
  if (payload.fields.size() > kMaxPayloadFields) {
    return MakeError("payload.too_many_fields", "a payload has at most " + std::to_string(kMaxPayloadFields) + " fields");
  }
  int previous = 0;
  for (const auto& f : payload.fields) {
    int id = static_cast<int>(f.id);
    if (id < 1 || id > kMaxPayloadFieldId) return MakeError("payload.unknown_field", "unknown payload field id " + std::to_string(id));
    if (id <= previous) {
      return MakeError("payload.field_order", "payload fields must be unique and in increasing id order");
    }
    previous = id;
    if (f.value.size() > kMaxPayloadFieldBytes) {
      return MakeError("payload.field_too_large", std::string(PayloadFieldName(f.id)) + " is longer than " +
                                                      std::to_string(kMaxPayloadFieldBytes) + " bytes");
    }
    JOBCARD_TRY_STATUS(ValidateText(f.value, PayloadFieldName(f.id)));
  }
  if (EncodePayload(payload).size() > kMaxPayloadBytes) {
    return MakeError("payload.too_large", "the payload is larger than " + std::to_string(kMaxPayloadBytes) + " bytes");
  }
  return Status::Ok();
}

Hash32 FieldSalt(const Hash32& salt, PayloadFieldId id) {
  Writer w;
  w.Fixed(salt).U8(static_cast<std::uint8_t>(id));
  return crypto::TaggedHash(kFieldSaltTag, w.bytes());
}

Hash32 FieldLeaf(const Hash32& field_salt, PayloadFieldId id, std::string_view value) {
  Writer w;
  w.Fixed(field_salt).U8(static_cast<std::uint8_t>(id)).Text(value);
  return crypto::TaggedHash(kFieldLeafTag, w.bytes());
}

Hash32 CommitmentFromLeaves(const std::vector<Hash32>& leaves) {
  Writer w;
  w.Count(leaves.size());
  for (const auto& leaf : leaves) w.Fixed(leaf);
  return crypto::TaggedHash(kCommitmentTag, w.bytes());
}

Hash32 PayloadCommitment(const Payload& payload) {
  std::vector<Hash32> leaves;
  leaves.reserve(payload.fields.size());
  for (const auto& f : payload.fields) leaves.push_back(FieldLeaf(FieldSalt(payload.salt, f.id), f.id, f.value));
  return CommitmentFromLeaves(leaves);
}

}  // namespace jobcard::ledger
