// How a verified history is shown: a timeline a person reads in the
// terminal, or JSON for scripts. Both mark superseded and disputed entries;
// neither hides an entry that failed verification (it is shown with why).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "cli/history_fetch.h"

namespace jobcard::cli {

// Entries in timeline order: by effective date, then by commit height.
std::string RenderTimeline(const History& history);

nlohmann::ordered_json HistoryToJson(const History& history);

}  // namespace jobcard::cli
