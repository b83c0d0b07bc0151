#include "cli/receipt_submit.h"

#include "cli/client_common.h"
#include "cli/json_read.h"

namespace jobcard::cli {

Result<nlohmann::json> SubmitReceipt(NodeClient& node, const ledger::Bundle& bundle, const crypto::SigningKey& matcher_key,
                                     const std::string& purpose, bool valid) {
  ledger::AccessReceipt receipt;
  receipt.bundle_hash = ledger::BundleHash(bundle);
  receipt.time = NowUnixSeconds();
  receipt.purpose = purpose;
  receipt.valid = valid;
  ledger::SignReceipt(receipt, bundle.chain_id, matcher_key);
  auto reply = node.Request("POST", "/v1/receipts", ledger::ReceiptToJson(receipt).dump());
  if (!reply.ok()) return reply.error();
  if (reply->status != 201) return ErrorFromReply(*reply);
  return ledger::ReceiptToJson(receipt);
}

Result<std::vector<ledger::AccessReceipt>> FetchReceipts(NodeClient& node, const std::string& chain_id,
                                                         const Hash32& bundle_hash) {
  auto answer = node.GetJson("/v1/receipts/" + ToHex(bundle_hash));
  if (!answer.ok()) return answer.error();
  const nlohmann::json items = JsonMember(*answer, "receipts");
  if (!items.is_array()) return MakeError("node.bad_response", "the node's receipts answer has no list");
  std::vector<ledger::AccessReceipt> out;
  for (const auto& item : items) {
    auto receipt = ledger::ReceiptFromJson(item);
    if (!receipt.ok()) return MakeError("node.bad_response", "a receipt is malformed: " + receipt.error().message);
    if (receipt->bundle_hash != bundle_hash || !ledger::VerifyReceiptSignature(*receipt, chain_id).ok()) {
      return MakeError("node.bad_response", "the node served a receipt that is not for this bundle or not signed");
    }
    out.push_back(std::move(*receipt));
  }
  return out;
}

}  // namespace jobcard::cli
