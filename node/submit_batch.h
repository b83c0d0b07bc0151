// POST /v1/txs/batch without the HTTP: a body of up to kMaxTxsPerSubmitBatch
// transactions, each in a form POST /v1/txs accepts (node/tx_submission.h),
// submitted one after another through the same path, so that an item may
// depend on an earlier one (an enrolment, then a hire of that subject). An
// item's failure is its own result; the others go on. Pure apart from the
// submit function, so the rules are tested with a real mempool and no node.
#pragma once

#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <string_view>

#include "crypto/result.h"
#include "ledger/tx.h"
#include "node/http/http_limits.h"

namespace jobcard::node {

// Items in one batch: a back-filling client's request stays a bounded piece
// of work on the API's thread (each item's signatures are verified there).
inline constexpr std::size_t kMaxTxsPerSubmitBatch = 256;
// Per item beyond its hex: {"encoded": ""}, a comma and some whitespace.
inline constexpr std::size_t kSubmitBatchItemOverheadBytes = 64;
// The route's body limit: room for kMaxTxsPerSubmitBatch transactions of the
// largest size as {"encoded": hex} items (about 8 MiB), plus the envelope.
inline constexpr std::size_t kMaxSubmitBatchBodyBytes =
    kMaxTxsPerSubmitBatch * (2 * ledger::kMaxTxBytes + kSubmitBatchItemOverheadBytes) + 1024;
static_assert(kMaxSubmitBatchBodyBytes <= kMaxRouteBodyBytes, "the server refuses a route limit over its ceiling");

// Submits one transaction (NodeService::Submit): its id, or why it was refused.
using SubmitTxFunction = std::function<Result<ledger::EntryId>(ledger::Tx)>;

// Parses `body` ({"txs": [item, ...]}) and submits its items in order with
// `submit`. The answer, for a 200:
//   {"results": [{"id": hex, "status": "pending"}
//                | {"error": {"code", "message"}, "http_status": N}, ...],
//    "accepted": a, "rejected": r}
// one result per item, in item order; N is the status POST /v1/txs would
// have answered for that item alone. After the first item refused with
// mempool.full, the rest are not submitted and are mempool.full too (503), so
// a client resubmits from the first 503 on, in order.
// Errors, for a 400 and with nothing submitted: the JSON parser's (json.*);
// api.bad_body (not an object with exactly an array `txs`); api.batch_empty;
// api.batch_too_large (over kMaxTxsPerSubmitBatch items).
Result<nlohmann::json> SubmitBatch(std::string_view body, const SubmitTxFunction& submit);

}  // namespace jobcard::node
