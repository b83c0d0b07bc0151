#include "node/evidence_file.h"

#include "crypto/private_file.h"
#include "ledger/encoding.h"
#include "node/log.h"

namespace jobcard::node {

namespace {

constexpr std::string_view kDomain = "evidence";
constexpr std::uint8_t kVersion = 1;
constexpr std::size_t kMaxVoteBytes = 256;  // a vote encodes in under 150 bytes
constexpr std::size_t kMaxFileBytes = 3 + kMaxStoredEvidence * 2 * (4 + kMaxVoteBytes);

bool IsPair(const consensus::DuplicateVoteEvidence& e) {
  return e.first.validator == e.second.validator && e.first.height == e.second.height &&
         e.first.round == e.second.round && e.first.type == e.second.type && !(e.first == e.second);
}

}  // namespace

Bytes EncodeEvidenceList(const std::vector<consensus::DuplicateVoteEvidence>& list) {
  ledger::Writer w;
  w.U8(kVersion).Count(list.size());
  for (const auto& e : list) w.VarBytes(consensus::EncodeVote(e.first)).VarBytes(consensus::EncodeVote(e.second));
  return std::move(w).take();
}

Result<std::vector<consensus::DuplicateVoteEvidence>> DecodeEvidenceList(ByteView bytes) {
  ledger::Reader r(bytes);
  std::uint8_t version = 0;
  std::size_t count = 0;
  if (r.U8(version) && version != kVersion) r.Fail("evidence.version", "unknown evidence file version");
  r.Count(count, kMaxStoredEvidence, "evidence");
  std::vector<consensus::DuplicateVoteEvidence> list;
  for (std::size_t i = 0; i < count && r.ok(); ++i) {
    Bytes first, second;
    if (!r.VarBytes(first, kMaxVoteBytes, "evidence.first") || !r.VarBytes(second, kMaxVoteBytes, "evidence.second")) break;
    auto a = consensus::DecodeVote(first);
    auto b = consensus::DecodeVote(second);
    if (!a.ok()) return a.error();
    if (!b.ok()) return b.error();
    consensus::DuplicateVoteEvidence e{*a, *b};
    if (!IsPair(e)) return MakeError("evidence.not_a_pair", "an evidence entry is not two conflicting votes of one slot");
    list.push_back(std::move(e));
  }
  Status finished = r.Finish();
  if (!finished.ok()) return finished.error();
  return list;
}

Result<std::vector<consensus::DuplicateVoteEvidence>> LoadEvidence(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec) && !ec) return std::vector<consensus::DuplicateVoteEvidence>{};
  auto text = crypto::ReadPrivateFile(path, kMaxFileBytes, /*require_owner_only=*/false, kDomain);
  Result<std::vector<consensus::DuplicateVoteEvidence>> list =
      text.ok() ? DecodeEvidenceList(AsBytes(*text)) : Result<std::vector<consensus::DuplicateVoteEvidence>>(text.error());
  if (list.ok() || list.error().code == "evidence.io" || list.error().code == "evidence.not_a_file") return list;
  // Damaged or oversized: keep the bytes for a person, start empty.
  std::filesystem::path aside = path;
  aside += ".damaged";
  std::filesystem::rename(path, aside, ec);
  if (ec) return MakeError("evidence.io", "cannot move the damaged evidence file aside: " + ec.message());
  LogWarn("evidence file damaged; moved aside, starting with no evidence",
          {{"path", aside.string()}, {"code", list.error().code}, {"message", list.error().message}});
  return std::vector<consensus::DuplicateVoteEvidence>{};
}

Status SaveEvidence(const std::filesystem::path& path, const std::vector<consensus::DuplicateVoteEvidence>& list) {
  const Bytes bytes = EncodeEvidenceList(list);
  return crypto::WritePrivateFileAtomically(
      path, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), /*replace=*/true, kDomain);
}

}  // namespace jobcard::node
