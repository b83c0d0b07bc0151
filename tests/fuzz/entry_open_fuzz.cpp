// Opening an entry's payload (ledger/entry_builder.cpp OpenEntryPayload), as
// `jobcard history` does with the worker's key on an entry fetched from a
// node: the header, the wrapped keys, the nonce and the ciphertext are all
// untrusted. The input is a transaction encoding; the seeds are the spec
// vectors' career entries, encrypted to the keys tried here.
// Invariant: whatever opens matches the entry's signed commitment and is a
// valid, canonical payload.
#include <array>

#include "crypto/sign.h"
#include "ledger/entry_builder.h"
#include "tests/fuzz/fuzz_check.h"

using namespace jobcard;

namespace {

// The reader seeds of spec/vectors/transactions.json: subject, employer, host.
const std::array<crypto::SigningKey, 3>& Readers() {
  static const std::array<crypto::SigningKey, 3> readers = [] {
    auto key = [](std::uint8_t b) { return crypto::SigningKey::FromSeed(Bytes(32, b)).value(); };
    return std::array<crypto::SigningKey, 3>{key(0x10), key(0x11), key(0x20)};
  }();
  return readers;
}

}  // namespace

JOBCARD_FUZZ_TARGET {
  auto tx = ledger::DecodeTx(fuzz::Input(data, size));
  if (!tx.ok()) return 0;
  const auto* entry = std::get_if<ledger::CareerEntry>(&tx->body);
  for (const auto& reader : Readers()) {
    auto payload = ledger::OpenEntryPayload(*tx, reader);
    if (!payload.ok()) {
      FUZZ_CHECK(!payload.error().code.empty());
      continue;
    }
    FUZZ_CHECK(entry != nullptr);
    FUZZ_CHECK(ledger::PayloadCommitment(*payload) == entry->commitment);
    FUZZ_CHECK(ledger::ValidatePayload(*payload).ok());
    auto again = ledger::DecodePayload(ledger::EncodePayload(*payload));
    FUZZ_CHECK(again.ok() && *again == *payload);
  }
  return 0;
}
