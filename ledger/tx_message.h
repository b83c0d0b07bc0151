// A transaction's id and signature check from its signing message built
// once: the mempool needs both for every arriving transaction, and building
// the message (encoding the body) twice was ~2 % of admission
// (BENCHMARKS.md, "The block phase and admission, profiled"). Same results
// as TxId and VerifyTxSignatures (ledger/tx.h), which call these.
//
// A separate header, not tx.h, so that its few callers do not make
// everything that includes tx.h rebuild.
#pragma once

#include "ledger/tx.h"

namespace jobcard::ledger {

// TxId(chain_id, tx), given signing_message == SigningMessage(chain_id, tx).
EntryId TxIdOfMessage(const Tx& tx, ByteView signing_message);

// Both at once, for a caller that needs the id before handing the
// transaction on (the gossip path drops pending copies by id, then the
// mempool verifies the signatures against the same message).
struct TxMessageAndId {
  Bytes signing_message;
  EntryId id{};
};
TxMessageAndId MessageAndIdOf(std::string_view chain_id, const Tx& tx);
// VerifyTxSignatures(tx, chain_id), given the same.
Status VerifyTxSignaturesOfMessage(const Tx& tx, ByteView signing_message);

}  // namespace jobcard::ledger
