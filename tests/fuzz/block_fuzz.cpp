// Blocks and block headers (ledger/block.cpp), as a node reads them from a
// peer during sync or from its store. The input is tried as a whole block and
// as a bare header.
// Invariants: canonical (re-encodes to the same bytes); every transaction in
// an accepted block meets the form rules; the header is the block's prefix.
#include "ledger/block.h"
#include "ledger/genesis.h"
#include "tests/fuzz/fuzz_check.h"

using namespace jobcard;

JOBCARD_FUZZ_TARGET {
  const ByteView input = fuzz::Input(data, size);
  const Bytes original(data, data + size);

  if (auto header = ledger::DecodeHeader(input); header.ok()) {
    FUZZ_CHECK(size == ledger::kHeaderBytes);
    FUZZ_CHECK(ledger::EncodeHeader(*header) == original);
  }

  auto block = ledger::DecodeBlock(input, ledger::ChainParams{}.max_block_bytes);
  if (!block.ok()) {
    FUZZ_CHECK(!block.error().code.empty());
    return 0;
  }
  FUZZ_CHECK(ledger::EncodeBlock(*block) == original);
  FUZZ_CHECK(block->txs.size() == block->header.tx_count);
  for (const auto& tx : block->txs) FUZZ_CHECK(ledger::CheckTxForm(tx).ok());
  auto header = ledger::DecodeHeader(input.first(ledger::kHeaderBytes));
  FUZZ_CHECK(header.ok() && *header == block->header);
  return 0;
}
