#include "cli/client_common.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "cli/commands.h"
#include "cli/devnet_home.h"
#include "cli/error_text.h"
#include "cli/passphrase.h"
#include "crypto/keystore.h"
#include "crypto/random.h"

namespace jobcard::cli {

int Reporter::Usage(const std::string& message) const {
  std::fprintf(stderr, "jobcard %s: %s\n\n%s", command_.c_str(), message.c_str(), usage_.c_str());
  return kExitUsage;
}

int Reporter::Invalid(const Error& error) const {
  std::fprintf(stderr, "jobcard %s: %s [%s]\n(see jobcard %s --help)\n", command_.c_str(), error.message.c_str(),
               error.code.c_str(), command_.c_str());
  return kExitUsage;
}

int Reporter::Fail(const Error& error) const {
  std::fprintf(stderr, "jobcard %s: %s\n", command_.c_str(), DescribeError(error).c_str());
  return kExitFailure;
}

int Reporter::BadInput(const Error& error) const {
  return error.code == "cli.usage" ? Usage(error.message) : Invalid(error);
}

int Reporter::Help() const {
  std::fputs(usage_.c_str(), stdout);
  return kExitOk;
}

OptionSpec WithNodeOptions(OptionSpec spec) {
  spec.with_value.insert("node");
  spec.switches.insert("json");
  return spec;
}

OptionSpec WithSubmitOptions(OptionSpec spec) {
  spec = WithNodeOptions(std::move(spec));
  spec.with_value.insert("wait-timeout");
  spec.switches.insert("no-wait");
  return spec;
}

Result<Args> ParseClientArgs(const Words& words, const OptionSpec& spec) {
  auto args = Args::Parse(words, spec);
  if (!args.ok()) return args.error();
  if (!args->positional().empty()) return MakeError("cli.usage", "unexpected argument '" + args->positional()[0] + "'");
  return args;
}

Result<NodeClient> ConnectNode(const Args& args) { return NodeClient::Create(args.GetOr("node", kDefaultNodeUrl)); }

Result<crypto::SigningKey> UnlockKeyFile(const std::filesystem::path& path, bool dev_default) {
  if (std::getenv(kPassphraseEnvVar) == nullptr && dev_default) {
    return crypto::ReadKeystore(path, AsBytes(kDevnetPassphrase));
  }
  // Refuse a missing or unreadable file before asking for its passphrase.
  if (auto header = crypto::ReadKeystorePublic(path); !header.ok()) return header.error();
  auto passphrase = GetPassphrase(PassphraseUse::kUnlock, "Passphrase for " + path.string() + ": ");
  if (!passphrase.ok()) return passphrase.error();
  return crypto::ReadKeystore(path, passphrase->view());
}

Result<std::string> FetchChainId(NodeClient& node) {
  auto status = node.GetJson("/v1/status");
  if (!status.ok()) return status.error();
  if (!status->contains("chain_id") || !(*status)["chain_id"].is_string()) {
    return MakeError("node.bad_response", "the node's /v1/status has no chain_id");
  }
  return (*status)["chain_id"].get<std::string>();
}

Result<std::string> Required(const Args& args, const std::string& name, const std::string& what) {
  auto value = args.Get(name);
  if (!value) return MakeError("cli.usage", "--" + name + " " + what + " is required");
  return *value;
}

Result<Hash32> ParseIdOption(const std::string& option, const std::string& hex) {
  auto id = FixedFromHex<32>(hex);
  if (!id.ok()) return MakeError("cli.bad_id", "--" + option + " must be 64 hex digits (" + id.error().message + ")");
  return *id;
}

std::uint64_t NowUnixSeconds() {
  using namespace std::chrono;
  return static_cast<std::uint64_t>(duration_cast<seconds>(system_clock::now().time_since_epoch()).count());
}

std::uint64_t FreshNonce() {
  const crypto::SecureBuffer random = crypto::RandomSecret(sizeof(std::uint64_t));
  std::uint64_t nonce = 0;
  std::memcpy(&nonce, random.view().data(), sizeof nonce);
  return nonce;
}

void PrintJson(const nlohmann::ordered_json& out) {
  std::puts(out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace).c_str());
}

}  // namespace jobcard::cli
