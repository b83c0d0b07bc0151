// The body of POST /v1/txs/batch (node/submit_batch.cpp): ParseJson with the
// route's limits, the envelope, and each item as POST /v1/txs reads it
// (node/tx_submission.cpp), submitted to a stand-in for the mempool that
// refuses some transactions (duplicate, full) by their nonce.
// Invariants: a refused body submits nothing; otherwise one result per item
// (1-256), accepted + rejected = items, each pending result's id is the id of
// the transaction submitted for it, in item order, and nothing is submitted
// after a refusal for a full pool.
#include <string>
#include <vector>

#include "ledger/tx.h"
#include "node/submit_batch.h"
#include "tests/fuzz/fuzz_check.h"

using namespace jobcard;

JOBCARD_FUZZ_TARGET {
  const std::string chain_id(fuzz::kFuzzChainId);
  std::vector<std::string> ids;  // what the stand-in accepted, in order
  std::size_t submitted = 0;
  bool full = false;
  auto out = node::SubmitBatch(fuzz::InputText(data, size), [&](ledger::Tx tx) -> Result<ledger::EntryId> {
    FUZZ_CHECK(!full);
    ++submitted;
    if (tx.nonce % 7 == 3) {
      full = true;
      return MakeError("mempool.full", "full");
    }
    if (tx.nonce % 7 == 5) return MakeError("mempool.duplicate", "duplicate");
    const ledger::EntryId id = ledger::TxId(chain_id, tx);
    ids.push_back(ToHex(id));
    return id;
  });
  if (!out.ok()) {
    FUZZ_CHECK(!out.error().code.empty());
    FUZZ_CHECK(submitted == 0);
    return 0;
  }
  const nlohmann::json& results = (*out)["results"];
  FUZZ_CHECK(results.is_array() && !results.empty() && results.size() <= node::kMaxTxsPerSubmitBatch);
  FUZZ_CHECK(submitted <= results.size());
  FUZZ_CHECK((*out)["accepted"].get<std::size_t>() == ids.size());
  FUZZ_CHECK((*out)["accepted"].get<std::size_t>() + (*out)["rejected"].get<std::size_t>() == results.size());
  std::size_t next = 0;
  for (const auto& result : results) {
    if (result.contains("id")) {
      FUZZ_CHECK(next < ids.size() && result["id"] == ids[next++]);
    } else {
      FUZZ_CHECK(result["error"]["code"].is_string() && result["http_status"].is_number_unsigned());
    }
  }
  return 0;
}
