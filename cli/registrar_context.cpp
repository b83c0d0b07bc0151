#include "cli/registrar_context.h"

#include <algorithm>
#include <string_view>

#include "cli/client_common.h"
#include "cli/json_read.h"
#include "cli/devnet_home.h"
#include "crypto/keystore.h"
#include "crypto/private_file.h"
#include "ledger/pseudonym.h"

namespace jobcard::cli {

namespace {

constexpr std::size_t kMaxPseudonymKeyFileBytes = 1024;

Status CheckSameChain(NodeClient& node, const ledger::Genesis& genesis) {
  auto status = node.GetJson("/v1/status");
  if (!status.ok()) return status.error();
  const std::string node_genesis = JsonString(*status, "genesis_hash");
  if (node_genesis != ToHex(ledger::GenesisHash(genesis))) {
    return MakeError("registrar.wrong_chain", "the node at " + node.url() + " runs chain '" +
                                                  JsonString(*status, "chain_id", "?") +
                                                  "' from another genesis than this home's; use --node or --home");
  }
  return Status::Ok();
}

}  // namespace

OptionSpec WithRegistrarOptions(OptionSpec spec) {
  spec.with_value.insert("home");
  spec.repeatable.insert("registrar-key");
  return spec;
}

Result<RegistrarContext> OpenRegistrar(const Args& args, NodeClient& node) {
  RegistrarContext out;
  out.home = args.GetOr("home", "devnet");
  auto genesis = ledger::LoadGenesisFile((out.home / "genesis.json").string());
  if (!genesis.ok()) {
    return MakeError(genesis.error().code, "cannot read the registrar home's genesis (" + genesis.error().message +
                                               "); create a dev home with `jobcard node init --dev --home " +
                                               out.home.string() + "`");
  }
  out.genesis = std::move(*genesis);
  JOBCARD_TRY_STATUS(CheckSameChain(node, out.genesis));

  std::vector<std::string> files = args.GetAll("registrar-key");
  if (files.empty()) files.push_back((out.home / "keys" / "registrar.key").string());
  const bool dev_chain = out.genesis.chain_id == kDevnetChainId;
  for (const std::string& file : files) {
    auto key = UnlockKeyFile(file, dev_chain);
    if (!key.ok()) return MakeError(key.error().code, file + ": " + key.error().message);
    const auto& registrars = out.genesis.registrar_keys;
    if (std::find(registrars.begin(), registrars.end(), key->public_key()) == registrars.end()) {
      return MakeError("registrar.not_a_registrar_key", file + " is not one of the genesis registrar keys");
    }
    for (const auto& earlier : out.keys) {
      if (earlier.public_key() == key->public_key()) {
        return MakeError("registrar.repeated_key", file + " is the same registrar key as an earlier --registrar-key");
      }
    }
    out.keys.push_back(std::move(*key));
  }
  if (out.keys.size() < out.genesis.registrar_threshold) {
    return MakeError("validation.governance_quorum",
                     "this chain needs " + std::to_string(out.genesis.registrar_threshold) + " registrar keys; " +
                         std::to_string(out.keys.size()) + " given");
  }
  return out;
}

void SignAsRegistrar(ledger::Tx& tx, const RegistrarContext& registrar) {
  for (const auto& key : registrar.keys) ledger::SignTx(tx, registrar.genesis.chain_id, key);
}

Result<crypto::SecureBuffer> ReadPseudonymKey(const std::filesystem::path& home) {
  auto text = crypto::ReadPrivateFile(home / "keys" / "registrar-pseudonym.key", kMaxPseudonymKeyFileBytes,
                                      /*require_owner_only=*/true, "pseudonym_key");
  if (!text.ok()) return text.error();
  std::string_view hex = *text;
  while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r')) hex.remove_suffix(1);
  // Decoded straight into locked memory: no other copy of the key's bytes.
  crypto::SecureBuffer key(ledger::kPseudonymKeySize);
  const auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  bool valid = hex.size() == 2 * ledger::kPseudonymKeySize;
  for (std::size_t i = 0; valid && i < ledger::kPseudonymKeySize; ++i) {
    const int high = nibble(hex[2 * i]);
    const int low = nibble(hex[2 * i + 1]);
    valid = high >= 0 && low >= 0;
    key.data()[i] = static_cast<std::uint8_t>(valid ? high * 16 + low : 0);
  }
  if (!valid) return MakeError("pseudonym_key.malformed", "the registrar pseudonym key file does not hold 32 bytes of hex");
  return key;
}

Result<crypto::PublicKey> PublicKeyOption(const Args& args, const std::string& role) {
  const auto file = args.Get(role + "-key");
  const auto hex = args.Get(role + "-pub");
  if (file.has_value() == hex.has_value()) {
    return MakeError("cli.usage", "give exactly one of --" + role + "-key FILE and --" + role + "-pub HEX");
  }
  if (hex) {
    auto key = FixedFromHex<32>(*hex);
    if (!key.ok()) return MakeError("cli.bad_key", "--" + role + "-pub must be 64 hex digits (" + key.error().message + ")");
    return *key;
  }
  auto info = crypto::ReadKeystorePublic(*file);
  if (!info.ok()) return MakeError(info.error().code, *file + ": " + info.error().message);
  return info->public_key;
}

}  // namespace jobcard::cli
