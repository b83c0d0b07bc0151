// A small, strict command-line parser shared by every subcommand.
//
// Grammar: positional words and `--name value` / `--name=value` options and
// `--flag` switches. Each command declares which options it takes; anything
// else is an error that names the offending word, never silently ignored.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "crypto/result.h"

namespace jobcard::cli {

struct OptionSpec {
  std::set<std::string> with_value;  // --name VALUE
  std::set<std::string> switches;    // --name
  // --name VALUE that may be given several times (e.g. one --registrar-key
  // per signer of an m-of-n quorum); read them with GetAll.
  std::set<std::string> repeatable = {};
};

class Args {
 public:
  static Result<Args> Parse(const std::vector<std::string>& words, const OptionSpec& spec);

  const std::vector<std::string>& positional() const { return positional_; }
  bool Has(const std::string& name) const {
    return values_.count(name) > 0 || switches_.count(name) > 0 || repeated_.count(name) > 0;
  }
  std::optional<std::string> Get(const std::string& name) const;
  std::string GetOr(const std::string& name, const std::string& fallback) const;
  bool Switch(const std::string& name) const { return switches_.count(name) > 0; }
  // Every value of a repeatable option, in the order given.
  std::vector<std::string> GetAll(const std::string& name) const;

 private:
  std::vector<std::string> positional_;
  std::map<std::string, std::string> values_;
  std::map<std::string, std::vector<std::string>> repeated_;
  std::set<std::string> switches_;
};

// True when the words ask for help (-h, --help, or a lone "help").
bool WantsHelp(const std::vector<std::string>& words);

}  // namespace jobcard::cli
