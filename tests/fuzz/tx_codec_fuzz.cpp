// The binary transaction decoder (ledger/tx_codec.cpp), as a node reads a
// transaction from a peer, a block or the store.
// Invariants: every encoding is canonical, so whatever decodes re-encodes to
// the very same bytes; what decodes meets the form rules; and the JSON view
// carries it back to an equal transaction.
#include "ledger/tx.h"
#include "ledger/tx_json.h"
#include "tests/fuzz/fuzz_check.h"

using namespace jobcard;

JOBCARD_FUZZ_TARGET {
  auto tx = ledger::DecodeTx(fuzz::Input(data, size));
  if (!tx.ok()) {
    FUZZ_CHECK(!tx.error().code.empty());
    return 0;
  }
  Bytes again = ledger::EncodeTx(*tx);
  FUZZ_CHECK(again == Bytes(data, data + size));
  FUZZ_CHECK(ledger::CheckTxForm(*tx).ok());
  auto from_json = ledger::TxFromJson(ledger::TxToJson(*tx));
  FUZZ_CHECK(from_json.ok());
  FUZZ_CHECK(*from_json == *tx);
  // Signatures are checked, not trusted: verifying must not crash whatever they hold.
  (void)ledger::VerifyTxSignatures(*tx, fuzz::kFuzzChainId);
  return 0;
}
