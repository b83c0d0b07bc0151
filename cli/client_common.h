// What the client subcommands (registrar, employer, history, dispute) share:
// reporting in one voice, the common options, unlocking key files and
// learning the node's chain.
//
// Exit codes (cli/commands.h): 2 for a usage error or an input that fails a
// local check (a bad date, a wrong check digit) — nothing was sent; 1 when
// the operation failed (a key file would not open, the node is unreachable
// or refused the transaction); 0 on success.
#pragma once

#include <charconv>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/node_client.h"
#include "crypto/sign.h"

namespace jobcard::cli {

// Prints "jobcard <command>: ..." on stderr and returns the exit code.
class Reporter {
 public:
  Reporter(std::string command, std::string usage) : command_(std::move(command)), usage_(std::move(usage)) {}

  int Usage(const std::string& message) const;  // the message, then the usage text; exit 2
  int Invalid(const Error& error) const;        // a local check failed; exit 2
  int Fail(const Error& error) const;           // the operation failed; exit 1
  // A bad command line: Usage for a missing or unknown option (cli.usage),
  // Invalid for a value that failed its check.
  int BadInput(const Error& error) const;
  int Help() const;                             // the usage text on stdout; exit 0
  const std::string& command() const { return command_; }

 private:
  std::string command_;
  std::string usage_;
};

// The options every client subcommand takes: --node URL, --json, plus for
// those that submit --no-wait and --wait-timeout SECONDS.
OptionSpec WithNodeOptions(OptionSpec spec);
OptionSpec WithSubmitOptions(OptionSpec spec);

// The help text lines for those options.
inline constexpr const char* kNodeOptionsHelp =
    "  --node URL            the node's API (default http://127.0.0.1:26657)\n"
    "  --json                print one JSON object for scripts instead of text\n";
inline constexpr const char* kSubmitOptionsHelp =
    "  --no-wait             print the id once the node accepted it; do not wait for the block\n"
    "  --wait-timeout SECS   how long to wait for the block (default 30)\n";

// Parses a client subcommand's words: options only, no positional words.
Result<Args> ParseClientArgs(const Words& words, const OptionSpec& spec);

// A whole unsigned decimal number of type T, or nullopt (empty, sign,
// trailing characters, out of range).
template <typename T>
std::optional<T> ParseUnsigned(std::string_view text) {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// From --node (or the default).
Result<NodeClient> ConnectNode(const Args& args);

// Unlocks a key file with $JOBCARD_PASSPHRASE or, if unset, the terminal
// prompt. `dev_default`: with neither, use the documented dev passphrase
// (key files that `jobcard node init --dev` made, as `node start` does).
Result<crypto::SigningKey> UnlockKeyFile(const std::filesystem::path& path, bool dev_default);

// The node's chain id (GET /v1/status): what every signature is bound to.
Result<std::string> FetchChainId(NodeClient& node);

// A required option's value, or a usage error naming it.
Result<std::string> Required(const Args& args, const std::string& name, const std::string& what);

// Parses a 64-hex id given to --<option>.
Result<Hash32> ParseIdOption(const std::string& option, const std::string& hex);

std::uint64_t NowUnixSeconds();
// A fresh random nonce, so that two otherwise identical transactions (the
// same hire entered twice on purpose) get different ids.
std::uint64_t FreshNonce();

// Pretty JSON on stdout. Labels and paths need not be UTF-8: such bytes are
// replaced rather than failing after the work is done.
void PrintJson(const nlohmann::ordered_json& out);

}  // namespace jobcard::cli
