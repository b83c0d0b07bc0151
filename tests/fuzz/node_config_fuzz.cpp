// node.json (node/node_config.cpp ParseNodeConfig), read at `node start`.
// Invariant: what is accepted writes back (every field, defaults included)
// to JSON that parses to the same configuration.
#include "node/node_config.h"
#include "tests/fuzz/fuzz_check.h"

using namespace jobcard;

JOBCARD_FUZZ_TARGET {
  auto config = node::ParseNodeConfig(fuzz::InputText(data, size));
  if (!config.ok()) {
    FUZZ_CHECK(!config.error().code.empty());
    return 0;
  }
  const std::string written = node::NodeConfigToJson(*config).dump();
  auto again = node::ParseNodeConfig(written);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(node::NodeConfigToJson(*again).dump() == written);
  return 0;
}
