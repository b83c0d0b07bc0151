// The committed fuzz seeds (tests/fuzz/corpus/<target>/seed-*) must stay valid
// inputs: a format change that leaves them stale would make every fuzz target
// start from garbage without anyone noticing. `make fuzz-seeds` rewrites them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>

#include "ledger/block.h"
#include "ledger/payload.h"
#include "ledger/tx.h"
#include "node/consensus/messages.h"
#include "node/consensus/sign_state.h"

namespace jobcard {
namespace {

namespace fs = std::filesystem;
namespace consensus = node::consensus;

std::vector<std::pair<std::string, Bytes>> Seeds(const std::string& target) {
  std::vector<std::pair<std::string, Bytes>> out;
  const fs::path dir = fs::path(JOBCARD_SOURCE_DIR) / "tests" / "fuzz" / "corpus" / target;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("seed-", 0) != 0) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    out.emplace_back(name, Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()));
  }
  return out;
}

void ExpectAllDecode(const std::string& target, std::size_t at_least, const std::function<bool(const Bytes&)>& decodes) {
  auto seeds = Seeds(target);
  EXPECT_GE(seeds.size(), at_least) << target;
  for (const auto& [name, bytes] : seeds) EXPECT_TRUE(decodes(bytes)) << target << "/" << name;
}

TEST(FuzzCorpus, BinarySeedsStillDecode) {
  ExpectAllDecode("tx_codec_fuzz", 22, [](const Bytes& b) { return ledger::DecodeTx(b).ok(); });
  ExpectAllDecode("entry_open_fuzz", 10, [](const Bytes& b) { return ledger::DecodeTx(b).ok(); });
  ExpectAllDecode("payload_fuzz", 10, [](const Bytes& b) { return ledger::DecodePayload(b).ok(); });
  ExpectAllDecode("certificate_fuzz", 2, [](const Bytes& b) { return ledger::DecodeCertificate(b).ok(); });
  ExpectAllDecode("sign_state_fuzz", 3, [](const Bytes& b) { return consensus::DecodeSignState(b).ok(); });
  ExpectAllDecode("consensus_message_fuzz", 6, [](const Bytes& b) {
    return consensus::DecodeProposal(b).ok() || consensus::DecodeVote(b).ok();
  });
  ExpectAllDecode("block_fuzz", 4, [](const Bytes& b) {
    return ledger::DecodeBlock(b, 4 * 1024 * 1024).ok() || ledger::DecodeHeader(b).ok();
  });
}

}  // namespace
}  // namespace jobcard
