#include "cli/json_read.h"

namespace jobcard::cli {

nlohmann::json JsonMember(const nlohmann::json& object, const char* name) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(name);
  return it == object.end() ? nlohmann::json() : *it;
}

std::string JsonString(const nlohmann::json& object, const char* name, const std::string& fallback) {
  const nlohmann::json member = JsonMember(object, name);
  return member.is_string() ? member.get<std::string>() : fallback;
}

std::uint64_t JsonU64(const nlohmann::json& object, const char* name) {
  const nlohmann::json member = JsonMember(object, name);
  return member.is_number_unsigned() ? member.get<std::uint64_t>() : 0;
}

bool JsonBool(const nlohmann::json& object, const char* name) {
  const nlohmann::json member = JsonMember(object, name);
  return member.is_boolean() && member.get<bool>();
}

}  // namespace jobcard::cli
