// Reading what the CLI needs from a node's query API, as typed values: a
// subject's current key, an employer's name and keys, a committed
// transaction. The node's answers are checked for shape; a missing field is
// node.bad_response, never a crash.
#pragma once

#include <string>
#include <vector>

#include "cli/node_client.h"
#include "crypto/sign.h"
#include "ledger/identifiers.h"
#include "ledger/tx.h"

namespace jobcard::cli {

// GET /v1/subjects/{id}: the subject's current key. An unknown subject is
// validation.subject_not_enrolled.
Result<crypto::PublicKey> FetchSubjectKey(NodeClient& node, const ledger::SubjectId& subject);

struct EmployerKeyInfo {
  crypto::PublicKey key{};
  std::uint64_t added_height = 0;
  std::uint64_t revoked_from_height = 0;  // 0: not revoked
};

struct EmployerInfo {
  std::string id;
  std::string name;
  std::string status;  // active, suspended, closed
  std::vector<EmployerKeyInfo> keys;
  std::uint64_t tip_height = 0;  // the height the node answered at

  bool HasKey(const crypto::PublicKey& key) const;
  // The first key (in order of addition) active at the tip, if any.
  const EmployerKeyInfo* FirstActiveKey() const;
};

// GET /v1/employers/{id}. An unknown employer is validation.unknown_employer.
Result<EmployerInfo> FetchEmployer(NodeClient& node, const ledger::CorporateNumber& employer);

// GET /v1/txs/{id} of a committed transaction, decoded from its binary form
// and checked to hash to `id` under `chain_id` (so the node cannot swap it).
Result<ledger::Tx> FetchCommittedTx(NodeClient& node, const std::string& chain_id, const ledger::EntryId& id);

// Decodes a transaction the node sent as hex ("encoded") and checks its id.
Result<ledger::Tx> DecodeCheckedTx(const std::string& encoded_hex, const std::string& chain_id,
                                   const ledger::EntryId& expected_id);

}  // namespace jobcard::cli
