// The bundle's JSON document (spec/bundle.md §Format): binary parts (headers,
// certificates, records, proofs, transactions) as the hex of their canonical
// encodings, so that what the verifier hashes is exactly what was sent; the
// disclosed payload fields in the clear, by name.
#include "ledger/bundle.h"

#include "ledger/json_fields.h"
#include "ledger/merkle_log.h"
#include "ledger/record_json.h"

namespace jobcard::ledger {

using nlohmann::json;

namespace {

// Largest encodings the parser accepts for each binary part.
constexpr std::size_t kMaxCertificateBytes = 16 + 4 + 32 + 2 + kMaxCertificateSignatures * 96;
constexpr std::size_t kMaxRecordBytes = 64 * 1024;
constexpr std::size_t kMaxValidatorSetBytes = 64 * 1024;

// A hex member decoded by `decode`; a decoding error names the field.
template <typename T>
bool Decoded(JsonFields& f, const char* key, std::size_t max_bytes, Result<T> (*decode)(ByteView), T& out) {
  Bytes bytes;
  if (!f.HexBytes(key, bytes, max_bytes)) return false;
  Result<T> decoded = decode(bytes);
  if (!decoded.ok()) return f.Fail(key, decoded.error().message);
  out = std::move(*decoded);
  return true;
}

bool HashList(JsonFields& f, const char* key, std::size_t max_items, std::vector<Hash32>& out) {
  const json* items = f.Array(key, max_items);
  if (!items) return false;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const json& item = (*items)[i];
    auto parsed = item.is_string() ? FixedFromHex<32>(item.get_ref<const std::string&>()) : Result<Hash32>(MakeError("", ""));
    if (!parsed.ok()) return f.Fail(key, "[" + std::to_string(i) + "] is not 64 hex digits");
    out.push_back(*parsed);
  }
  return true;
}

Status ReadOpening(const json& j, const std::string& path, FieldOpening& out) {
  JsonFields f(j, path);
  if (f.Has("leaf")) {
    out.disclosed = false;
    f.Hex("leaf", out.leaf);
    return f.Finish();
  }
  out.disclosed = true;
  std::string name;
  if (f.Str("field", name, 32)) {
    auto id = PayloadFieldFromName(name);
    if (!id) f.Fail("field", "unknown payload field '" + name + "'");
    else out.id = *id;
  }
  f.Str("value", out.value, kMaxPayloadFieldBytes);
  f.Hex("salt", out.field_salt);
  return f.Finish();
}

Status ReadEntry(const json& j, const std::string& path, BundleEntry& out) {
  JsonFields f(j, path);
  Decoded<Tx>(f, "tx", kMaxTxBytes, &DecodeTx, out.tx);
  f.U64("log_index", out.log_index);
  HashList(f, "inclusion", kMaxInclusionProofHashes, out.inclusion);
  if (const json* fields = f.Array("fields", kMaxPayloadFields)) {
    for (std::size_t i = 0; i < fields->size(); ++i) {
      FieldOpening opening;
      JOBCARD_TRY_STATUS(ReadOpening((*fields)[i], f.PathOf("fields[" + std::to_string(i) + "]"), opening));
      out.fields.push_back(std::move(opening));
    }
  }
  return f.Finish();
}

json OpeningToJson(const FieldOpening& o) {
  if (!o.disclosed) return {{"leaf", ToHex(o.leaf)}};
  return {{"field", std::string(PayloadFieldName(o.id))}, {"value", o.value}, {"salt", ToHex(o.field_salt)}};
}

}  // namespace

Status ReadTransition(const json& j, const std::string& path, ValidatorTransition& out) {
  JsonFields f(j, path);
  Decoded<BlockHeader>(f, "header", kHeaderBytes, &DecodeHeader, out.header);
  Decoded<CommitCertificate>(f, "certificate", kMaxCertificateBytes, &DecodeCertificate, out.certificate);
  Decoded<std::vector<ValidatorRecord>>(f, "next_validators", kMaxValidatorSetBytes, &DecodeValidators, out.next_validators);
  return f.Finish();
}

json TransitionToJson(const ValidatorTransition& t) {
  return {{"header", ToHex(EncodeHeader(t.header))},
          {"certificate", ToHex(EncodeCertificate(t.certificate))},
          {"next_validators", ToHex(EncodeValidators(t.next_validators))}};
}

Result<Bundle> ParseBundle(std::string_view json_text) {
  auto parsed = ParseJson(json_text, kMaxBundleBytes);
  if (!parsed.ok()) return parsed.error();
  return BundleFromJson(*parsed);
}

