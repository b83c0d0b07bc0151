// JsonFields: strict, non-throwing reading of one JSON object's fields for the
// JSON views (API bodies, genesis, vectors). Every field is typed and bounded,
// unknown keys are an error (a typo must not be silently ignored), and the
// first problem is kept with the path of the field, e.g.
// "body.references[1]: expected 64 hex digits".
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "crypto/bytes.h"
#include "ledger/identifiers.h"

namespace jobcard::ledger {

// Parses JSON text without throwing; rejects input over max_bytes and
// nesting deeper than max_depth before building anything large.
Result<nlohmann::json> ParseJson(std::string_view text, std::size_t max_bytes, int max_depth = 32);

class JsonFields {
 public:
  JsonFields(const nlohmann::json& object, std::string path);

  bool Str(const char* key, std::string& out, std::size_t max_bytes);
  bool U64(const char* key, std::uint64_t& out);
  bool U32(const char* key, std::uint32_t& out);
  bool U8(const char* key, std::uint8_t& out);
  bool Bool(const char* key, bool& out);
  bool HexBytes(const char* key, Bytes& out, std::size_t max_bytes);
  template <std::size_t N>
  bool Hex(const char* key, FixedBytes<N>& out) {
    const nlohmann::json* v = Take(key, nlohmann::json::value_t::string);
    if (!v) return false;
    auto parsed = FixedFromHex<N>(v->get_ref<const std::string&>());
    if (!parsed.ok()) return Fail(key, "expected " + std::to_string(N * 2) + " hex digits");
    out = *parsed;
    return true;
  }
  bool DateField(const char* key, Date& out);
  bool Corporate(const char* key, CorporateNumber& out);
  // An array of at most max_items; the caller reads the items.
  const nlohmann::json* Array(const char* key, std::size_t max_items);
  // A nested object.
  const nlohmann::json* Object(const char* key);
  bool Has(const char* key) const { return object_.is_object() && object_.contains(key); }

  bool Fail(std::string_view key, std::string message);
  std::string PathOf(std::string_view key) const;
  bool ok() const { return ok_; }
  // Fails on the first error, or on keys nobody read.
  Status Finish();
  const Error& error() const { return error_; }

 private:
  const nlohmann::json* Take(const char* key, nlohmann::json::value_t type);
  const nlohmann::json& object_;
  std::string path_;
  std::vector<std::string> seen_;
  bool ok_ = true;
  Error error_;
};

}  // namespace jobcard::ledger
