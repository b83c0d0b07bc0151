// What a node has stored that a client could have added: entries in the
// log, transactions waiting in the mempool, access receipts in its home.
// Taken before and after an attack, equal footprints show the attack stored
// nothing. Reads the node's API and its home directory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "tests/support/http_client.h"

namespace jobcard::testing {

struct LedgerFootprint {
  std::uint64_t log_size = 0;
  std::uint64_t mempool_txs = 0;
  std::uintmax_t receipts_bytes = 0;

  bool operator==(const LedgerFootprint&) const = default;
  std::string ToString() const {
    return "log_size " + std::to_string(log_size) + ", mempool " + std::to_string(mempool_txs) + " txs, receipts " +
           std::to_string(receipts_bytes) + " bytes";
  }
};

// nullopt when the node does not answer GET /v1/status with its tip.
inline std::optional<LedgerFootprint> ReadLedgerFootprint(std::uint16_t port, const std::filesystem::path& home) {
  const HttpResult status = Request("127.0.0.1", port, "GET", "/v1/status");
  if (!status.ok || status.status != 200) return std::nullopt;
  const nlohmann::json body = nlohmann::json::parse(status.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object() || !body.contains("tip") || !body.contains("mempool")) return std::nullopt;
  LedgerFootprint footprint;
  footprint.log_size = body["tip"].value("log_size", std::uint64_t{0});
  footprint.mempool_txs = body["mempool"].value("txs", std::uint64_t{0});
  std::error_code ec;
  const auto receipts = std::filesystem::file_size(home / "receipts.jsonl", ec);
  footprint.receipts_bytes = ec ? 0 : receipts;
  return footprint;
}

}  // namespace jobcard::testing
