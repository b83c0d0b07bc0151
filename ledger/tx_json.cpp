#include "ledger/tx_json.h"

#include "ledger/json_fields.h"

namespace jobcard::ledger {

using nlohmann::json;

namespace {

bool HasHost(TxKind k) { return k == TxKind::kSecondmentStart || k == TxKind::kSecondmentEnd; }
bool HasReason(TxKind k) { return k == TxKind::kCorrection || k == TxKind::kDispute; }

struct BodyToJson {
  TxKind kind;
  json operator()(const CareerEntry& e) const {
    json refs = json::array();
    for (const auto& r : e.references) refs.push_back(ToHex(r));
    json wrapped = json::array();
    for (const auto& k : e.payload.wrapped) wrapped.push_back(ToHex(k));
    json j = {{"employer", e.employer.str()},
              {"subject", ToHex(e.subject)},
              {"effective_date", e.effective_date.str()},
              {"recorded_at", e.recorded_at},
              {"references", refs},
              {"commitment", ToHex(e.commitment)},
              {"payload",
               {{"nonce", ToHex(e.payload.nonce)}, {"ciphertext", ToHex(e.payload.ciphertext)}, {"wrapped_keys", wrapped}}}};
    if (HasHost(kind)) j["host_employer"] = e.host_employer.str();
    if (kind == TxKind::kSecondmentStart) j["expected_end"] = e.expected_end.str();
    if (HasReason(kind)) j["reason"] = e.reason;
    return j;
  }
  json operator()(const Headcount& h) const {
    return {{"employer", h.employer.str()}, {"as_of", h.as_of.str()}, {"active_employees", h.active_employees},
            {"recorded_at", h.recorded_at}};
  }
  json operator()(const RegisterEmployer& g) const {
    return {{"employer", g.employer.str()}, {"name", g.name}, {"key", ToHex(g.key)}};
  }
  json operator()(const SetEmployerStatus& g) const {
    return {{"employer", g.employer.str()}, {"status", static_cast<int>(g.status)}};
  }
  json operator()(const AddEmployerKey& g) const { return {{"employer", g.employer.str()}, {"key", ToHex(g.key)}}; }
  json operator()(const RotateEmployerKey& g) const {
    return {{"employer", g.employer.str()}, {"old_key", ToHex(g.old_key)}, {"new_key", ToHex(g.new_key)}};
  }
  json operator()(const RevokeEmployerKey& g) const {
    return {{"employer", g.employer.str()}, {"key", ToHex(g.key)}, {"effective_height", g.effective_height}};
  }
  json operator()(const AddValidator& g) const { return {{"key", ToHex(g.key)}, {"power", g.power}, {"name", g.name}}; }
  json operator()(const RemoveValidator& g) const { return {{"key", ToHex(g.key)}}; }
  json operator()(const EnrollSubject& g) const { return {{"subject", ToHex(g.subject)}, {"key", ToHex(g.key)}}; }
  json operator()(const RecoverSubjectKey& g) const {
    return {{"subject", ToHex(g.subject)}, {"new_key", ToHex(g.new_key)}};
  }
  json operator()(const RegisterMatcher& g) const { return {{"key", ToHex(g.key)}, {"name", g.name}}; }
  json operator()(const Succession& g) const {
    return {{"predecessor", g.predecessor.str()},
            {"successor", g.successor.str()},
            {"effective_date", g.effective_date.str()}};
  }
};

template <std::size_t N>
bool HexList(JsonFields& f, const char* key, std::size_t max, std::vector<FixedBytes<N>>& out) {
  const json* arr = f.Array(key, max);
  if (!arr) return false;
  out.clear();
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const json& item = (*arr)[i];
    auto parsed = item.is_string() ? FixedFromHex<N>(item.get_ref<const std::string&>())
                                   : Result<FixedBytes<N>>(MakeError("json.type", ""));
    if (!parsed.ok()) {
      return f.Fail(std::string(key) + "[" + std::to_string(i) + "]", "expected " + std::to_string(N * 2) + " hex digits");
    }
    out.push_back(*parsed);
  }
  return true;
}

Status ReadEntry(TxKind kind, const json& j, CareerEntry& e) {
  JsonFields f(j, "body");
  f.Corporate("employer", e.employer);
  f.Hex("subject", e.subject);
  f.DateField("effective_date", e.effective_date);
  f.U64("recorded_at", e.recorded_at);
  HexList(f, "references", kMaxReferences, e.references);
  f.Hex("commitment", e.commitment);
  if (const json* p = f.Object("payload")) {
    JsonFields pf(*p, "body.payload");
    pf.Hex("nonce", e.payload.nonce);
    pf.HexBytes("ciphertext", e.payload.ciphertext, kMaxCiphertextBytes);
    HexList(pf, "wrapped_keys", kMaxWrappedKeys, e.payload.wrapped);
    JOBCARD_TRY_STATUS(pf.Finish());
  }
  if (HasHost(kind)) f.Corporate("host_employer", e.host_employer);
  if (kind == TxKind::kSecondmentStart) f.DateField("expected_end", e.expected_end);
  if (HasReason(kind)) f.U8("reason", e.reason);
  return f.Finish();
}

Status ReadBody(TxKind kind, const json& j, TxBody& body) {
  if (IsCareerEntry(kind)) {
    CareerEntry e;
    JOBCARD_TRY_STATUS(ReadEntry(kind, j, e));
    body = std::move(e);
    return Status::Ok();
  }
  JsonFields f(j, "body");
  switch (kind) {
    case TxKind::kHeadcount: {
      Headcount h;
      f.Corporate("employer", h.employer);
      f.DateField("as_of", h.as_of);
      f.U32("active_employees", h.active_employees);
      f.U64("recorded_at", h.recorded_at);
      body = h;
      break;
    }
    case TxKind::kRegisterEmployer: {
      RegisterEmployer g;
      f.Corporate("employer", g.employer);
      f.Str("name", g.name, kMaxNameBytes);
      f.Hex("key", g.key);
      body = g;
      break;
    }
    case TxKind::kSetEmployerStatus: {
      SetEmployerStatus g;
      std::uint8_t s = 0;
      f.Corporate("employer", g.employer);
      if (f.U8("status", s) && (s < 1 || s > 3)) f.Fail("status", "must be 1 (active), 2 (suspended) or 3 (closed)");
      g.status = static_cast<EmployerStatus>(s);
      body = g;
      break;
    }
    case TxKind::kAddEmployerKey: {
      AddEmployerKey g;
      f.Corporate("employer", g.employer);
      f.Hex("key", g.key);
      body = g;
      break;
    }
    case TxKind::kRotateEmployerKey: {
      RotateEmployerKey g;
      f.Corporate("employer", g.employer);
      f.Hex("old_key", g.old_key);
      f.Hex("new_key", g.new_key);
      body = g;
      break;
    }
    case TxKind::kRevokeEmployerKey: {
      RevokeEmployerKey g;
      f.Corporate("employer", g.employer);
      f.Hex("key", g.key);
      f.U64("effective_height", g.effective_height);
      body = g;
      break;
    }
    case TxKind::kAddValidator: {
      AddValidator g;
      f.Hex("key", g.key);
      f.U64("power", g.power);
      f.Str("name", g.name, kMaxNameBytes);
      body = g;
      break;
    }
    case TxKind::kRemoveValidator: {
      RemoveValidator g;
      f.Hex("key", g.key);
      body = g;
      break;
    }
    case TxKind::kEnrollSubject: {
      EnrollSubject g;
      f.Hex("subject", g.subject);
      f.Hex("key", g.key);
      body = g;
      break;
    }
    case TxKind::kRecoverSubjectKey: {
      RecoverSubjectKey g;
      f.Hex("subject", g.subject);
      f.Hex("new_key", g.new_key);
      body = g;
      break;
    }
    case TxKind::kRegisterMatcher: {
      RegisterMatcher g;
      f.Hex("key", g.key);
      f.Str("name", g.name, kMaxNameBytes);
      body = g;
      break;
    }
    case TxKind::kSuccession: {
      Succession g;
      f.Corporate("predecessor", g.predecessor);
      f.Corporate("successor", g.successor);
      f.DateField("effective_date", g.effective_date);
      body = g;
      break;
    }
    default:
      return MakeError("tx.unknown_kind", "unknown kind");
  }
  return f.Finish();
}

}  // namespace

