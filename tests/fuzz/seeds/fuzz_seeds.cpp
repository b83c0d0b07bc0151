// Writes the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/)
// from spec/vectors/*.json and the real encoders, so that every target starts
// from valid inputs and mutates its way out of them. Deterministic except for
// the keystore seeds (fresh salt and nonce). Run by `make fuzz-seeds`; it
// overwrites only the files it names (seed-*), never a regression input.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "crypto/keystore.h"
#include "crypto/sign.h"
#include "ledger/block.h"
#include "ledger/genesis.h"
#include "ledger/json_fields.h"
#include "ledger/merkle_log.h"
#include "ledger/smt_memory_store.h"
#include "ledger/sparse_merkle.h"
#include "ledger/tx.h"
#include "ledger/tx_json.h"
#include "node/consensus/messages.h"
#include "node/consensus/sign_state.h"
#include "node/consensus_wire.h"
#include "node/node_config.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/ledger/rfc9162_reference.h"

using namespace jobcard;
namespace consensus = jobcard::node::consensus;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

fs::path g_corpus;

void Write(const std::string& target, const std::string& name, ByteView bytes) {
  fs::path dir = g_corpus / target;
  fs::create_directories(dir);
  std::ofstream out(dir / ("seed-" + name), std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    std::cerr << "fuzz_seeds: cannot write " << (dir / name) << "\n";
    std::exit(1);
  }
}
void Write(const std::string& target, const std::string& name, std::string_view text) {
  Write(target, name, AsBytes(text));
}

json ReadVectors(const char* file) {
  std::ifstream in(fs::path(JOBCARD_SOURCE_DIR) / "spec" / "vectors" / file);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto parsed = ledger::ParseJson(text, 64 * 1024 * 1024, 64);
  if (!parsed.ok()) {
    std::cerr << "fuzz_seeds: " << file << ": " << parsed.error().message << "\n";
    std::exit(1);
  }
  return *parsed;
}

Bytes Hex(const json& value) { return FromHex(value.get<std::string>()).value(); }

crypto::SigningKey Key(std::uint8_t b) { return crypto::SigningKey::FromSeed(Bytes(32, b)).value(); }

Hash32 HashOf(std::uint8_t b) {
  Hash32 h{};
  h.fill(b);
  return h;
}

// Transactions, payloads and entries: straight from the spec vectors.
std::vector<ledger::Tx> TransactionSeeds() {
  std::vector<ledger::Tx> txs;
  json batch_of_views = json::array(), batch_of_encodings = json::array();  // POST /v1/txs/batch bodies
  for (const auto& v : ReadVectors("transactions.json")) {
    batch_of_views.push_back(v["json"]);
    batch_of_encodings.push_back({{"encoded", v["encoding"]}});
    const std::string kind = v["kind"].get<std::string>();
    const Bytes encoding = Hex(v["encoding"]);
    Write("tx_codec_fuzz", kind, encoding);
    Write("tx_json_fuzz", kind, v["json"].dump());
    if (v.contains("payload") && v["payload"].is_string()) {
      Write("payload_fuzz", kind, Hex(v["payload"]));
      Write("entry_open_fuzz", kind, encoding);
    }
    txs.push_back(ledger::DecodeTx(encoding).value());
  }
  Write("submit_batch_fuzz", "json_views", json{{"txs", batch_of_views}}.dump());
  Write("submit_batch_fuzz", "encodings", json{{"txs", batch_of_encodings}}.dump());
  const json primitives = ReadVectors("primitives.json");
  Write("payload_fuzz", "primitives", Hex(primitives["payload_commitment"]["encoded"]));
  return txs;
}

ledger::BlockHeader SomeHeader(std::uint64_t height, const std::vector<ledger::Tx>& txs) {
  ledger::BlockHeader h;
  h.height = height;
  h.time_ms = 1775000000000 + height;
  h.previous_hash = HashOf(0x01);
  std::vector<ledger::EntryId> ids;
  for (const auto& tx : txs) ids.push_back(ledger::TxId(fuzz::kFuzzChainId, tx));
  h.tx_root = ledger::TxRoot(ids);
  h.tx_count = static_cast<std::uint32_t>(txs.size());
  h.state_root = HashOf(0x02);
  h.log_root = HashOf(0x03);
  h.log_size = 7;
  h.validator_set_hash = HashOf(0x04);
  h.next_validator_set_hash = HashOf(0x04);
  h.proposer = Key(0x31).public_key();
  return h;
}

