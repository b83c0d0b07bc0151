#include "ledger/record_json.h"

namespace jobcard::ledger {

using nlohmann::json;

namespace {
std::string CorpOrNull(const CorporateNumber& c) { return c == CorporateNumber{} ? std::string() : c.str(); }
std::string HashOrEmpty(const Hash32& h) { return h == Hash32{} ? std::string() : ToHex(h); }
}  // namespace

std::string_view EmployerStatusName(EmployerStatus status) {
  switch (status) {
    case EmployerStatus::kActive: return "active";
    case EmployerStatus::kSuspended: return "suspended";
    case EmployerStatus::kClosed: return "closed";
  }
  return "unknown";
}

json HeaderToJson(const BlockHeader& h) {
  return {{"height", h.height},
          {"time_ms", h.time_ms},
          {"hash", ToHex(BlockHash(h))},
          {"previous_hash", ToHex(h.previous_hash)},
          {"tx_root", ToHex(h.tx_root)},
          {"tx_count", h.tx_count},
          {"state_root", ToHex(h.state_root)},
          {"log_root", ToHex(h.log_root)},
          {"log_size", h.log_size},
          {"validator_set_hash", ToHex(h.validator_set_hash)},
          {"next_validator_set_hash", ToHex(h.next_validator_set_hash)},
          {"proposer", ToHex(h.proposer)},
          {"encoded", ToHex(EncodeHeader(h))}};
}

json CertificateToJson(const CommitCertificate& c) {
  json sigs = json::array();
  for (const auto& s : c.signatures) sigs.push_back({{"validator", ToHex(s.validator)}, {"signature", ToHex(s.signature)}});
  return {{"height", c.height}, {"round", c.round}, {"block_hash", ToHex(c.block_hash)}, {"signatures", sigs},
          {"encoded", ToHex(EncodeCertificate(c))}};
}

json EmployerToJson(const EmployerRecord& e) {
  json keys = json::array();
  for (const auto& k : e.keys) {
    keys.push_back({{"key", ToHex(k.key)}, {"added_height", k.added_height}, {"revoked_from_height", k.revoked_from_height}});
  }
  return {{"id", e.id.str()},
          {"name", e.name},
          {"status", std::string(EmployerStatusName(e.status))},
          {"keys", keys},
          {"successor", CorpOrNull(e.successor)},
          {"registered_height", e.registered_height},
          {"encoded", ToHex(EncodeEmployer(e))}};
}

json SubjectToJson(const SubjectRecord& s) {
  json entries = json::array();
  for (const auto& e : s.entries) {
    entries.push_back({{"id", ToHex(e.id)},
                       {"kind", std::string(TxKindName(e.kind))},
                       {"employer", e.employer.str()},
                       {"effective_date", e.effective_date.str()},
                       {"height", e.height},
                       {"superseded", e.superseded},
                       {"disputed", e.disputed}});
  }
  return {{"id", ToHex(s.id)}, {"key", ToHex(s.key)}, {"enrolled_height", s.enrolled_height}, {"entries", entries},
          {"encoded", ToHex(EncodeSubject(s))}};
}

json EntryRecordToJson(const EntryRecord& e) {
  return {{"id", ToHex(e.id)},
          {"kind", std::string(TxKindName(e.kind))},
          {"employer", e.employer.str()},
          {"subject", ToHex(e.subject)},
          {"host_employer", CorpOrNull(e.host_employer)},
          {"effective_date", e.effective_date.str()},
          {"expected_end", e.expected_end == Date{} ? std::string() : e.expected_end.str()},
          {"recorded_at", e.recorded_at},
          {"height", e.height},
          {"log_index", e.log_index},
          {"closed_by", HashOrEmpty(e.closed_by)},
          {"superseded_by", HashOrEmpty(e.superseded_by)},
          {"dispute_count", e.dispute_count}};
}

json ValidatorsToJson(const std::vector<ValidatorRecord>& set) {
  json out = json::array();
  for (const auto& v : set) out.push_back({{"key", ToHex(v.key)}, {"power", v.power}, {"name", v.name}});
  return out;
}

json LocationToJson(const TxLocation& l) {
  return {{"height", l.height}, {"index_in_block", l.index_in_block}, {"log_index", l.log_index}};
}

json HashesToJson(const std::vector<Hash32>& hashes) {
  json out = json::array();
  for (const auto& h : hashes) out.push_back(ToHex(h));
  return out;
}

json SmtProofToJson(const SmtProof& p) {
  json leaf = nullptr;
  if (p.leaf) leaf = {{"key", ToHex(p.leaf->key)}, {"value_hash", ToHex(p.leaf->value_hash)}};
  return {{"siblings", HashesToJson(p.siblings)}, {"leaf", leaf}, {"encoded", ToHex(EncodeSmtProof(p))}};
}

}  // namespace jobcard::ledger
