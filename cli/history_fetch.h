// A worker's own history, fetched from a node and checked before it is
// shown: every transaction must hash to the id the subject's record lists,
// carry valid signatures by the right parties (the employer's key, active at
// the entry's height; the host's too for secondments; the worker's own key
// for disputes), and decrypt with the worker's key to a payload that matches
// its commitment. A node can withhold entries (the state-index proof that
// rules this out is the bundle verifier's job) but cannot alter or forge
// one without this check failing.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/node_client.h"
#include "crypto/sign.h"
#include "ledger/payload.h"
#include "ledger/tx.h"

namespace jobcard::cli {

struct HistoryEntry {
  ledger::EntryId id{};
  ledger::Tx tx;
  bool decoded = false;  // false: tx is empty and `problems` says why
  std::uint64_t height = 0;
  bool superseded = false;  // as the subject's record says
  bool disputed = false;
  std::string employer_name;       // from the node; empty if unknown
  std::string host_employer_name;  // secondments
  std::optional<ledger::Payload> payload;  // decrypted, when it could be
  std::vector<std::string> problems;       // verification failures, for people

  const ledger::CareerEntry& entry() const { return std::get<ledger::CareerEntry>(tx.body); }
};

struct History {
  std::string chain_id;
  ledger::SubjectId subject{};
  std::uint64_t tip_height = 0;
  std::vector<HistoryEntry> entries;  // in commit order
  std::size_t problem_count() const;
};

// Fetches GET /v1/subjects/{id}/history and checks it as above. An error
// means no history could be shown at all (unknown subject, the key is not
// the subject's current key, the node is unreachable); per-entry failures
// are in each entry's `problems`.
Result<History> FetchVerifiedHistory(NodeClient& node, const ledger::SubjectId& subject, const crypto::SigningKey& key);

}  // namespace jobcard::cli
