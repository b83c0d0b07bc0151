// What `jobcard bundle create` and `jobcard verify --node` read from a node:
// the material of a bundle, all at one anchor (the node's tip), and the
// subject's current state for the freshness check. The node is not trusted
// for either: the bundle is verified before it is written, and the current
// record is checked against the state root the node answers with.
#pragma once

#include <optional>
#include <vector>

#include "cli/node_client.h"
#include "ledger/bundle_assemble.h"
#include "ledger/bundle_verify.h"

namespace jobcard::cli {

// Which entries: ids given by the worker, or every current entry of a period.
struct EntryChoice {
  std::vector<ledger::EntryId> ids;
  std::optional<ledger::BundlePeriod> period;
};

// GET /v1/genesis, parsed and checked.
Result<ledger::Genesis> FetchGenesis(NodeClient& node);

// Fetches the material; retries (a few times) when a block is committed
// while the answers are being collected, so that every proof is against the
// same anchor. Errors: validation.subject_not_enrolled, bundle.unknown_entry
// (an id that is not in the subject's record), bundle.empty_period,
// bundle.too_many_transitions (the validator set changed more often below the
// anchor than a bundle can carry), node.*.
Result<ledger::BundleMaterial> FetchBundleMaterial(NodeClient& node, const ledger::SubjectId& subject,
                                                   const EntryChoice& choice);

// The node's block hash at the anchor height and the subject's current
// record, proven against the state root of the node's tip.
Result<ledger::BundleFreshness> FetchFreshness(NodeClient& node, const ledger::Bundle& bundle);

}  // namespace jobcard::cli
