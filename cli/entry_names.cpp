#include "cli/entry_names.h"

#include <array>

namespace jobcard::cli {

namespace {

using ledger::TxKind;

struct KindLabel {
  TxKind kind;
  std::string_view japanese;
};
constexpr std::array<KindLabel, 10> kKindLabels = {{
    {TxKind::kHire, "雇入れ"},
    {TxKind::kPositionChange, "昇進・異動"},
    {TxKind::kRoleChange, "職務変更"},
    {TxKind::kSecondmentStart, "在籍出向 開始"},
    {TxKind::kSecondmentEnd, "在籍出向 終了"},
    {TxKind::kSideJobStart, "兼業・副業 開始"},
    {TxKind::kSideJobEnd, "兼業・副業 終了"},
    {TxKind::kSeparation, "退職"},
    {TxKind::kCorrection, "訂正"},
    {TxKind::kDispute, "異議"},
}};

// Index i holds the name of code i + 1 (the codes start at 1 in ledger/tx.h).
constexpr std::array<std::string_view, 6> kCorrectionReasons = {"clerical",      "wrong_date", "wrong_subject",
                                                                "wrong_kind",    "retraction", "other"};
constexpr std::array<std::string_view, 4> kDisputeReasons = {"inaccurate", "never_happened", "wrong_dates", "other"};
static_assert(kCorrectionReasons.size() == ledger::kMaxCorrectionReason);
static_assert(kDisputeReasons.size() == ledger::kMaxDisputeReason);

template <std::size_t N>
std::optional<std::uint8_t> CodeOf(const std::array<std::string_view, N>& names, std::string_view name) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<std::uint8_t>(i + 1);
  }
  return std::nullopt;
}

template <std::size_t N>
std::string_view NameOf(const std::array<std::string_view, N>& names, std::uint8_t code) {
  return code >= 1 && code <= N ? names[code - 1] : std::string_view("unknown");
}

}  // namespace

std::string_view KindJapaneseName(TxKind kind) {
  for (const KindLabel& k : kKindLabels) {
    if (k.kind == kind) return k.japanese;
  }
  return {};
}

std::optional<std::uint8_t> CorrectionReasonFromName(std::string_view name) { return CodeOf(kCorrectionReasons, name); }
std::string_view CorrectionReasonName(std::uint8_t reason) { return NameOf(kCorrectionReasons, reason); }
std::optional<std::uint8_t> DisputeReasonFromName(std::string_view name) { return CodeOf(kDisputeReasons, name); }
std::string_view DisputeReasonName(std::uint8_t reason) { return NameOf(kDisputeReasons, reason); }

}  // namespace jobcard::cli