json TxToJson(const Tx& tx) {
  json sigs = json::array();
  for (const auto& s : tx.signatures) sigs.push_back({{"signer", ToHex(s.signer)}, {"signature", ToHex(s.signature)}});
  return {{"version", kTxVersion},
          {"kind", std::string(TxKindName(tx.kind))},
          {"nonce", tx.nonce},
          {"body", std::visit(BodyToJson{tx.kind}, tx.body)},
          {"signatures", sigs}};
}

Result<Tx> TxFromJson(const json& j) {
  JsonFields f(j, "");
  Tx tx;
  std::uint8_t version = 0;
  std::string kind_name;
  f.U8("version", version);
  f.Str("kind", kind_name, 64);
  f.U64("nonce", tx.nonce);
  const json* body = f.Object("body");
  const json* sigs = f.Array("signatures", kMaxSignatures);
  JOBCARD_TRY_STATUS(f.Finish());
  if (version != kTxVersion) return MakeError("tx.unsupported_version", "version must be 1");
  auto kind = TxKindFromName(kind_name);
  if (!kind) return MakeError("tx.unknown_kind", "unknown kind '" + kind_name + "'");
  tx.kind = *kind;
  JOBCARD_TRY_STATUS(ReadBody(tx.kind, *body, tx.body));
  for (std::size_t i = 0; i < sigs->size(); ++i) {
    JsonFields sf((*sigs)[i], "signatures[" + std::to_string(i) + "]");
    TxSignature s;
    sf.Hex("signer", s.signer);
    sf.Hex("signature", s.signature);
    JOBCARD_TRY_STATUS(sf.Finish());
    if (!tx.signatures.empty() && !(tx.signatures.back().signer < s.signer)) {
      return MakeError("tx.signature_order", "signatures must be sorted by signer key with no signer twice");
    }
    tx.signatures.push_back(s);
  }
  JOBCARD_TRY_STATUS(CheckTxForm(tx));
  return tx;
}

}  // namespace jobcard::ledger
