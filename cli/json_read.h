// Reading the node's JSON answers without trusting their shape: a missing
// member, or one of another type, gives the fallback. nlohmann's value() and
// operator[] would throw or assert instead, and a node must not be able to
// crash the CLI with a malformed answer.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace jobcard::cli {

// object[name], or null.
nlohmann::json JsonMember(const nlohmann::json& object, const char* name);
std::string JsonString(const nlohmann::json& object, const char* name, const std::string& fallback = "");
std::uint64_t JsonU64(const nlohmann::json& object, const char* name);
bool JsonBool(const nlohmann::json& object, const char* name);

}  // namespace jobcard::cli
