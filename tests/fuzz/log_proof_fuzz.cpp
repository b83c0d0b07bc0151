// Entry-log proofs (ledger/merkle_log.cpp), as a client reads the bodies of
// GET /v1/entries/{id}/proof (inclusion: leaf_hash, log_index, log_size,
// log_root, proof) and GET /v1/proofs/consistency (from, to, from_root,
// to_root, proof) and verifies them. The input is such a body.
// Invariants: an accepted proof has exactly the length the sizes imply, and
// changing any one of its hashes or the roots makes it fail (but for the new
// root of a consistency proof from size 0, which nothing binds).
#include <vector>

#include "ledger/json_fields.h"
#include "ledger/merkle_log.h"
#include "tests/fuzz/fuzz_check.h"

using namespace jobcard;

namespace {

constexpr std::size_t kMaxBodyBytes = 64 * 1024;

bool ReadProof(ledger::JsonFields& fields, std::vector<Hash32>& proof) {
  const nlohmann::json* items = fields.Array("proof", ledger::kMaxConsistencyProofHashes);
  if (!items) return false;
  for (const auto& item : *items) {
    if (!item.is_string()) return false;
    auto hash = FixedFromHex<32>(item.get_ref<const std::string&>());
    if (!hash.ok()) return false;
    proof.push_back(*hash);
  }
  return true;
}

Hash32 Flipped(Hash32 hash) {
  hash[0] ^= 0x01;
  return hash;
}

void Inclusion(const nlohmann::json& body) {
  ledger::JsonFields fields(body, "");
  Hash32 id{}, leaf{}, root{};
  std::uint64_t index = 0, tree_size = 0;
  std::vector<Hash32> proof;
  fields.Hex("id", id);
  fields.Hex("leaf_hash", leaf);
  fields.U64("log_index", index);
  fields.U64("log_size", tree_size);
  fields.Hex("log_root", root);
  if (!ReadProof(fields, proof) || !fields.Finish().ok()) return;
  if (!ledger::VerifyInclusion(leaf, index, tree_size, proof, root).ok()) return;
  FUZZ_CHECK(proof.size() == ledger::InclusionProofLength(index, tree_size));
  FUZZ_CHECK(!ledger::VerifyInclusion(Flipped(leaf), index, tree_size, proof, root).ok());
  FUZZ_CHECK(!ledger::VerifyInclusion(leaf, index, tree_size, proof, Flipped(root)).ok());
  for (std::size_t i = 0; i < proof.size(); ++i) {
    auto altered = proof;
    altered[i] = Flipped(altered[i]);
    FUZZ_CHECK(!ledger::VerifyInclusion(leaf, index, tree_size, altered, root).ok());
  }
}

void Consistency(const nlohmann::json& body) {
  ledger::JsonFields fields(body, "");
  Hash32 from_root{}, to_root{};
  std::uint64_t from = 0, to = 0;
  std::vector<Hash32> proof;
  fields.U64("from", from);
  fields.U64("to", to);
  fields.Hex("from_root", from_root);
  fields.Hex("to_root", to_root);
  if (!ReadProof(fields, proof) || !fields.Finish().ok()) return;
  if (!ledger::VerifyConsistency(from, to, from_root, to_root, proof).ok()) return;
  FUZZ_CHECK(proof.size() == ledger::ConsistencyProofLength(from, to));
  FUZZ_CHECK(!ledger::VerifyConsistency(from, to, Flipped(from_root), to_root, proof).ok());
  // Every tree extends the empty one: from 0 the proof is empty and binds no
  // new root (the block header that carries to_root does).
  if (from != 0) FUZZ_CHECK(!ledger::VerifyConsistency(from, to, from_root, Flipped(to_root), proof).ok());
  for (std::size_t i = 0; i < proof.size(); ++i) {
    auto altered = proof;
    altered[i] = Flipped(altered[i]);
    FUZZ_CHECK(!ledger::VerifyConsistency(from, to, from_root, to_root, altered).ok());
  }
}

}  // namespace

JOBCARD_FUZZ_TARGET {
  auto body = ledger::ParseJson(fuzz::InputText(data, size), kMaxBodyBytes);
  if (!body.ok() || !body->is_object()) return 0;
  if (body->contains("leaf_hash")) {
    Inclusion(*body);
  } else {
    Consistency(*body);
  }
  return 0;
}