Result<Bundle> BundleFromJson(const json& j) {
  Bundle b;
  JsonFields f(j, "");
  std::string format;
  if (f.Str("format", format, 64) && format != kBundleFormat) {
    f.Fail("format", "is not " + std::string(kBundleFormat));
  }
  f.Str("chain_id", b.chain_id, kMaxChainIdBytes);
  f.Hex("genesis_hash", b.genesis_hash);
  f.Hex("subject", b.subject);
  f.Hex("audience", b.audience);
  f.U64("created_at", b.created_at);
  f.U64("expires_at", b.expires_at);
  if (const json* period = f.Has("period") ? f.Object("period") : nullptr) {
    JsonFields p(*period, f.PathOf("period"));
    BundlePeriod range;
    p.DateField("from", range.from);
    p.DateField("to", range.to);
    JOBCARD_TRY_STATUS(p.Finish());
    b.period = range;
  }
  if (const json* anchor = f.Object("anchor")) {
    JsonFields a(*anchor, f.PathOf("anchor"));
    Decoded<BlockHeader>(a, "header", kHeaderBytes, &DecodeHeader, b.anchor);
    Decoded<CommitCertificate>(a, "certificate", kMaxCertificateBytes, &DecodeCertificate, b.anchor_certificate);
    JOBCARD_TRY_STATUS(a.Finish());
  }
  if (const json* ts = f.Array("validator_transitions", kMaxValidatorTransitions)) {
    for (std::size_t i = 0; i < ts->size(); ++i) {
      ValidatorTransition t;
      JOBCARD_TRY_STATUS(ReadTransition((*ts)[i], "validator_transitions[" + std::to_string(i) + "]", t));
      b.transitions.push_back(std::move(t));
    }
  }
  if (const json* s = f.Object("subject_state")) {
    JsonFields sf(*s, f.PathOf("subject_state"));
    Decoded<SubjectRecord>(sf, "record", kMaxRecordBytes, &DecodeSubject, b.subject_record);
    Decoded<SmtProof>(sf, "proof", kSmtMaxProofBytes, &DecodeSmtProof, b.subject_proof);
    JOBCARD_TRY_STATUS(sf.Finish());
  }
  if (const json* es = f.Array("employers", kMaxBundleEmployers)) {
    for (std::size_t i = 0; i < es->size(); ++i) {
      JsonFields ef((*es)[i], "employers[" + std::to_string(i) + "]");
      BundleEmployer e;
      Decoded<EmployerRecord>(ef, "record", kMaxRecordBytes, &DecodeEmployer, e.record);
      Decoded<SmtProof>(ef, "proof", kSmtMaxProofBytes, &DecodeSmtProof, e.proof);
      JOBCARD_TRY_STATUS(ef.Finish());
      b.employers.push_back(std::move(e));
    }
  }
  if (const json* es = f.Array("entries", kMaxBundleEntries)) {
    for (std::size_t i = 0; i < es->size(); ++i) {
      BundleEntry e;
      JOBCARD_TRY_STATUS(ReadEntry((*es)[i], "entries[" + std::to_string(i) + "]", e));
      b.entries.push_back(std::move(e));
    }
  }
  f.Hex("signature", b.signature);
  JOBCARD_TRY_STATUS(f.Finish());
  return b;
}

json BundleToJson(const Bundle& b) {
  json transitions = json::array();
  for (const auto& t : b.transitions) {
    transitions.push_back(TransitionToJson(t));
  }
  json employers = json::array();
  for (const auto& e : b.employers) {
    employers.push_back({{"record", ToHex(EncodeEmployer(e.record))}, {"proof", ToHex(EncodeSmtProof(e.proof))}});
  }
  json entries = json::array();
  for (const auto& e : b.entries) {
    json fields = json::array();
    for (const auto& o : e.fields) fields.push_back(OpeningToJson(o));
    entries.push_back({{"tx", ToHex(EncodeTx(e.tx))}, {"log_index", e.log_index}, {"inclusion", HashesToJson(e.inclusion)},
                       {"fields", fields}});
  }
  json out = {{"format", std::string(kBundleFormat)},
              {"chain_id", b.chain_id},
              {"genesis_hash", ToHex(b.genesis_hash)},
              {"subject", ToHex(b.subject)},
              {"audience", ToHex(b.audience)},
              {"created_at", b.created_at},
              {"expires_at", b.expires_at},
              {"anchor", {{"header", ToHex(EncodeHeader(b.anchor))}, {"certificate", ToHex(EncodeCertificate(b.anchor_certificate))}}},
              {"validator_transitions", transitions},
              {"subject_state", {{"record", ToHex(EncodeSubject(b.subject_record))}, {"proof", ToHex(EncodeSmtProof(b.subject_proof))}}},
              {"employers", employers},
              {"entries", entries},
              {"signature", ToHex(b.signature)}};
  if (b.period) out["period"] = {{"from", b.period->from.str()}, {"to", b.period->to.str()}};
  return out;
}

}  // namespace jobcard::ledger