void BlockSeeds(const std::vector<ledger::Tx>& txs) {
  ledger::Block empty{SomeHeader(1, {}), {}};
  Write("block_fuzz", "empty", ledger::EncodeBlock(empty));
  Write("block_fuzz", "header", ledger::EncodeHeader(empty.header));
  std::vector<ledger::Tx> some(txs.begin(), txs.begin() + std::min<std::size_t>(txs.size(), 4));
  Write("block_fuzz", "four_txs", ledger::EncodeBlock(ledger::Block{SomeHeader(2, some), some}));
  ledger::Block all{SomeHeader(3, txs), txs};
  Write("block_fuzz", "every_kind", ledger::EncodeBlock(all));

  for (std::size_t signers : {1u, 3u}) {
    const Hash32 block_hash = ledger::BlockHash(all.header);
    ledger::CommitCertificate cert{3, 0, block_hash, {}};
    for (std::uint8_t i = 0; i < signers; ++i) {
      cert.signatures.push_back(ledger::SignPrecommit(fuzz::kFuzzChainId, 3, 0, block_hash, Key(0x31 + i)));
    }
    std::sort(cert.signatures.begin(), cert.signatures.end(),
              [](const auto& a, const auto& b) { return a.validator < b.validator; });
    Write("certificate_fuzz", std::to_string(signers) + "_signers", ledger::EncodeCertificate(cert));
    // p2p_wire_fuzz: byte 0 picks the channel (0 consensus, 1 sync, 2 transactions), then the payload.
    Write("p2p_wire_fuzz", "sync_block_" + std::to_string(signers) + "_signers",
          Concat({Bytes{1}, node::EncodeSyncMessage(node::CertifiedBlock{all, cert})}));
  }
  const Hash32 four_hash = ledger::BlockHash(SomeHeader(2, some));
  const auto proposal = consensus::SignProposal(fuzz::kFuzzChainId, 2, 0, {}, four_hash, Key(0x31));
  Write("p2p_wire_fuzz", "proposal_four_txs",
        Concat({Bytes{0}, node::EncodeConsensusMessage(node::ProposalMessage{proposal, {SomeHeader(2, some), some}})}));
  const auto vote = consensus::SignVote(fuzz::kFuzzChainId, consensus::VoteType::kPrecommit, 2, 0, four_hash, Key(0x31));
  Write("p2p_wire_fuzz", "vote", Concat({Bytes{0}, node::EncodeConsensusMessage(vote)}));
  Write("p2p_wire_fuzz", "status", Concat({Bytes{0}, node::EncodeConsensusMessage(node::StatusMessage{7})}));
  Write("p2p_wire_fuzz", "sync_request", Concat({Bytes{1}, node::EncodeSyncMessage(node::BlockRequest{3, 16})}));
  // Channel 2: a transaction batch, of one and of every kind.
  Write("p2p_wire_fuzz", "tx_batch_one", Concat({Bytes{2}, node::EncodeTxBatch({ledger::EncodeTx(txs.front())})}));
  std::vector<Bytes> every_kind;
  for (const auto& tx : txs) every_kind.push_back(ledger::EncodeTx(tx));
  Write("p2p_wire_fuzz", "tx_batch_every_kind", Concat({Bytes{2}, node::EncodeTxBatch(every_kind)}));
}

void ConsensusSeeds() {
  const auto key = Key(0x31);
  const Hash32 value = HashOf(0x0b);
  const std::string t = "consensus_message_fuzz";
  Write(t, "proposal", consensus::EncodeProposal(consensus::SignProposal(fuzz::kFuzzChainId, 5, 0, {}, value, key)));
  Write(t, "proposal_pol", consensus::EncodeProposal(consensus::SignProposal(fuzz::kFuzzChainId, 5, 3, 1, value, key)));
  using consensus::VoteType;
  Write(t, "prevote", consensus::EncodeVote(consensus::SignVote(fuzz::kFuzzChainId, VoteType::kPrevote, 5, 1, value, key)));
  Write(t, "prevote_nil", consensus::EncodeVote(consensus::SignVote(fuzz::kFuzzChainId, VoteType::kPrevote, 5, 1, {}, key)));
  Write(t, "precommit", consensus::EncodeVote(consensus::SignVote(fuzz::kFuzzChainId, VoteType::kPrecommit, 5, 2, value, key)));
  Write(t, "precommit_nil", consensus::EncodeVote(consensus::SignVote(fuzz::kFuzzChainId, VoteType::kPrecommit, 5, 2, {}, key)));

  using consensus::SignStep;
  Write("sign_state_fuzz", "fresh", consensus::EncodeSignState({}));
  Write("sign_state_fuzz", "prevoted", consensus::EncodeSignState({9, 2, SignStep::kPrevote, std::nullopt}));
  Write("sign_state_fuzz", "locked", consensus::EncodeSignState({9, 4, SignStep::kPrecommit, consensus::Lock{3, value}}));
}

