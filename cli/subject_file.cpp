#include "cli/subject_file.h"

#include "crypto/private_file.h"

namespace jobcard::cli {

namespace {
constexpr std::size_t kMaxSubjectFileBytes = 256;
}  // namespace

std::filesystem::path SubjectFileFor(const std::filesystem::path& key_file) {
  return std::filesystem::path(key_file.string() + ".subject");
}

Status WriteSubjectFile(const std::filesystem::path& key_file, const ledger::SubjectId& subject) {
  return crypto::WritePrivateFileAtomically(SubjectFileFor(key_file), ToHex(subject) + "\n", /*replace=*/true,
                                            "subject_file");
}

Result<ledger::SubjectId> ReadSubjectFile(const std::filesystem::path& key_file) {
  const std::filesystem::path path = SubjectFileFor(key_file);
  auto text = crypto::ReadPrivateFile(path, kMaxSubjectFileBytes, /*require_owner_only=*/false, "subject_file");
  if (!text.ok()) {
    if (text.error().code == "subject_file.not_found") {
      return MakeError("subject_file.not_found", "no subject id is stored next to the key (" + path.string() +
                                                     "); pass --subject HEX (the id `jobcard registrar enroll` printed)");
    }
    return text.error();
  }
  std::string hex = *text;
  while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r' || hex.back() == ' ')) hex.pop_back();
  auto id = FixedFromHex<32>(hex);
  if (!id.ok()) return MakeError("subject_file.malformed", path.string() + " does not hold a 64-hex subject id");
  return *id;
}

Result<ledger::SubjectId> ResolveSubject(const std::optional<std::string>& subject_option,
                                         const std::filesystem::path& key_file) {
  if (!subject_option) return ReadSubjectFile(key_file);
  auto id = FixedFromHex<32>(*subject_option);
  if (!id.ok()) return MakeError("cli.bad_id", "--subject must be 64 hex digits (" + id.error().message + ")");
  return *id;
}

}  // namespace jobcard::cli
