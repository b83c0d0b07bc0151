// The committed fuzz seeds (tests/fuzz/corpus/<target>/seed-*) must stay valid
// inputs: a format change that leaves them stale would make every fuzz target
// start from garbage without anyone noticing. `make fuzz-seeds` rewrites them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>

#include "ledger/block.h"
#include "ledger/bundle_verify.h"
#include "ledger/genesis.h"
#include "ledger/json_fields.h"
#include "ledger/payload.h"
#include "ledger/tx.h"
#include "node/consensus/messages.h"
#include "node/consensus/sign_state.h"
#include "node/consensus_wire.h"
#include "node/p2p/frame_codec.h"
#include "node/submit_batch.h"
#include "tests/fuzz/p2p_fixed_session.h"

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
  // Byte 0 picks the channel (modulo 3: consensus, sync, transactions); the rest is the payload.
  ExpectAllDecode("p2p_wire_fuzz", 8, [](const Bytes& b) {
    if (b.empty()) return false;
    const ByteView payload = ByteView(b).subspan(1);
    switch (b[0] % 3) {
      case 0: return node::DecodeConsensusMessage(payload).ok();
      case 1: return node::DecodeSyncMessage(payload).ok();
      default: return node::DecodeTxBatch(payload).ok();
    }
  });
  // Every item of the batch seeds is a transaction the stand-in accepts.
  ExpectAllDecode("submit_batch_fuzz", 2, [](const Bytes& b) {
    auto out = node::SubmitBatch(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()),
                                 [](ledger::Tx tx) -> Result<ledger::EntryId> { return ledger::TxId("seed", tx); });
    return out.ok() && (*out)["rejected"] == 0 && (*out)["accepted"].get<std::size_t>() >= 22;
  });
}

// The first p2p vector's seeds take each fuzzed side of the handshake to the
// end, and its frames open with the key that handshake gives.
TEST(FuzzCorpus, P2pSeedsCompleteTheHandshakeAndOpen) {
  const auto& fixed = fuzz::Fixed();
  bool responder_completed = false, initiator_completed = false, frames_opened = false;
  for (const auto& [name, bytes] : Seeds("p2p_handshake_fuzz")) {
    const ByteView input(bytes);
    if (name == "seed-responder-0") {
      const std::size_t n1 = input[1];
      auto responder = fixed.Make(node::p2p::Handshake::Role::kResponder);
      responder_completed = responder.Receive(input.subspan(2, n1)).ok() &&
                            responder.Receive(input.subspan(2 + n1)).ok() && responder.complete();
    }
    if (name == "seed-initiator-0") {
      auto initiator = fixed.Make(node::p2p::Handshake::Role::kInitiator);
      initiator.Start();
      initiator_completed = initiator.Receive(input.subspan(1)).ok() && initiator.complete();
    }
  }
  for (const auto& [name, bytes] : Seeds("p2p_frame_fuzz")) {
    if (name != "seed-frames-0") continue;
    node::p2p::FrameOpener opener(fixed.initiator_session.send_key);
    ByteView rest(bytes);
    while (rest.size() >= node::p2p::kFrameHeaderBytes) {
      auto length = node::p2p::FrameOpener::BodyLength(rest.first(node::p2p::kFrameHeaderBytes));
      ASSERT_TRUE(length.ok());
      ASSERT_TRUE(opener.Open(rest.first(node::p2p::kFrameHeaderBytes), rest.subspan(node::p2p::kFrameHeaderBytes, *length)).ok());
      rest = rest.subspan(node::p2p::kFrameHeaderBytes + *length);
    }
    frames_opened = opener.frames_opened() == 2 && rest.empty();
  }
  EXPECT_TRUE(responder_completed);
  EXPECT_TRUE(initiator_completed);
  EXPECT_TRUE(frames_opened);
}

// bundle_fuzz's seeds verify against the context it fuzzes with
// (tests/tools/bundle_fuzz_seeds writes both).
TEST(FuzzCorpus, BundleSeedsVerifyAgainstTheirContext) {
  std::ifstream in(fs::path(JOBCARD_SOURCE_DIR) / "tests" / "fuzz" / "bundle_fuzz_context.json");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto context = ledger::ParseJson(text, 1024 * 1024, 64);
  ASSERT_TRUE(context.ok());
  auto genesis = ledger::ParseGenesis(context->at("genesis").dump());
  ASSERT_TRUE(genesis.ok());
  ledger::BundleVerifyOptions options;
  options.now = context->at("now").get<std::uint64_t>();
  options.verifier = FixedFromHex<32>(context->at("verifier").get<std::string>()).value();
  const auto seeds = Seeds("bundle_fuzz");
  EXPECT_GE(seeds.size(), 3u);
  for (const auto& [name, bytes] : seeds) {
    const auto report = ledger::VerifyBundleText(std::string(bytes.begin(), bytes.end()), *genesis, options);
    EXPECT_TRUE(report.ok()) << name << ": " << ledger::BundleReportToJson(report).dump();
  }
}

}  // namespace
}  // namespace jobcard
