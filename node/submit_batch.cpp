#include "node/submit_batch.h"

#include <optional>
#include <string>

#include "ledger/json_fields.h"
#include "node/tx_submission.h"

namespace jobcard::node {

using nlohmann::json;

namespace {

// POST /v1/txs parses a transaction at depth 32 from the body's root; a batch
// item sits two levels down ({"txs": [item]}), and must parse alike.
constexpr int kMaxBatchJsonDepth = 32 + 2;

json Refused(const Error& error, boost::beast::http::status status) {
  return {{"error", {{"code", error.code}, {"message", error.message}}}, {"http_status", static_cast<unsigned>(status)}};
}

Result<const json*> BatchItems(const json& body) {
  if (!body.is_object()) return MakeError("api.bad_body", "the body must be an object {\"txs\": [...]}");
  for (const auto& [key, value] : body.items()) {
    if (key != "txs") return MakeError("api.bad_body", key + ": unknown field; the body is {\"txs\": [...]}");
  }
  const auto txs = body.find("txs");
  if (txs == body.end() || !txs->is_array()) return MakeError("api.bad_body", "txs: expected an array of transactions");
  if (txs->empty()) return MakeError("api.batch_empty", "txs: the batch holds no transaction");
  if (txs->size() > kMaxTxsPerSubmitBatch) {
    return MakeError("api.batch_too_large", "txs: " + std::to_string(txs->size()) + " transactions, at most " +
                                                std::to_string(kMaxTxsPerSubmitBatch) + " per batch");
  }
  return &*txs;
}

}  // namespace

Result<json> SubmitBatch(std::string_view body, const SubmitTxFunction& submit) {
  auto parsed = ledger::ParseJson(body, kMaxSubmitBatchBodyBytes, kMaxBatchJsonDepth);
  if (!parsed.ok()) return parsed.error();
  auto items = BatchItems(*parsed);
  if (!items.ok()) return items.error();

  json results = json::array();
  std::size_t accepted = 0;
  std::optional<std::size_t> full_at;  // the item the mempool was full for
  for (std::size_t i = 0; i < (*items)->size(); ++i) {
    if (full_at) {
      // Not submitted: past a full pool, a later item accepted before an
      // earlier one is retried would leave the client's order behind.
      results.push_back(Refused(MakeError("mempool.full", "not submitted: the mempool was full at item " +
                                                              std::to_string(*full_at)),
                                boost::beast::http::status::service_unavailable));
      continue;
    }
    auto tx = TxFromSubmission((**items)[i]);
    if (!tx.ok()) {
      // The decoders name the field from the item's root ("the document",
      // "body.subject"): say which item.
      Error error = tx.error();
      error.message = "txs[" + std::to_string(i) + "]: " + error.message;
      results.push_back(Refused(error, boost::beast::http::status::bad_request));
      continue;
    }
    auto id = submit(std::move(*tx));
    if (!id.ok()) {
      if (id.error().code == "mempool.full") full_at = i;
      results.push_back(Refused(id.error(), StatusForSubmitError(id.error())));
      continue;
    }
    results.push_back({{"id", ToHex(*id)}, {"status", "pending"}});
    ++accepted;
  }
  return json{{"results", std::move(results)}, {"accepted", accepted}, {"rejected", (*items)->size() - accepted}};
}

}  // namespace jobcard::node
