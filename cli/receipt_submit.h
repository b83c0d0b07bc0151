// Access receipts from the CLI (spec/bundle.md §8): the matcher's
// `verify --node --matcher-key` records one at the node; the worker's
// `bundle receipts` lists those recorded for a bundle they made.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "cli/node_client.h"
#include "ledger/bundle.h"
#include "ledger/receipt.h"

namespace jobcard::cli {

// Signs a receipt for `bundle` (checked with outcome `valid`) and POSTs it
// to /v1/receipts; returns the receipt as recorded.
Result<nlohmann::json> SubmitReceipt(NodeClient& node, const ledger::Bundle& bundle, const crypto::SigningKey& matcher_key,
                                     const std::string& purpose, bool valid);

// GET /v1/receipts/{bundle_hash}, each receipt's signature checked.
Result<std::vector<ledger::AccessReceipt>> FetchReceipts(NodeClient& node, const std::string& chain_id,
                                                         const Hash32& bundle_hash);

}  // namespace jobcard::cli
