// Where a worker's subject id is kept: in a small file next to their key
// file, FILE.key.subject, holding the 64-hex id and a newline. `registrar
// enroll --subject-key FILE.key` writes it; `history` and `dispute` read it
// when --subject is not given. The id is a pseudonym, not a secret, but it
// links every entry about the person, so the file is written mode 0600.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "crypto/result.h"
#include "ledger/identifiers.h"

namespace jobcard::cli {

std::filesystem::path SubjectFileFor(const std::filesystem::path& key_file);

Status WriteSubjectFile(const std::filesystem::path& key_file, const ledger::SubjectId& subject);

// Errors: subject_file.not_found (with a hint to pass --subject) and the
// other subject_file.* codes of crypto/private_file.h, subject_file.malformed.
Result<ledger::SubjectId> ReadSubjectFile(const std::filesystem::path& key_file);

// The subject id a worker's command is about: --subject HEX when given
// (`subject_option`), else the one stored next to the key file.
Result<ledger::SubjectId> ResolveSubject(const std::optional<std::string>& subject_option,
                                         const std::filesystem::path& key_file);

}  // namespace jobcard::cli
