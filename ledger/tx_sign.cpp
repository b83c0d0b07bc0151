#include <algorithm>

#include "crypto/hash.h"
#include "ledger/tx_message.h"

namespace jobcard::ledger {

EntryId TxId(std::string_view chain_id, const Tx& tx) { return TxIdOfMessage(tx, SigningMessage(chain_id, tx)); }

TxMessageAndId MessageAndIdOf(std::string_view chain_id, const Tx& tx) {
  TxMessageAndId out{SigningMessage(chain_id, tx), {}};
  out.id = TxIdOfMessage(tx, out.signing_message);
  return out;
}

EntryId TxIdOfMessage(const Tx& tx, ByteView signing_message) {
  return crypto::Sha256Hasher().Update(crypto::DomainPrefix(KindTag(tx.kind))).Update(signing_message).Finish();
}

void SignTx(Tx& tx, std::string_view chain_id, const crypto::SigningKey& key) {
  TxSignature sig{key.public_key(), key.Sign(KindTag(tx.kind), SigningMessage(chain_id, tx))};
  auto it = std::lower_bound(tx.signatures.begin(), tx.signatures.end(), sig.signer,
                             [](const TxSignature& s, const crypto::PublicKey& k) { return s.signer < k; });
  if (it != tx.signatures.end() && it->signer == sig.signer) {
    *it = sig;
  } else {
    tx.signatures.insert(it, sig);
  }
}

Status VerifyTxSignatures(const Tx& tx, std::string_view chain_id) {
  return VerifyTxSignaturesOfMessage(tx, SigningMessage(chain_id, tx));
}

Status VerifyTxSignaturesOfMessage(const Tx& tx, ByteView message) {
  if (tx.signatures.empty()) return MakeError("tx.unsigned", "the transaction carries no signature");
  std::string tag = KindTag(tx.kind);
  for (const auto& s : tx.signatures) {
    if (!crypto::Verify(s.signer, tag, message, s.signature)) {
      return MakeError("tx.bad_signature", "the signature by key " + ToHex(s.signer).substr(0, 16) +
                                               "… does not verify (wrong chain, altered content or wrong key)");
    }
  }
  return Status::Ok();
}

}  // namespace jobcard::ledger
