#include "ledger/genesis.h"

#include <set>
#include <sstream>

#include "crypto/hash.h"
#include "crypto/private_file.h"
#include "ledger/encoding.h"
#include "ledger/json_fields.h"
#include "ledger/tx.h"

namespace jobcard::ledger {

using nlohmann::json;

namespace {

bool ReadKey(JsonFields& f, const char* key, crypto::PublicKey& out) { return f.Hex(key, out); }

Status ReadParams(const json& j, ChainParams& p) {
  JsonFields f(j, "params");
  f.U64("block_interval_ms", p.block_interval_ms);
  f.U64("max_block_bytes", p.max_block_bytes);
  f.U32("max_block_txs", p.max_block_txs);
  f.U32("recording_deadline_days", p.recording_deadline_days);
  f.U32("max_clock_skew_seconds", p.max_clock_skew_seconds);
  if (f.Has("compliance_start_date")) {
    Date start;
    if (f.DateField("compliance_start_date", start)) p.compliance_start_date = start;
  }
  return f.Finish();
}

json KeysToJson(const std::vector<crypto::PublicKey>& keys) {
  json out = json::array();
  for (const auto& k : keys) out.push_back(ToHex(k));
  return out;
}

Status ReadKeyList(JsonFields& f, const char* key, std::size_t max, std::vector<crypto::PublicKey>& out) {
  const json* arr = f.Array(key, max);
  if (!arr) return f.error();
  for (std::size_t i = 0; i < arr->size(); ++i) {
    auto parsed = (*arr)[i].is_string() ? FixedFromHex<32>((*arr)[i].get_ref<const std::string&>())
                                        : Result<FixedBytes<32>>(MakeError("json.type", ""));
    if (!parsed.ok()) {
      return MakeError("genesis.bad_key", f.PathOf(key) + "[" + std::to_string(i) + "]: expected 64 hex digits");
    }
    out.push_back(*parsed);
  }
  return Status::Ok();
}

}  // namespace

Result<Genesis> ParseGenesis(std::string_view text) {
  auto parsed = ParseJson(text, kMaxGenesisBytes);
  if (!parsed.ok()) return parsed.error();
  const json& j = *parsed;
  Genesis g;
  JsonFields f(j, "");
  f.Str("chain_id", g.chain_id, kMaxChainIdBytes);
  f.U64("genesis_time_ms", g.genesis_time_ms);
  f.U32("registrar_threshold", g.registrar_threshold);
  JOBCARD_TRY_STATUS(ReadKeyList(f, "registrar_keys", kMaxRegistrarKeys, g.registrar_keys));
  if (const json* vals = f.Array("validators", kMaxValidators)) {
    for (std::size_t i = 0; i < vals->size(); ++i) {
      JsonFields vf((*vals)[i], "validators[" + std::to_string(i) + "]");
      GenesisValidator v;
      ReadKey(vf, "key", v.key);
      vf.U64("power", v.power);
      vf.Str("name", v.name, kMaxNameBytes);
      JOBCARD_TRY_STATUS(vf.Finish());
      g.validators.push_back(std::move(v));
    }
  }
  if (const json* emps = f.Has("employers") ? f.Array("employers", 100000) : nullptr) {
    for (std::size_t i = 0; i < emps->size(); ++i) {
      std::string path = "employers[" + std::to_string(i) + "]";
      JsonFields ef((*emps)[i], path);
      GenesisEmployer e;
      ef.Corporate("id", e.id);
      ef.Str("name", e.name, kMaxNameBytes);
      JOBCARD_TRY_STATUS(ReadKeyList(ef, "keys", 16, e.keys));
      JOBCARD_TRY_STATUS(ef.Finish());
      g.employers.push_back(std::move(e));
    }
  }
  if (const json* ms = f.Has("matchers") ? f.Array("matchers", 100000) : nullptr) {
    for (std::size_t i = 0; i < ms->size(); ++i) {
      JsonFields mf((*ms)[i], "matchers[" + std::to_string(i) + "]");
      GenesisMatcher m;
      ReadKey(mf, "key", m.key);
      mf.Str("name", m.name, kMaxNameBytes);
      JOBCARD_TRY_STATUS(mf.Finish());
      g.matchers.push_back(std::move(m));
    }
  }
  if (const json* p = f.Has("params") ? f.Object("params") : nullptr) JOBCARD_TRY_STATUS(ReadParams(*p, g.params));
  JOBCARD_TRY_STATUS(f.Finish());
  JOBCARD_TRY_STATUS(ValidateGenesis(g));
  return g;
}

Result<Genesis> LoadGenesisFile(const std::string& path) {
  // A regular file only, read with a bound: a FIFO or a device named as the
  // genesis (a typo, or a hostile suggestion) must not hang or flood the reader.
  auto text = crypto::ReadPrivateFile(path, kMaxGenesisBytes, /*require_owner_only=*/false, "genesis");
  if (!text.ok()) return text.error();
  auto g = ParseGenesis(*text);
  if (!g.ok()) return MakeError(g.error().code, path + ": " + g.error().message);
  return g;
}

Status ValidateGenesis(const Genesis& g) {
  auto fail = [](const std::string& m) { return MakeError("genesis.invalid", m); };
  if (g.chain_id.empty()) return fail("chain_id is empty");
  for (char c : g.chain_id) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) {
      return fail("chain_id may only use letters, digits, '-', '_' and '.'");
    }
  }
  if (g.registrar_keys.empty()) return fail("there must be at least one registrar key");
  if (std::set<crypto::PublicKey>(g.registrar_keys.begin(), g.registrar_keys.end()).size() != g.registrar_keys.size()) {
    return fail("a registrar key is listed twice");
  }
  if (g.registrar_threshold < 1 || g.registrar_threshold > g.registrar_keys.size()) {
    return fail("registrar_threshold must be between 1 and the number of registrar keys");
  }
  if (g.validators.empty()) return fail("there must be at least one validator");
  std::set<crypto::PublicKey> validator_keys;
  for (const auto& v : g.validators) {
    if (!validator_keys.insert(v.key).second) return fail("a validator key is listed twice");
    if (v.power < 1 || v.power > kMaxValidatorPower) return fail("validator power must be 1-" + std::to_string(kMaxValidatorPower));
  }
  std::set<CorporateNumber> employer_ids;
  std::set<crypto::PublicKey> employer_keys;
  for (const auto& e : g.employers) {
    if (!employer_ids.insert(e.id).second) return fail("employer " + e.id.str() + " is listed twice");
    if (e.name.empty()) return fail("employer " + e.id.str() + " has no name");
    if (e.keys.empty()) return fail("employer " + e.id.str() + " has no key");
    for (const auto& k : e.keys) {
      if (!employer_keys.insert(k).second) return fail("an employer key is listed twice");
    }
  }
  const auto& p = g.params;
  if (p.block_interval_ms < 10 || p.block_interval_ms > 600000) return fail("params.block_interval_ms must be 10-600000");
  if (p.max_block_bytes < kMaxTxBytes * 2 || p.max_block_bytes > 64ull * 1024 * 1024) {
    return fail("params.max_block_bytes must be between 32 KiB and 64 MiB");
  }
  if (p.max_block_txs < 1 || p.max_block_txs > 100000) return fail("params.max_block_txs must be 1-100000");
  if (p.recording_deadline_days < 1 || p.recording_deadline_days > 3650) return fail("params.recording_deadline_days must be 1-3650");
  return Status::Ok();
}

