// A development network's home directory, as `jobcard node init --dev`
// creates it: a genesis with freshly generated keys for every role, the
// encrypted key files, a default node.json and a README.txt.
//
// Dev keys are encrypted like any key file, but with a passphrase everyone
// knows by default: they are not secret and must never be used on a real
// network.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/result.h"
#include "crypto/sign.h"
#include "ledger/identifiers.h"

namespace jobcard::cli {

inline constexpr std::string_view kDevnetChainId = "jobcard-devnet";
// The dev genesis's params.block_interval_ms: half the chain default (1 s),
// so that a devnet under issue 5's load (5,000 entries/s) commits with a p50
// under 1.5 s (0.91 s against 1.73 s at 1 s, BENCHMARKS.md "Session 10");
// an idle network makes no blocks, so it costs nothing at rest.
inline constexpr std::uint64_t kDevnetBlockIntervalMs = 500;
// Documented (README.txt, `node init --help`) and used when
// JOBCARD_PASSPHRASE is not set.
inline constexpr std::string_view kDevnetPassphrase = "devnet";

struct DevnetHomeOptions {
  std::filesystem::path home;
  std::string passphrase;             // encrypts every key file; must not be empty
  bool passphrase_is_default = true;  // only changes what README.txt says
  bool force = false;                 // replace the files of an initialised home
  std::uint64_t genesis_time_ms = 0;
  // Validators in the genesis. The home keeps validator 0's key as
  // keys/validator.key; the others are returned (DevnetHome::other_validators)
  // for `jobcard devnet init` to place in their own homes.
  std::size_t validators = 1;
};

struct DevnetFile {
  std::string path;  // relative to the home directory
  std::string what;  // one line for people
};

struct DevnetEmployer {
  std::string name;
  ledger::CorporateNumber id;
  std::string key_file;  // relative to the home directory
};

struct DevnetHome {
  std::vector<DevnetFile> files;  // everything written
  std::vector<DevnetEmployer> employers;
  std::vector<crypto::SigningKey> other_validators;  // validators 1..n-1, in genesis order
};

// Writes a file that is not secret (genesis, node.json) whole, or reports
// node_init.io.
Status WriteTextFile(const std::filesystem::path& path, const std::string& text);

// "devnet-validator-<i>": the name of validator i in a dev genesis.
std::string DevnetValidatorName(std::size_t i);

// The files a devnet home consists of that already exist under `home`;
// empty when `home` is not initialised.
std::vector<std::string> ExistingDevnetFiles(const std::filesystem::path& home);

// Creates the home. Refuses an initialised home unless options.force
// (node_init.exists). genesis.json is written last, so a home without it
// never looks complete. Other errors: node_init.io, keystore.*,
// pseudonym_key.*, genesis.invalid.
Result<DevnetHome> CreateDevnetHome(const DevnetHomeOptions& options);

}  // namespace jobcard::cli
