#include "cli/args.h"

namespace jobcard::cli {

Result<Args> Args::Parse(const std::vector<std::string>& words, const OptionSpec& spec) {
  Args args;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (word.size() < 3 || word.rfind("--", 0) != 0) {
      if (word.size() > 1 && word[0] == '-') {
        return MakeError("cli.unknown_option", "unknown option '" + word + "' (see --help)");
      }
      args.positional_.push_back(word);
      continue;
    }
    std::string name = word.substr(2);
    std::optional<std::string> inline_value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (spec.switches.count(name)) {
      if (inline_value) return MakeError("cli.bad_option", "--" + name + " takes no value");
      args.switches_.insert(name);
      continue;
    }
    const bool repeatable = spec.repeatable.count(name) > 0;
    if (!repeatable && !spec.with_value.count(name)) {
      return MakeError("cli.unknown_option", "unknown option '--" + name + "' (see --help)");
    }
    if (!inline_value) {
      if (i + 1 >= words.size()) return MakeError("cli.missing_value", "--" + name + " needs a value");
      inline_value = words[++i];
    }
    if (repeatable) {
      args.repeated_[name].push_back(*inline_value);
    } else {
      if (args.values_.count(name)) return MakeError("cli.repeated_option", "--" + name + " given twice");
      args.values_[name] = *inline_value;
    }
  }
  return args;
}

std::optional<std::string> Args::Get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> Args::GetAll(const std::string& name) const {
  auto it = repeated_.find(name);
  return it == repeated_.end() ? std::vector<std::string>{} : it->second;
}

std::string Args::GetOr(const std::string& name, const std::string& fallback) const {
  auto v = Get(name);
  return v ? *v : fallback;
}

bool WantsHelp(const std::vector<std::string>& words) {
  for (const auto& w : words) {
    if (w == "-h" || w == "--help") return true;
  }
  return words.size() == 1 && words[0] == "help";
}

}  // namespace jobcard::cli
