// Subject pseudonyms: the registrar's enrolment step turns a My Number into a
// SubjectId with a keyed hash whose key never leaves the registrar, so nobody
// else can test a guessed My Number against the ledger. The My Number is
// validated (form and check digit) and then dropped; it is never stored.
#pragma once

#include <string_view>

#include "crypto/bytes.h"
#include "ledger/identifiers.h"

namespace jobcard::ledger {

inline constexpr std::string_view kPseudonymTag = "jobcard.v1.subject_pseudonym";
inline constexpr std::size_t kPseudonymKeySize = 32;

Result<SubjectId> DeriveSubjectId(ByteView registrar_pseudonym_key, std::string_view my_number);

}  // namespace jobcard::ledger
