// Runs the `jobcard` CLI as a child process for end-to-end tests, with the
// dev passphrase for every key file and, by default, --node pointing at the
// test's node.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/run_process.h"
#include "tests/support/temp_dir.h"

namespace jobcard::testing {

class CliRunner {
 public:
  CliRunner(const TempDir& dir, std::string node_url) : dir_(dir), node_url_(std::move(node_url)) {}

  ProcessResult Run(std::vector<std::string> args, bool with_node = true) const {
    if (with_node) {
      args.push_back("--node");
      args.push_back(node_url_);
    }
    return RunProcess(JOBCARD_BINARY, args, dir_.path(), {{"JOBCARD_PASSPHRASE", "devnet"}});
  }

  // Runs with --json and returns the parsed output; fails the test on a
  // non-zero exit.
  nlohmann::json RunJson(std::vector<std::string> args, bool with_node = true) const {
    args.push_back("--json");
    auto r = Run(args, with_node);
    EXPECT_EQ(r.exit_code, 0) << args[0] << " " << (args.size() > 1 ? args[1] : "") << ": " << r.err << r.out;
    nlohmann::json parsed = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << r.out;
    return parsed;
  }

 private:
  const TempDir& dir_;
  std::string node_url_;
};

}  // namespace jobcard::testing