json HashesJson(const std::vector<Hash32>& hashes) {
  json out = json::array();
  for (const auto& h : hashes) out.push_back(ToHex(h));
  return out;
}

void ProofSeeds() {
  // Entry-log proofs as the API serves them, over the RFC 9162 reference tree.
  std::vector<Bytes> leaves;
  for (std::uint8_t i = 0; i < 11; ++i) leaves.push_back(Bytes(32, static_cast<std::uint8_t>(0x40 + i)));
  ledger::reference::Tree tree(leaves);
  for (auto [index, size] : {std::pair<std::uint64_t, std::uint64_t>{0, 1}, {3, 7}, {10, 11}}) {
    json body = {{"id", ToHex(leaves[index])}, {"log_index", index}, {"log_size", size},
                 {"leaf_hash", ToHex(ledger::LeafHash(leaves[index]))}, {"log_root", ToHex(tree.Root(size))},
                 {"proof", HashesJson(tree.Path(index, size).hashes)}};
    Write("log_proof_fuzz", "inclusion_" + std::to_string(index) + "_" + std::to_string(size), body.dump());
  }
  for (auto [from, to] : {std::pair<std::uint64_t, std::uint64_t>{0, 5}, {3, 7}, {4, 11}, {6, 6}}) {
    json body = {{"from", from}, {"to", to}, {"from_root", ToHex(tree.Root(from))}, {"to_root", ToHex(tree.Root(to))},
                 {"proof", HashesJson(tree.Consistency(from, to).hashes)}};
    Write("log_proof_fuzz", "consistency_" + std::to_string(from) + "_" + std::to_string(to), body.dump());
  }

  // State-index proofs: a key, then the canonical proof encoding.
  ledger::MemorySmtNodeStore store;
  ledger::SmtChanges changes;
  for (std::uint8_t i = 0; i < 9; ++i) changes.push_back({HashOf(static_cast<std::uint8_t>(i * 29)), HashOf(0xee)});
  auto update = ledger::SmtApply(store, ledger::kSmtEmptyRoot, changes).value();
  store.Commit(update);
  for (std::uint8_t b : {0, 29, 116, 200}) {
    const Hash32 key = HashOf(b);
    auto proof = ledger::SmtProve(store, update.root, key).value();
    Write("smt_proof_fuzz", "key_" + std::to_string(b), Concat({key, ledger::EncodeSmtProof(proof)}));
  }
}

void FileSeeds(const std::vector<ledger::Tx>& txs) {
  ledger::Genesis g;
  g.chain_id = std::string(fuzz::kFuzzChainId);
  g.genesis_time_ms = 1775000000000;
  g.registrar_keys = {Key(0x01).public_key(), Key(0x02).public_key()};
  g.registrar_threshold = 2;
  g.validators = {{Key(0x31).public_key(), 1, "validator-1"}, {Key(0x32).public_key(), 2, "validator-2"}};
  g.employers = {{ledger::CorporateNumber::Parse("2000301018771").value(), "北海道精密工業株式会社",
                  {Key(0x11).public_key()}}};
  g.matchers = {{Key(0x51).public_key(), "matcher"}};
  g.params.compliance_start_date = ledger::Date{2020, 4, 1};
  Write("genesis_fuzz", "small", ledger::GenesisToJson(g).dump(2));
  Write("parse_json_fuzz", "genesis", ledger::GenesisToJson(g).dump());

  node::NodeConfig config;
  Write("node_config_fuzz", "defaults", node::NodeConfigToJson(config).dump(2));
  Write("node_config_fuzz", "empty", std::string_view("{}"));
  Write("node_config_fuzz", "some", std::string_view(R"({"log_level": "debug", "mempool_max_txs": 100})"));

  crypto::KeystoreWriteOptions options;
  options.label = "fuzz seed 札幌人事";
  options.kdf = crypto::KdfParams{1, 8192};
  Write("keystore_fuzz", "cheap", crypto::SealKeystore(Key(0x11), AsBytes("fuzz"), options).value());
  options.label = "";
  options.kdf = crypto::KdfParams{2, 65536};
  Write("keystore_fuzz", "unlabelled", crypto::SealKeystore(Key(0x12), AsBytes("fuzz"), options).value());

  Write("parse_json_fuzz", "nested", std::string_view(R"({"a": [1, -2, 3.5e10, {"b": [true, false, null]}], "s": "\u00e9\ud83d\ude00"})"));
  Write("parse_json_fuzz", "tx", ledger::TxToJson(txs.front()).dump());
}

