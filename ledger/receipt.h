// Access receipts (spec/bundle.md §8): a matcher's signed statement that it
// checked a bundle against a node, for what purpose and when. Receipts are
// node-local records, not ledger transactions, and name the bundle by its
// hash only: no pseudonym, so a receipt store does not say whose history
// was looked at to anyone who does not hold the bundle.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "crypto/sign.h"
#include "ledger/identifiers.h"

namespace jobcard::ledger {

inline constexpr std::string_view kReceiptSignatureTag = "jobcard.v1.receipt";
inline constexpr std::size_t kMaxReceiptPurposeBytes = 256;
// One receipt's JSON text: a POST /v1/receipts body, a line of the node's receipts file.
inline constexpr std::size_t kMaxReceiptJsonBytes = 4096;

struct AccessReceipt {
  Hash32 bundle_hash{};
  crypto::PublicKey matcher{};
  std::uint64_t time = 0;  // unix seconds, the matcher's clock
  std::string purpose;     // e.g. "screening for 営業職"
  bool valid = false;      // the outcome the matcher saw
  crypto::Signature signature{};
  bool operator==(const AccessReceipt&) const = default;
};

// Text(chain_id) || bundle_hash || matcher || u64 time || Text(purpose) || u8 valid.
Bytes ReceiptSigningMessage(std::string_view chain_id, const AccessReceipt& receipt);
void SignReceipt(AccessReceipt& receipt, std::string_view chain_id, const crypto::SigningKey& matcher_key);
// Errors: receipt.bad_signature.
Status VerifyReceiptSignature(const AccessReceipt& receipt, std::string_view chain_id);

nlohmann::json ReceiptToJson(const AccessReceipt& receipt);
// Strict (json_fields.h); the purpose is bounded and must be valid text.
Result<AccessReceipt> ReceiptFromJson(const nlohmann::json& json);

}  // namespace jobcard::ledger
