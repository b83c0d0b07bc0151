// The JSON view of a transaction (ledger/tx_json.cpp), as POST /v1/txs reads
// it: ParseJson with the API's limits, then TxFromJson.
// Invariants: an accepted transaction meets the form rules, its binary
// encoding decodes back to it, and its JSON view reads back to it.
#include "ledger/json_fields.h"
#include "ledger/tx.h"
#include "ledger/tx_json.h"
#include "tests/fuzz/fuzz_check.h"

using namespace jobcard;

JOBCARD_FUZZ_TARGET {
  auto json = ledger::ParseJson(fuzz::InputText(data, size), ledger::kMaxTxBytes * 4);
  if (!json.ok()) return 0;
  auto tx = ledger::TxFromJson(*json);
  if (!tx.ok()) {
    FUZZ_CHECK(!tx.error().code.empty());
    return 0;
  }
  FUZZ_CHECK(ledger::CheckTxForm(*tx).ok());
  auto decoded = ledger::DecodeTx(ledger::EncodeTx(*tx));
  FUZZ_CHECK(decoded.ok());
  FUZZ_CHECK(*decoded == *tx);
  auto again = ledger::TxFromJson(ledger::TxToJson(*tx));
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(*again == *tx);
  return 0;
}
