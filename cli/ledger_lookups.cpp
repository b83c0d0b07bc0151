#include "cli/ledger_lookups.h"

#include <nlohmann/json.hpp>

#include "cli/json_read.h"

namespace jobcard::cli {

namespace {

using nlohmann::json;

Error BadShape(const std::string& what) { return MakeError("node.bad_response", "the node's answer has no valid " + what); }

Result<crypto::PublicKey> KeyField(const json& object, const char* name) {
  auto key = FixedFromHex<32>(JsonString(object, name));
  if (!key.ok()) return BadShape(name);
  return *key;
}

}  // namespace

Result<crypto::PublicKey> FetchSubjectKey(NodeClient& node, const ledger::SubjectId& subject) {
  auto answer = node.GetJson("/v1/subjects/" + ToHex(subject));
  if (!answer.ok()) {
    if (answer.error().code == "api.not_found") {
      return MakeError("validation.subject_not_enrolled", "subject " + ToHex(subject).substr(0, 16) + "… is not enrolled");
    }
    return answer.error();
  }
  return KeyField(JsonMember(*answer, "subject"), "key");
}

bool EmployerInfo::HasKey(const crypto::PublicKey& key) const {
  for (const auto& k : keys) {
    if (k.key == key) return true;
  }
  return false;
}

const EmployerKeyInfo* EmployerInfo::FirstActiveKey() const {
  for (const auto& k : keys) {
    if (k.added_height <= tip_height && (k.revoked_from_height == 0 || tip_height < k.revoked_from_height)) return &k;
  }
  return nullptr;
}

Result<EmployerInfo> FetchEmployer(NodeClient& node, const ledger::CorporateNumber& employer) {
  auto answer = node.GetJson("/v1/employers/" + employer.str());
  if (!answer.ok()) {
    if (answer.error().code == "api.not_found") {
      return MakeError("validation.unknown_employer", "employer " + employer.str() + " is not registered");
    }
    return answer.error();
  }
  const json record = JsonMember(*answer, "employer");
  if (!record.is_object() || !record.contains("keys") || !record["keys"].is_array()) return BadShape("employer record");
  EmployerInfo out;
  out.id = employer.str();
  out.name = JsonString(record, "name");
  out.status = JsonString(record, "status");
  out.tip_height = JsonU64(JsonMember(*answer, "tip"), "height");
  for (const json& k : record["keys"]) {
    auto key = KeyField(k, "key");
    if (!key.ok()) return key.error();
    out.keys.push_back({*key, JsonU64(k, "added_height"), JsonU64(k, "revoked_from_height")});
  }
  return out;
}

Result<ledger::Tx> DecodeCheckedTx(const std::string& encoded_hex, const std::string& chain_id,
                                   const ledger::EntryId& expected_id) {
  auto bytes = FromHex(encoded_hex);
  if (!bytes.ok()) return BadShape("encoded transaction");
  auto tx = ledger::DecodeTx(*bytes);
  if (!tx.ok()) return MakeError("node.bad_response", "the node sent a transaction that does not decode: " + tx.error().message);
  if (ledger::TxId(chain_id, *tx) != expected_id) {
    return MakeError("verify.id_mismatch", "the node sent a transaction whose id is not " + ToHex(expected_id));
  }
  return tx;
}

Result<ledger::Tx> FetchCommittedTx(NodeClient& node, const std::string& chain_id, const ledger::EntryId& id) {
  auto answer = node.GetJson("/v1/txs/" + ToHex(id));
  if (!answer.ok()) {
    if (answer.error().code == "api.not_found") {
      return MakeError("validation.reference_not_found", "no transaction " + ToHex(id).substr(0, 16) + "… on this ledger");
    }
    return answer.error();
  }
  if (JsonString(*answer, "status") != "committed") {
    return MakeError("validation.reference_not_found", "transaction " + ToHex(id).substr(0, 16) + "… is not committed yet");
  }
  return DecodeCheckedTx(JsonString(*answer, "encoded"), chain_id, id);
}

}  // namespace jobcard::cli
