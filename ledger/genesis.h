// The genesis file: everything a node needs to start a chain and everything
// a verifier needs to check it offline (registrar keys, first validators,
// parameters). JSON on disk; its identity is the SHA-256 of its canonical
// binary encoding, so reformatting the file does not change the chain.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "crypto/sign.h"
#include "ledger/identifiers.h"

namespace jobcard::ledger {

struct ChainParams {
  std::uint64_t block_interval_ms = 1000;
  std::uint64_t max_block_bytes = 4 * 1024 * 1024;
  std::uint32_t max_block_txs = 20000;
  // Days an employer has to record an event after its effective date
  // (compliance reports flag later entries).
  std::uint32_t recording_deadline_days = 14;
  // Entries effective before this date are back-fill: never flagged late.
  // Unset means Date(genesis_time) (spec/data-model.md §1.6); a genesis file
  // without the field keeps its meaning and its hash.
  std::optional<Date> compliance_start_date;
  // How far a signer's recorded_at may run ahead of the block time.
  std::uint32_t max_clock_skew_seconds = 600;
  bool operator==(const ChainParams&) const = default;
};

struct GenesisValidator {
  crypto::PublicKey key{};
  std::uint64_t power = 1;
  std::string name;
  bool operator==(const GenesisValidator&) const = default;
};

struct GenesisEmployer {
  CorporateNumber id;
  std::string name;
  std::vector<crypto::PublicKey> keys;
  bool operator==(const GenesisEmployer&) const = default;
};

struct GenesisMatcher {
  crypto::PublicKey key{};
  std::string name;
  bool operator==(const GenesisMatcher&) const = default;
};

struct Genesis {
  std::string chain_id;
  std::uint64_t genesis_time_ms = 0;  // unix milliseconds; the first block's time is after it
  std::vector<crypto::PublicKey> registrar_keys;
  std::uint32_t registrar_threshold = 1;  // m of n = registrar_keys.size()
  std::vector<GenesisValidator> validators;
  std::vector<GenesisEmployer> employers;
  std::vector<GenesisMatcher> matchers;
  ChainParams params;
  bool operator==(const Genesis&) const = default;
};

inline constexpr std::size_t kMaxGenesisBytes = 4 * 1024 * 1024;
inline constexpr std::size_t kMaxRegistrarKeys = 16;
inline constexpr std::size_t kMaxValidators = 128;

// Parses and checks a genesis document (sizes, duplicates, threshold, check digits).
Result<Genesis> ParseGenesis(std::string_view json_text);
Result<Genesis> LoadGenesisFile(const std::string& path);
nlohmann::json GenesisToJson(const Genesis& genesis);
Status ValidateGenesis(const Genesis& genesis);
Bytes EncodeGenesis(const Genesis& genesis);
Hash32 GenesisHash(const Genesis& genesis);
// The compliance start date in force: the parameter, or Date(genesis_time).
Date ComplianceStartDate(const Genesis& genesis);

}  // namespace jobcard::ledger
