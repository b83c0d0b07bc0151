#include "ledger/receipt.h"

#include "ledger/encoding.h"
#include "ledger/json_fields.h"

namespace jobcard::ledger {

Bytes ReceiptSigningMessage(std::string_view chain_id, const AccessReceipt& r) {
  Writer w;
  w.Text(chain_id).Fixed(r.bundle_hash).Fixed(r.matcher).U64(r.time).Text(r.purpose).Bool(r.valid);
  return std::move(w).take();
}

void SignReceipt(AccessReceipt& receipt, std::string_view chain_id, const crypto::SigningKey& matcher_key) {
  receipt.matcher = matcher_key.public_key();
  receipt.signature = matcher_key.Sign(kReceiptSignatureTag, ReceiptSigningMessage(chain_id, receipt));
}

Status VerifyReceiptSignature(const AccessReceipt& receipt, std::string_view chain_id) {
  if (!crypto::Verify(receipt.matcher, kReceiptSignatureTag, ReceiptSigningMessage(chain_id, receipt), receipt.signature)) {
    return MakeError("receipt.bad_signature", "the receipt is not signed by the matcher key it names");
  }
  return Status::Ok();
}

nlohmann::json ReceiptToJson(const AccessReceipt& r) {
  return {{"bundle_hash", ToHex(r.bundle_hash)}, {"matcher", ToHex(r.matcher)}, {"time", r.time},
          {"purpose", r.purpose},                {"valid", r.valid},            {"signature", ToHex(r.signature)}};
}

Result<AccessReceipt> ReceiptFromJson(const nlohmann::json& json) {
  AccessReceipt r;
  JsonFields f(json, "");
  f.Hex("bundle_hash", r.bundle_hash);
  f.Hex("matcher", r.matcher);
  f.U64("time", r.time);
  f.Str("purpose", r.purpose, kMaxReceiptPurposeBytes);
  f.Bool("valid", r.valid);
  f.Hex("signature", r.signature);
  JOBCARD_TRY_STATUS(f.Finish());
  // The same text rules as every text field of the encoding (UTF-8, no control characters).
  Writer w;
  w.Text(r.purpose);
  Reader check(w.bytes());
  std::string decoded;
  if (!check.Text(decoded, kMaxReceiptPurposeBytes, "purpose") || r.purpose.empty()) {
    return MakeError("receipt.bad_purpose", "purpose must be 1 to 256 bytes of text without control characters");
  }
  return r;
}

}  // namespace jobcard::ledger