json GenesisToJson(const Genesis& g) {
  json validators = json::array();
  for (const auto& v : g.validators) validators.push_back({{"key", ToHex(v.key)}, {"power", v.power}, {"name", v.name}});
  json employers = json::array();
  for (const auto& e : g.employers) employers.push_back({{"id", e.id.str()}, {"name", e.name}, {"keys", KeysToJson(e.keys)}});
  json matchers = json::array();
  for (const auto& m : g.matchers) matchers.push_back({{"key", ToHex(m.key)}, {"name", m.name}});
  const auto& p = g.params;
  json params = {{"block_interval_ms", p.block_interval_ms},
                 {"max_block_bytes", p.max_block_bytes},
                 {"max_block_txs", p.max_block_txs},
                 {"recording_deadline_days", p.recording_deadline_days},
                 {"max_clock_skew_seconds", p.max_clock_skew_seconds}};
  // Written only when set, so a genesis file without it round-trips unchanged.
  if (p.compliance_start_date) params["compliance_start_date"] = p.compliance_start_date->str();
  return {{"chain_id", g.chain_id},
          {"genesis_time_ms", g.genesis_time_ms},
          {"registrar_keys", KeysToJson(g.registrar_keys)},
          {"registrar_threshold", g.registrar_threshold},
          {"validators", validators},
          {"employers", employers},
          {"matchers", matchers},
          {"params", params}};
}

Bytes EncodeGenesis(const Genesis& g) {
  Writer w;
  w.Text(g.chain_id).U64(g.genesis_time_ms).U32(g.registrar_threshold).Count(g.registrar_keys.size());
  for (const auto& k : g.registrar_keys) w.Fixed(k);
  w.Count(g.validators.size());
  for (const auto& v : g.validators) w.Fixed(v.key).U64(v.power).Text(v.name);
  w.U32(static_cast<std::uint32_t>(g.employers.size()));
  for (const auto& e : g.employers) {
    w.Raw(AsBytes(e.id.str())).Text(e.name).Count(e.keys.size());
    for (const auto& k : e.keys) w.Fixed(k);
  }
  w.U32(static_cast<std::uint32_t>(g.matchers.size()));
  for (const auto& m : g.matchers) w.Fixed(m.key).Text(m.name);
  const auto& p = g.params;
  w.U64(p.block_interval_ms).U64(p.max_block_bytes).U32(p.max_block_txs).U32(p.recording_deadline_days).U32(p.max_clock_skew_seconds);
  // Appended only when set: every earlier field is self-delimiting, so the
  // encoding stays injective, and genesis files without it keep their hash
  // (their chains' stores still open).
  if (p.compliance_start_date) {
    const Date& d = *p.compliance_start_date;
    w.U16(d.year).U8(d.month).U8(d.day);
  }
  return std::move(w).take();
}

Hash32 GenesisHash(const Genesis& g) { return crypto::TaggedHash("jobcard.v1.genesis", EncodeGenesis(g)); }

Date ComplianceStartDate(const Genesis& g) {
  return g.params.compliance_start_date.value_or(Date::FromUnixSeconds(g.genesis_time_ms / 1000));
}

}  // namespace jobcard::ledger
