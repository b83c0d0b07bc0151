#include "cli/devnet_home.h"

#include <cassert>
#include <fstream>

#include "crypto/keystore.h"
#include "crypto/private_file.h"
#include "crypto/random.h"
#include "ledger/genesis.h"
#include "ledger/pseudonym.h"
#include "node/node_config.h"

namespace jobcard::cli {

namespace {

namespace fs = std::filesystem;

// Demo employers. The base numbers follow the 法人番号 layout (registry
// office, 01 = 株式会社, serial); the check digit is computed, never typed.
struct DemoEmployer {
  const char* name;
  const char* base12;
};
constexpr DemoEmployer kDemoEmployers[] = {
    {"北海道精密工業株式会社", "430001023581"},  // 札幌法務局
    {"東京商事株式会社", "010401047162"},        // 東京法務局
};
constexpr const char* kMatcherName = "札幌プロ人材センター";

constexpr const char* kRegistrarKeyFile = "keys/registrar.key";
constexpr const char* kPseudonymKeyFile = "keys/registrar-pseudonym.key";
constexpr const char* kValidatorKeyFile = "keys/validator.key";
constexpr const char* kMatcherKeyFile = "keys/matcher.key";
constexpr const char* kGenesisFile = "genesis.json";
constexpr const char* kReadmeFile = "README.txt";

ledger::CorporateNumber DemoCorporateNumber(const DemoEmployer& e) {
  const std::string digits = std::to_string(ledger::CorporateNumberCheckDigit(e.base12)) + e.base12;
  auto parsed = ledger::CorporateNumber::Parse(digits);
  assert(parsed.ok());  // the table above is fixed
  return *parsed;
}

std::string EmployerKeyFile(const ledger::CorporateNumber& id) { return "keys/employer-" + id.str() + ".key"; }

// Every file of a home, in the order a person reads about them.
std::vector<DevnetFile> HomeFiles() {
  std::vector<DevnetFile> files = {
      {kGenesisFile, "the chain's genesis: registrar key, validator, demo employers and matcher"},
      {std::string(node::kNodeConfigFileName), "this node's configuration, all defaults (spec/node-config.md)"},
      {kReadmeFile, "what each file here is"},
      {kRegistrarKeyFile, "registrar key (1 of 1): signs governance transactions"},
      {kPseudonymKeyFile, "registrar pseudonym key (hex): turns a My Number into a subject id"},
      {kValidatorKeyFile, "validator key of " + DevnetValidatorName(0) + ": signs proposals and votes"},
  };
  for (const DemoEmployer& e : kDemoEmployers) {
    files.push_back({EmployerKeyFile(DemoCorporateNumber(e)), std::string(e.name) + ": signs its career entries"});
  }
  files.push_back({kMatcherKeyFile, std::string(kMatcherName) + ": the demo matcher's key"});
  return files;
}

Status IoError(const std::string& what, const std::error_code& ec) {
  return MakeError("node_init.io", what + ": " + ec.message());
}

Status MakeDirectories(const fs::path& home) {
  std::error_code ec;
  fs::create_directories(home / "keys", ec);
  if (ec) return IoError("cannot create " + (home / "keys").string(), ec);
  // Owner only, whatever the umask: the key files are encrypted, but their
  // names and count are nobody else's business either (as ~/.ssh).
  fs::permissions(home / "keys", fs::perms::owner_all, fs::perm_options::replace, ec);
  if (ec) return IoError("cannot set the mode of " + (home / "keys").string(), ec);
  return Status::Ok();
}

std::string Readme(const DevnetHomeOptions& options, const std::vector<DevnetFile>& files) {
  std::string text =
      "JobCard development network (created by `jobcard node init --dev`)\n"
      "\n"
      "This directory is a node's home. Start the node with\n"
      "\n"
      "    jobcard node start --home " + options.home.string() + "\n"
      "\n"
      "Files\n";
  for (const DevnetFile& f : files) {
    const std::size_t pad = f.path.size() < 36 ? 36 - f.path.size() : 1;
    text += "  " + f.path + std::string(pad, ' ') + f.what + "\n";
  }
  text += "\nThe node creates its database under data/ (node.json's data_dir) when it first starts.\n\n";
  text += options.passphrase_is_default
              ? "The key files are encrypted with the development passphrase \"" + std::string(kDevnetPassphrase) +
                    "\".\n"
              : std::string("The key files are encrypted with the passphrase that was in JOBCARD_PASSPHRASE.\n");
  text +=
      "These are development keys: they are NOT secret and must never be used on a real network.\n"
      "`jobcard node init --dev --force` replaces every file listed above with new keys and a new genesis.\n";
  return text;
}

}  // namespace

Status WriteTextFile(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) return MakeError("node_init.io", "cannot write " + path.string());
  return Status::Ok();
}

