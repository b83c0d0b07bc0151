#include "cli/history_fetch.h"

#include <map>
#include <nlohmann/json.hpp>

#include "cli/client_common.h"
#include "cli/json_read.h"
#include "cli/ledger_lookups.h"
#include "ledger/entry_builder.h"

namespace jobcard::cli {

namespace {

using nlohmann::json;

// Employer records, fetched once per employer however many entries name it.
class EmployerCache {
 public:
  explicit EmployerCache(NodeClient& node) : node_(node) {}
  const EmployerInfo* Get(const ledger::CorporateNumber& id) {
    auto it = cache_.find(id.str());
    if (it == cache_.end()) {
      auto fetched = FetchEmployer(node_, id);
      it = cache_.emplace(id.str(), fetched.ok() ? std::optional<EmployerInfo>(std::move(*fetched)) : std::nullopt).first;
    }
    return it->second ? &*it->second : nullptr;
  }

 private:
  NodeClient& node_;
  std::map<std::string, std::optional<EmployerInfo>> cache_;
};

// The party `role` must have signed with a key of `employer` active at `height`.
void CheckEmployerSigned(HistoryEntry& out, const EmployerInfo* employer, const char* role) {
  if (!employer) {
    out.problems.push_back(std::string("the ") + role + " employer is unknown to the node");
    return;
  }
  for (const auto& sig : out.tx.signatures) {
    for (const auto& k : employer->keys) {
      if (k.key != sig.signer) continue;
      if (out.height >= k.added_height && (k.revoked_from_height == 0 || out.height < k.revoked_from_height)) return;
      out.problems.push_back(std::string("signed by a key of the ") + role +
                             " employer that is not active at height " + std::to_string(out.height) + " (void)");
      return;
    }
  }
  out.problems.push_back(std::string("not signed by any key of the ") + role + " employer");
}

void CheckSigners(HistoryEntry& out, EmployerCache& employers, const crypto::PublicKey& subject_key) {
  const ledger::CareerEntry& e = out.entry();
  if (out.tx.kind == ledger::TxKind::kDispute) {
    const bool by_subject = out.tx.signatures.size() == 1 && out.tx.signatures[0].signer == subject_key;
    if (!by_subject) out.problems.push_back("a dispute not signed by the worker's key alone");
    return;
  }
  const EmployerInfo* employer = employers.Get(e.employer);
  if (employer) out.employer_name = employer->name;
  CheckEmployerSigned(out, employer, "recording");
  if (out.tx.kind == ledger::TxKind::kSecondmentStart || out.tx.kind == ledger::TxKind::kSecondmentEnd) {
    const EmployerInfo* host = employers.Get(e.host_employer);
    if (host) out.host_employer_name = host->name;
    CheckEmployerSigned(out, host, "host");
  }
}

HistoryEntry CheckEntry(const json& ref, const json& item, const std::string& chain_id, const ledger::SubjectId& subject,
                        const crypto::SigningKey& key, EmployerCache& employers) {
  HistoryEntry out;
  out.superseded = JsonBool(ref, "superseded");
  out.disputed = JsonBool(ref, "disputed");
  out.height = JsonU64(ref, "height");
  auto id = FixedFromHex<32>(JsonString(ref, "id"));
  if (!id.ok()) {
    out.problems.push_back("the node listed an entry without a valid id");
    return out;
  }
  out.id = *id;
  auto tx = DecodeCheckedTx(JsonString(item, "encoded"), chain_id, out.id);
  if (!tx.ok()) {
    out.problems.push_back(tx.error().message);
    return out;
  }
  out.tx = std::move(*tx);
  out.decoded = true;
  if (!std::holds_alternative<ledger::CareerEntry>(out.tx.body) || out.entry().subject != subject) {
    out.decoded = false;
    out.problems.push_back("the node listed an entry that is not about this subject");
    return out;
  }
  if (Status signatures = ledger::VerifyTxSignatures(out.tx, chain_id); !signatures.ok()) {
    out.problems.push_back("a signature does not verify: " + signatures.error().message);
  }
  CheckSigners(out, employers, key.public_key());
  auto payload = ledger::OpenEntryPayload(out.tx, key);
  if (payload.ok()) {
    out.payload = std::move(*payload);
  } else {
    out.problems.push_back("cannot decrypt the payload with this key: " + payload.error().message);
  }
  return out;
}

}  // namespace

std::size_t History::problem_count() const {
  std::size_t n = 0;
  for (const auto& e : entries) n += e.problems.empty() ? 0 : 1;
  return n;
}

Result<History> FetchVerifiedHistory(NodeClient& node, const ledger::SubjectId& subject, const crypto::SigningKey& key) {
  History history;
  history.subject = subject;
  auto chain_id = FetchChainId(node);
  if (!chain_id.ok()) return chain_id.error();
  history.chain_id = *chain_id;
  auto answer = node.GetJson("/v1/subjects/" + ToHex(subject) + "/history");
  if (!answer.ok()) {
    if (answer.error().code == "api.not_found") {
      return MakeError("validation.subject_not_enrolled", "subject " + ToHex(subject).substr(0, 16) + "… is not enrolled");
    }
    return answer.error();
  }
  const json record = JsonMember(*answer, "subject");
  const json items = JsonMember(*answer, "entries");
  if (!record.is_object() || !record.contains("entries") || !record["entries"].is_array() || !items.is_array() ||
      items.size() != record["entries"].size()) {
    return MakeError("node.bad_response", "the node's history answer is malformed");
  }
  if (JsonString(record, "key") != ToHex(key.public_key())) {
    return MakeError("history.not_subject_key", "this key is not the current key of subject " +
                                                    ToHex(subject).substr(0, 16) + "… (wrong key file or --subject?)");
  }
  const json tip = JsonMember(*answer, "tip");
  history.tip_height = JsonU64(tip, "height");
  EmployerCache employers(node);
  for (std::size_t i = 0; i < items.size(); ++i) {
    history.entries.push_back(CheckEntry(record["entries"][i], items[i], history.chain_id, subject, key, employers));
  }
  return history;
}

}  // namespace jobcard::cli
