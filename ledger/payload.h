// The private part of an entry: its payload fields (title, department,
// duties, salary band...), only ever on the ledger encrypted, and the
// commitment to them, which is in the clear.
//
// The commitment is built field by field so that a candidate can disclose
// some fields to a matcher and withhold others (salary band, separation
// reason) while the matcher can still check what was shown against the
// signed commitment. spec/crypto.md §Payload commitments has the formulas.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/bytes.h"

namespace jobcard::ledger {

// Field ids are part of the format: never renumber. Japanese job-card terms
// in brackets.
enum class PayloadFieldId : std::uint8_t {
  kEmploymentType = 1,    // 雇用形態: regular, fixed_term, part_time, dispatched, reemployed
  kPosition = 2,          // 役職: director, department_head, section_head, ...
  kGrade = 3,             // 等級
  kDepartment = 4,        // 部署
  kDuties = 5,            // 職務内容
  kWorkLocation = 6,      // 勤務地
  kSalaryBand = 7,        // 給与帯 (sensitive)
  kSeparationReason = 8,  // 退職理由 (sensitive): voluntary, employer, retirement_age, contract_end
  kNote = 9,              // 備考: free text (sensitive)
  kWorkPattern = 10,      // 勤務形態: e.g. "2 days/week" for side jobs
};
inline constexpr std::uint8_t kMaxPayloadFieldId = 10;

std::optional<PayloadFieldId> PayloadFieldFromName(std::string_view name);
std::string_view PayloadFieldName(PayloadFieldId id);
// Sensitive fields: a bundle leaves them out unless the candidate opts in.
bool IsSensitiveField(PayloadFieldId id);

inline constexpr std::size_t kMaxPayloadFields = 16;
inline constexpr std::size_t kMaxPayloadFieldBytes = 1024;
inline constexpr std::size_t kMaxPayloadBytes = 8192;  // encoded plaintext

struct PayloadField {
  PayloadFieldId id;
  std::string value;  // UTF-8, no control characters but tab and newline
  bool operator==(const PayloadField&) const = default;
};

// The plaintext that is encrypted: a fresh 32-byte salt and the fields, in
// strictly increasing id order.
struct Payload {
  Hash32 salt{};
  std::vector<PayloadField> fields;
  bool operator==(const Payload&) const = default;

  const std::string* Find(PayloadFieldId id) const;
};

// A fresh salt from the OS randomness source.
Hash32 FreshSalt();

Bytes EncodePayload(const Payload& payload);
Result<Payload> DecodePayload(ByteView bytes);
// Field order, uniqueness and sizes; DecodePayload already enforces these.
Status ValidatePayload(const Payload& payload);

// Per-field salt: only this field's opening reveals it, never the others'.
Hash32 FieldSalt(const Hash32& salt, PayloadFieldId id);
// The leaf that commits to one field.
Hash32 FieldLeaf(const Hash32& field_salt, PayloadFieldId id, std::string_view value);
// The commitment over leaves given in increasing field-id order.
Hash32 CommitmentFromLeaves(const std::vector<Hash32>& leaves);
Hash32 PayloadCommitment(const Payload& payload);

}  // namespace jobcard::ledger
