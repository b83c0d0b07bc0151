// The child process of the crash test (tests/node/crash_recovery_test.cpp):
// opens the store in DIR, then commits synthetic blocks until TARGET,
// printing "ACK <height> <block hash>" after each commit returns (that is,
// after the synced write). The parent kills it with SIGKILL at random moments.
// WRITE_BACK_BLOCKS (optional): write the state index's pages every this many
// blocks instead of the store's default, so that kills also land inside and
// right after a write-back of the pages.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "ledger/chain_store.h"
#include "node/solo_producer.h"
#include "tests/support/chain_fixture.h"

int main(int argc, char** argv) {
  using namespace jobcard;
  if (argc != 4 && argc != 5) {
    std::fprintf(stderr, "usage: crash_child DIR TARGET_HEIGHT SUBJECTS_PER_BLOCK [WRITE_BACK_BLOCKS]\n");
    return 2;
  }
  const std::string dir = argv[1];
  const std::uint64_t target = std::strtoull(argv[2], nullptr, 10);
  const std::uint64_t per_block = std::strtoull(argv[3], nullptr, 10);
  ledger::StoreOpenOptions options;
  if (argc == 5) options.state_page_write_back_blocks = static_cast<std::uint32_t>(std::strtoul(argv[4], nullptr, 10));
  testing::TestChain chain = testing::MakeTestChain();
  auto store = ledger::ChainStore::Open(dir, chain.genesis, options);
  if (!store.ok()) {
    std::fprintf(stderr, "open failed: %s: %s\n", store.error().code.c_str(), store.error().message.c_str());
    return 1;
  }
  // The height, and how many blocks' state-index pages Open rebuilt (the
  // pages the last kill left waiting).
  std::printf("OPEN %llu %llu\n", static_cast<unsigned long long>((*store)->Tip().height),
              static_cast<unsigned long long>((*store)->RebuiltPageBlocks()));
  std::fflush(stdout);
  while ((*store)->Tip().height < target) {
    const std::uint64_t height = (*store)->Tip().height + 1;
    auto txs = testing::SyntheticBlockTxs(chain, height, per_block);
    auto block = node::ProduceSoloBlock(**store, txs, testing::SyntheticBlockTimeMs(chain, height), chain.validator);
    if (!block.ok()) {
      std::fprintf(stderr, "produce failed at %llu: %s\n", static_cast<unsigned long long>(height), block.error().message.c_str());
      return 1;
    }
    if (!block->rejected.empty()) {
      std::fprintf(stderr, "block %llu rejected a synthetic tx: %s\n", static_cast<unsigned long long>(height),
                   block->rejected[0].status.error().message.c_str());
      return 1;
    }
    std::printf("ACK %llu %s\n", static_cast<unsigned long long>(height), ToHex(block->block_hash).c_str());
    std::fflush(stdout);
  }
  return 0;
}
