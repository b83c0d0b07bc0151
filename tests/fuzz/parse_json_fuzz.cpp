// ParseJson (ledger/json_fields.cpp), the one door every JSON input goes
// through (API bodies, genesis, node.json, vectors): size and nesting limits
// before anything large is built, and no exception escaping.
// Invariants: accepted text is within the byte limit, nests no deeper than
// the depth limit, and its re-serialisation parses again to an equal value.
#include "ledger/json_fields.h"
#include "tests/fuzz/fuzz_check.h"

using namespace jobcard;

namespace {

constexpr std::size_t kMaxBytes = 16 * 1024;
constexpr int kMaxDepth = 8;

int Depth(const nlohmann::json& value) {
  if (!value.is_structured()) return 0;
  int deepest = 0;
  for (const auto& item : value) deepest = std::max(deepest, Depth(item));
  return deepest + 1;
}

}  // namespace

JOBCARD_FUZZ_TARGET {
  auto json = ledger::ParseJson(fuzz::InputText(data, size), kMaxBytes, kMaxDepth);
  if (!json.ok()) {
    FUZZ_CHECK(!json.error().code.empty());
    return 0;
  }
  FUZZ_CHECK(size <= kMaxBytes);
  FUZZ_CHECK(Depth(*json) <= kMaxDepth);
  // Invalid UTF-8 in a string must have been refused, or dump() would throw.
  const std::string text = json->dump();
  auto again = ledger::ParseJson(text, text.size(), kMaxDepth);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(*again == *json);
  return 0;
}
