#include "node/tx_submission.h"

#include "ledger/json_fields.h"
#include "ledger/tx_json.h"

namespace jobcard::node {

namespace http = boost::beast::http;

Result<ledger::Tx> TxFromSubmission(const nlohmann::json& item) {
  if (!item.is_object() || !item.contains("encoded")) return ledger::TxFromJson(item);
  ledger::JsonFields fields(item, "");
  Bytes encoded;
  fields.HexBytes("encoded", encoded, ledger::kMaxTxBytes);
  JOBCARD_TRY_STATUS(fields.Finish());
  return ledger::DecodeTx(encoded);
}

http::status StatusForSubmitError(const Error& error) {
  if (error.code == "mempool.full") return http::status::service_unavailable;
  if (error.code == "mempool.duplicate" || error.code == "validation.duplicate_tx") return http::status::conflict;
  if (error.code.rfind("validation.", 0) == 0) return http::status::unprocessable_entity;
  return http::status::bad_request;
}

}  // namespace jobcard::node
