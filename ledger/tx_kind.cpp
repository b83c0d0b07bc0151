#include <array>

#include "ledger/tx.h"

namespace jobcard::ledger {

namespace {
struct KindInfo {
  TxKind kind;
  std::string_view name;
};
constexpr std::array<KindInfo, 23> kKinds = {{
    {TxKind::kHire, "hire"},
    {TxKind::kPositionChange, "position_change"},
    {TxKind::kRoleChange, "role_change"},
    {TxKind::kSecondmentStart, "secondment_start"},
    {TxKind::kSecondmentEnd, "secondment_end"},
    {TxKind::kSideJobStart, "side_job_start"},
    {TxKind::kSideJobEnd, "side_job_end"},
    {TxKind::kSeparation, "separation"},
    {TxKind::kCorrection, "correction"},
    {TxKind::kDispute, "dispute"},
    {TxKind::kHeadcount, "headcount"},
    {TxKind::kRegisterEmployer, "register_employer"},
    {TxKind::kSetEmployerStatus, "set_employer_status"},
    {TxKind::kAddEmployerKey, "add_employer_key"},
    {TxKind::kRotateEmployerKey, "rotate_employer_key"},
    {TxKind::kRevokeEmployerKey, "revoke_employer_key"},
    {TxKind::kAddValidator, "add_validator"},
    {TxKind::kRemoveValidator, "remove_validator"},
    {TxKind::kEnrollSubject, "enroll_subject"},
    {TxKind::kRecoverSubjectKey, "recover_subject_key"},
    {TxKind::kRegisterMatcher, "register_matcher"},
    {TxKind::kSuccession, "succession"},
    // Kept last and unreachable from bytes: a guard for the array size.
    {TxKind::kHire, ""},
}};
}  // namespace

std::string_view TxKindName(TxKind kind) {
  for (const auto& k : kKinds) {
    if (k.kind == kind && !k.name.empty()) return k.name;
  }
  return "unknown";
}

std::optional<TxKind> TxKindFromName(std::string_view name) {
  if (name.empty()) return std::nullopt;
  for (const auto& k : kKinds) {
    if (k.name == name) return k.kind;
  }
  return std::nullopt;
}

std::optional<TxKind> TxKindFromByte(std::uint8_t byte) {
  for (const auto& k : kKinds) {
    if (static_cast<std::uint8_t>(k.kind) == byte && !k.name.empty()) return k.kind;
  }
  return std::nullopt;
}

bool IsCareerEntry(TxKind kind) {
  auto b = static_cast<std::uint8_t>(kind);
  return (b >= 1 && b <= 9) || kind == TxKind::kDispute;
}

bool IsGovernance(TxKind kind) { return static_cast<std::uint8_t>(kind) >= 32; }

std::string KindTag(TxKind kind) { return "jobcard.v1." + std::string(TxKindName(kind)); }

}  // namespace jobcard::ledger
