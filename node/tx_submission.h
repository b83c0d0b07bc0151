// What the API takes as one submitted transaction, shared by POST /v1/txs and
// every item of POST /v1/txs/batch so that both accept exactly the same forms
// and answer each failure with the same status (spec/api.yaml).
#pragma once

#include <boost/beast/http/status.hpp>
#include <nlohmann/json.hpp>

#include "crypto/result.h"
#include "ledger/tx.h"

namespace jobcard::node {

// A transaction from its JSON view, or from {"encoded": "<hex of EncodeTx>"}
// (no other field). Errors: the decoders' codes (json.*, tx.*), all of them a
// malformed submission (400).
Result<ledger::Tx> TxFromSubmission(const nlohmann::json& item);

// The status of a NodeService::Submit failure: 503 mempool.full (retry
// later), 409 already pending or committed, 422 a validation rule, else 400.
boost::beast::http::status StatusForSubmitError(const Error& error);

}  // namespace jobcard::node
