// How a bundle and its verification are shown: what the matcher was shown
// (each entry with its employer, dates, marks and the opened fields; how many
// were withheld) and every check with its outcome, as text or JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "ledger/bundle.h"
#include "ledger/bundle_verify.h"

namespace jobcard::cli {

std::string RenderBundleSummary(const ledger::Bundle& bundle);
nlohmann::ordered_json BundleSummaryToJson(const ledger::Bundle& bundle);
// One line per check: "  ok    name  detail" or "  FAIL  name  detail".
std::string RenderChecks(const ledger::BundleReport& report);

}  // namespace jobcard::cli