// The first p2p vector: the handshake as each side receives it (the input
// layout of p2p_handshake_fuzz), and its initiator-to-responder frames as
// one stream (p2p_frame_fuzz). The other vectors use other keys and chains:
// seeds that fail early, in other places.
void P2pSeeds() {
  const json vectors = ReadVectors("p2p.json");
  int i = 0;
  for (const auto& v : vectors) {
    const Bytes m1 = Hex(v.at("message1"));
    const Bytes m2 = Hex(v.at("message2"));
    const Bytes m3 = Hex(v.at("message3"));
    Bytes responder{0x00, static_cast<std::uint8_t>(m1.size())};
    responder.insert(responder.end(), m1.begin(), m1.end());
    responder.insert(responder.end(), m3.begin(), m3.end());
    Write("p2p_handshake_fuzz", "responder-" + std::to_string(i), responder);
    Bytes initiator{0x01};
    initiator.insert(initiator.end(), m2.begin(), m2.end());
    Write("p2p_handshake_fuzz", "initiator-" + std::to_string(i), initiator);
    Bytes stream;
    for (const auto& frame : v.at("frames")) {
      if (frame.at("direction") != "initiator_to_responder") continue;
      const Bytes bytes = Hex(frame.at("frame"));
      stream.insert(stream.end(), bytes.begin(), bytes.end());
    }
    Write("p2p_frame_fuzz", "frames-" + std::to_string(i), stream);
    ++i;
  }
}

void HttpSeeds() {
  const char* targets[] = {"/v1/status", "/v1/blocks/12?limit=5", "/v1/subjects/ab%20cd/history",
                           "/v1/proofs/consistency?from=3&to=7", "/v1/employers/2000301018771/compliance?year=2025",
                           "/metrics", "/v1/blocks/latest"};
  int i = 0;
  for (const char* t : targets) {
    Write("request_target_fuzz", std::to_string(i++), std::string_view(t));
  }
  Write("http_request_fuzz", "get", std::string_view("GET /v1/subjects/ab%20cd/history?x=1 HTTP/1.1\r\nHost: n\r\n\r\n"));
  Write("http_request_fuzz", "post",
        std::string_view("POST /v1/txs HTTP/1.1\r\nHost: n\r\nContent-Type: application/json\r\n"
                         "Content-Length: 2\r\n\r\n{}"));
  Write("http_request_fuzz", "chunked",
        std::string_view("POST /v1/txs HTTP/1.1\r\nHost: n\r\nContent-Type: application/json; charset=utf-8\r\n"
                         "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"));
  Write("http_request_fuzz", "head", std::string_view("HEAD /v1/blocks/latest HTTP/1.1\r\nHost: n\r\n\r\n"));
}

}  // namespace

int main(int argc, char** argv) {
  g_corpus = argc > 1 ? fs::path(argv[1]) : fs::path(JOBCARD_SOURCE_DIR) / "tests" / "fuzz" / "corpus";
  auto txs = TransactionSeeds();
  BlockSeeds(txs);
  ConsensusSeeds();
  ProofSeeds();
  FileSeeds(txs);
  HttpSeeds();
  P2pSeeds();
  std::cout << "fuzz_seeds: wrote the seeds under " << g_corpus << "\n";
  return 0;
}
