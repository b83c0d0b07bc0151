// The JSON view of a transaction, used by the API, the CLI and the test
// vectors. It is a view: what is signed and hashed is always the binary
// encoding (ledger/tx.h). Binary values are lower-case hex, dates
// "YYYY-MM-DD", corporate numbers 13-digit strings.
#pragma once

#include <nlohmann/json.hpp>

#include "ledger/tx.h"

namespace jobcard::ledger {

nlohmann::json TxToJson(const Tx& tx);
// Strict: unknown fields, wrong types and out-of-range values are errors
// naming the field. Runs CheckTxForm too.
Result<Tx> TxFromJson(const nlohmann::json& json);

}  // namespace jobcard::ledger
