// The genesis file (ledger/genesis.cpp ParseGenesis), read by `node start`
// and by verifiers; a hostile or damaged file must be refused with a reason.
// Invariants: what is accepted validates, writes back to JSON that parses to
// an equal genesis with the same hash (the hash is of the binary encoding, so
// reformatting never changes the chain).
#include "ledger/genesis.h"
#include "tests/fuzz/fuzz_check.h"

using namespace jobcard;

JOBCARD_FUZZ_TARGET {
  auto genesis = ledger::ParseGenesis(fuzz::InputText(data, size));
  if (!genesis.ok()) {
    FUZZ_CHECK(!genesis.error().code.empty());
    return 0;
  }
  FUZZ_CHECK(ledger::ValidateGenesis(*genesis).ok());
  auto again = ledger::ParseGenesis(ledger::GenesisToJson(*genesis).dump());
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(*again == *genesis);
  FUZZ_CHECK(ledger::GenesisHash(*again) == ledger::GenesisHash(*genesis));
  (void)ledger::ComplianceStartDate(*genesis);
  return 0;
}
