#include "ledger/pseudonym.h"

#include "crypto/hash.h"

namespace jobcard::ledger {

Result<SubjectId> DeriveSubjectId(ByteView registrar_pseudonym_key, std::string_view my_number) {
  if (registrar_pseudonym_key.size() != kPseudonymKeySize) {
    return MakeError("pseudonym.key_size", "the registrar's pseudonym key must be 32 bytes");
  }
  Status valid = ValidateMyNumber(my_number);
  if (!valid.ok()) return valid.error();
  return crypto::KeyedHash(registrar_pseudonym_key, kPseudonymTag, AsBytes(my_number));
}

}  // namespace jobcard::ledger