std::string DevnetValidatorName(std::size_t i) { return "devnet-validator-" + std::to_string(i); }

std::vector<std::string> ExistingDevnetFiles(const fs::path& home) {
  std::vector<std::string> existing;
  for (const DevnetFile& f : HomeFiles()) {
    std::error_code ec;
    if (fs::symlink_status(home / f.path, ec).type() != fs::file_type::not_found) existing.push_back(f.path);
  }
  return existing;
}

Result<DevnetHome> CreateDevnetHome(const DevnetHomeOptions& options) {
  const fs::path& home = options.home;
  if (options.passphrase.empty()) {
    return MakeError("keystore.weak_passphrase", "key files need a non-empty passphrase");
  }
  if (std::vector<std::string> existing = ExistingDevnetFiles(home); !existing.empty() && !options.force) {
    std::string list;
    for (const std::string& f : existing) list += (list.empty() ? "" : ", ") + f;
    return MakeError("node_init.exists", home.string() + " is already initialised (it has " + list + ")");
  }

  DevnetHome out;
  out.files = HomeFiles();
  crypto::SigningKey registrar = crypto::SigningKey::Generate();
  crypto::SigningKey validator = crypto::SigningKey::Generate();
  crypto::SigningKey matcher = crypto::SigningKey::Generate();
  std::vector<crypto::SigningKey> employer_keys;

  ledger::Genesis genesis;
  genesis.chain_id = std::string(kDevnetChainId);
  genesis.genesis_time_ms = options.genesis_time_ms;
  genesis.registrar_keys = {registrar.public_key()};
  genesis.registrar_threshold = 1;
  genesis.params.block_interval_ms = kDevnetBlockIntervalMs;
  genesis.validators = {{validator.public_key(), 1, DevnetValidatorName(0)}};
  for (std::size_t i = 1; i < options.validators; ++i) {
    out.other_validators.push_back(crypto::SigningKey::Generate());
    genesis.validators.push_back({out.other_validators.back().public_key(), 1, DevnetValidatorName(i)});
  }
  genesis.matchers = {{matcher.public_key(), kMatcherName}};
  for (const DemoEmployer& e : kDemoEmployers) {
    employer_keys.push_back(crypto::SigningKey::Generate());
    const ledger::CorporateNumber id = DemoCorporateNumber(e);
    genesis.employers.push_back({id, e.name, {employer_keys.back().public_key()}});
    out.employers.push_back({e.name, id, EmployerKeyFile(id)});
  }
  // Checked before anything is written: a bad genesis is a bug here.
  JOBCARD_TRY_STATUS(ledger::ValidateGenesis(genesis));

  JOBCARD_TRY_STATUS(MakeDirectories(home));
  struct KeyFile {
    std::string path;
    std::string label;
    const crypto::SigningKey* key;
  };
  std::vector<KeyFile> key_files = {
      {kRegistrarKeyFile, "jobcard-devnet registrar", &registrar},
      {kValidatorKeyFile, "jobcard-devnet validator " + DevnetValidatorName(0), &validator},
      {kMatcherKeyFile, std::string("jobcard-devnet matcher ") + kMatcherName, &matcher},
  };
  for (std::size_t i = 0; i < out.employers.size(); ++i) {
    key_files.push_back({out.employers[i].key_file, "jobcard-devnet employer " + out.employers[i].name, &employer_keys[i]});
  }
  for (const KeyFile& k : key_files) {
    crypto::KeystoreWriteOptions write_options;
    write_options.label = k.label;
    write_options.force = options.force;
    JOBCARD_TRY_STATUS(crypto::WriteKeystore(home / k.path, *k.key, AsBytes(options.passphrase), write_options));
  }
  const crypto::SecureBuffer pseudonym_key = crypto::RandomSecret(ledger::kPseudonymKeySize);
  JOBCARD_TRY_STATUS(crypto::WritePrivateFileAtomically(home / kPseudonymKeyFile, ToHex(pseudonym_key.view()) + "\n",
                                                        options.force, "pseudonym_key"));

  JOBCARD_TRY_STATUS(WriteTextFile(home / node::kNodeConfigFileName, node::NodeConfigToJson(node::NodeConfig{}).dump(2) + "\n"));
  JOBCARD_TRY_STATUS(WriteTextFile(home / kReadmeFile, Readme(options, out.files)));
  JOBCARD_TRY_STATUS(WriteTextFile(home / kGenesisFile, ledger::GenesisToJson(genesis).dump(2) + "\n"));
  return out;
}

}  // namespace jobcard::cli
