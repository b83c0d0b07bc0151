// Names people read for entry kinds and reason codes: the English name the
// CLI accepts and prints (the JSON view's names), and the job-card term in
// Japanese (spec/data-model.md §2, §5).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "ledger/tx.h"

namespace jobcard::cli {

// "雇入れ", "在籍出向 開始", ...; empty for kinds that are not career entries.
std::string_view KindJapaneseName(ledger::TxKind kind);

// clerical, wrong_date, wrong_subject, wrong_kind, retraction, other.
std::optional<std::uint8_t> CorrectionReasonFromName(std::string_view name);
std::string_view CorrectionReasonName(std::uint8_t reason);  // "unknown" if out of range
// inaccurate, never_happened, wrong_dates, other.
std::optional<std::uint8_t> DisputeReasonFromName(std::string_view name);
std::string_view DisputeReasonName(std::uint8_t reason);

inline constexpr const char* kCorrectionReasonList = "clerical, wrong_date, wrong_subject, wrong_kind, retraction, other";
inline constexpr const char* kDisputeReasonList = "inaccurate, never_happened, wrong_dates, other";

}  // namespace jobcard::cli
