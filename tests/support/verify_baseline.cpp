#include "tests/support/verify_baseline.h"

#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <vector>

#include "crypto/hash.h"
#include "ledger/tx.h"

namespace jobcard::testing {

double RawVerifyRate(const SyntheticWorkload& w, int count) {
  std::vector<Bytes> messages;
  std::vector<crypto::Signature> sigs;
  const auto& key = w.chain().employer_a;
  for (int i = 0; i < count; ++i) {
    // Even subjects are recorded by employer A, whose key verifies here.
    ledger::Tx tx = w.Entry(static_cast<std::uint64_t>(i) * 2, 1, w.chain().genesis.genesis_time_ms / 1000);
    Bytes msg = crypto::DomainPrefix(ledger::KindTag(tx.kind));
    Bytes body = ledger::SigningMessage(w.chain().genesis.chain_id, tx);
    msg.insert(msg.end(), body.begin(), body.end());
    messages.push_back(std::move(msg));
    sigs.push_back(tx.signatures[0].signature);
  }
  int ok = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < count; ++i) {
    ok += crypto_sign_verify_detached(sigs[i].data(), messages[i].data(), messages[i].size(), key.public_key().data()) == 0;
  }
  const double rate = count / std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (ok != count) std::fprintf(stderr, "warning: %d signatures did not verify\n", count - ok);
  return rate;
}

}  // namespace jobcard::testing
