#include "ledger/json_fields.h"

#include <algorithm>

namespace jobcard::ledger {

namespace {
// Counts bracket nesting outside strings, so that a hostile `[[[[...` cannot
// drive the recursive parser deep before we refuse it.
bool NestingWithin(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > max_depth) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}
}  // namespace

Result<nlohmann::json> ParseJson(std::string_view text, std::size_t max_bytes, int max_depth) {
  if (text.size() > max_bytes) {
    return MakeError("json.too_large", "the JSON document is larger than " + std::to_string(max_bytes) + " bytes");
  }
  if (!NestingWithin(text, max_depth)) {
    return MakeError("json.too_deep", "the JSON document nests deeper than " + std::to_string(max_depth) + " levels");
  }
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return MakeError("json.malformed", "the body is not well-formed JSON");
  return parsed;
}

JsonFields::JsonFields(const nlohmann::json& object, std::string path) : object_(object), path_(std::move(path)) {
  if (!object_.is_object()) {
    ok_ = false;
    error_ = MakeError("json.type", (path_.empty() ? std::string("the document") : path_) + ": expected an object");
  }
}

std::string JsonFields::PathOf(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

bool JsonFields::Fail(std::string_view key, std::string message) {
  if (ok_) {
    ok_ = false;
    error_ = MakeError("json.field", PathOf(key) + ": " + message);
  }
  return false;
}

const nlohmann::json* JsonFields::Take(const char* key, nlohmann::json::value_t type) {
  if (!ok_) return nullptr;
  seen_.emplace_back(key);
  auto it = object_.find(key);
  if (it == object_.end()) {
    Fail(key, "is missing");
    return nullptr;
  }
  bool matches = it->type() == type ||
                 (type == nlohmann::json::value_t::number_unsigned && it->is_number_integer() &&
                  (it->is_number_unsigned() || it->get<std::int64_t>() >= 0));
  if (!matches) {
    const char* expected = type == nlohmann::json::value_t::string ? "a string"
                           : type == nlohmann::json::value_t::array ? "an array"
                           : type == nlohmann::json::value_t::object ? "an object"
                           : type == nlohmann::json::value_t::boolean ? "true or false"
                                                                       : "a non-negative integer";
    Fail(key, std::string("expected ") + expected);
    return nullptr;
  }
  return &*it;
}

bool JsonFields::Str(const char* key, std::string& out, std::size_t max_bytes) {
  const nlohmann::json* v = Take(key, nlohmann::json::value_t::string);
  if (!v) return false;
  const auto& s = v->get_ref<const std::string&>();
  if (s.size() > max_bytes) return Fail(key, "is longer than " + std::to_string(max_bytes) + " bytes");
  out = s;
  return true;
}

bool JsonFields::U64(const char* key, std::uint64_t& out) {
  const nlohmann::json* v = Take(key, nlohmann::json::value_t::number_unsigned);
  if (!v) return false;
  out = v->get<std::uint64_t>();
  return true;
}

bool JsonFields::U32(const char* key, std::uint32_t& out) {
  std::uint64_t v = 0;
  if (!U64(key, v)) return false;
  if (v > 0xffffffffu) return Fail(key, "is larger than 4294967295");
  out = static_cast<std::uint32_t>(v);
  return true;
}

bool JsonFields::U8(const char* key, std::uint8_t& out) {
  std::uint64_t v = 0;
  if (!U64(key, v)) return false;
  if (v > 255) return Fail(key, "is larger than 255");
  out = static_cast<std::uint8_t>(v);
  return true;
}

bool JsonFields::Bool(const char* key, bool& out) {
  const nlohmann::json* v = Take(key, nlohmann::json::value_t::boolean);
  if (!v) return false;
  out = v->get<bool>();
  return true;
}

bool JsonFields::HexBytes(const char* key, Bytes& out, std::size_t max_bytes) {
  const nlohmann::json* v = Take(key, nlohmann::json::value_t::string);
  if (!v) return false;
  const auto& s = v->get_ref<const std::string&>();
  if (s.size() > max_bytes * 2) return Fail(key, "is longer than " + std::to_string(max_bytes) + " bytes");
  auto parsed = FromHex(s);
  if (!parsed.ok()) return Fail(key, parsed.error().message);
  out = std::move(*parsed);
  return true;
}

bool JsonFields::DateField(const char* key, Date& out) {
  std::string s;
  if (!Str(key, s, 10)) return false;
  auto d = Date::Parse(s);
  if (!d.ok()) return Fail(key, d.error().message);
  out = *d;
  return true;
}

bool JsonFields::Corporate(const char* key, CorporateNumber& out) {
  std::string s;
  if (!Str(key, s, 13)) return false;
  auto c = CorporateNumber::Parse(s);
  if (!c.ok()) return Fail(key, c.error().message);
  out = *c;
  return true;
}

const nlohmann::json* JsonFields::Array(const char* key, std::size_t max_items) {
  const nlohmann::json* v = Take(key, nlohmann::json::value_t::array);
  if (!v) return nullptr;
  if (v->size() > max_items) {
    Fail(key, "has more than " + std::to_string(max_items) + " items");
    return nullptr;
  }
  return v;
}

const nlohmann::json* JsonFields::Object(const char* key) { return Take(key, nlohmann::json::value_t::object); }

Status JsonFields::Finish() {
  if (!ok_) return error_;
  for (auto it = object_.begin(); it != object_.end(); ++it) {
    if (std::find(seen_.begin(), seen_.end(), it.key()) == seen_.end()) {
      return MakeError("json.unknown_field", PathOf(it.key()) + ": unknown field");
    }
  }
  return Status::Ok();
}

}  // namespace jobcard::ledger
