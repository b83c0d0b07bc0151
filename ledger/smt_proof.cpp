#include "ledger/smt_proof.h"

#include <bit>
#include <cassert>

#include "ledger/encoding.h"

namespace jobcard::ledger {
namespace {

constexpr std::uint8_t kEmptyTerminal = 0;
constexpr std::uint8_t kLeafTerminal = 1;

using Bitmap = FixedBytes<kSmtDepth / 8>;

// The bitmap numbers its bits as keys do: most significant bit of byte 0 first.
bool BitmapBit(const Bitmap& bitmap, std::size_t index) { return SmtKeyBit(bitmap, index); }

void SetBitmapBit(Bitmap& bitmap, std::size_t index) {
  bitmap[index / 8] = static_cast<std::uint8_t>(bitmap[index / 8] | (0x80u >> (index % 8)));
}

std::size_t PopCount(const Bitmap& bitmap) {
  std::size_t n = 0;
  for (std::uint8_t byte : bitmap) n += static_cast<std::size_t>(std::popcount(byte));
  return n;
}

// Checks what the proof's terminal says about `key` against what the caller
// claims; the hash chain is checked afterwards.
Status CheckTerminal(const Hash32& key, const std::optional<Hash32>& value, const SmtProof& proof) {
  const bool leaf_is_key = proof.leaf.has_value() && proof.leaf->key == key;
  if (value.has_value()) {
    if (!leaf_is_key) return MakeError("smt.key_absent", "the proof shows no leaf for this key");
    if (proof.leaf->value_hash != *value) {
      return MakeError("smt.value_mismatch", "the key's leaf holds another value");
    }
    return Status::Ok();
  }
  if (leaf_is_key) return MakeError("smt.key_present", "the proof shows a leaf for this key");
  // Another key's leaf only proves absence where it sits on the key's path.
  if (proof.leaf.has_value() && SmtCommonPrefixBits(proof.leaf->key, key) < proof.siblings.size()) {
    return MakeError("smt.proof_malformed", "the proof's leaf is not on the key's path");
  }
  return Status::Ok();
}

}  // namespace

Status VerifySmtProof(const Hash32& root, const Hash32& key, const std::optional<Hash32>& value,
                      const SmtProof& proof) {
  if (proof.siblings.size() > kSmtDepth) {
    return MakeError("smt.proof_malformed", "a proof has at most 256 siblings");
  }
  JOBCARD_TRY_STATUS(CheckTerminal(key, value, proof));
  Hash32 hash = proof.leaf.has_value() ? SmtLeafHash(*proof.leaf) : kSmtEmptyHash;
  for (std::size_t depth = proof.siblings.size(); depth-- > 0;) {
    const Hash32& sibling = proof.siblings[depth];
    hash = SmtKeyBit(key, depth) ? SmtInternalHash(sibling, hash) : SmtInternalHash(hash, sibling);
  }
  if (hash != root) return MakeError("smt.root_mismatch", "the proof leads to another root");
  return Status::Ok();
}

Bytes EncodeSmtProof(const SmtProof& proof) {
  assert(proof.siblings.size() <= kSmtDepth);
  Writer w;
  w.U8(proof.leaf.has_value() ? kLeafTerminal : kEmptyTerminal);
  if (proof.leaf.has_value()) w.Fixed(proof.leaf->key).Fixed(proof.leaf->value_hash);
  w.U16(static_cast<std::uint16_t>(proof.siblings.size()));
  Bitmap bitmap{};
  std::vector<const Hash32*> present;
  for (std::size_t d = 0; d < proof.siblings.size(); ++d) {
    if (proof.siblings[d] == kSmtEmptyHash) continue;
    SetBitmapBit(bitmap, d);
    present.push_back(&proof.siblings[d]);
  }
  w.Fixed(bitmap).Count(present.size());
  for (const Hash32* sibling : present) w.Fixed(*sibling);
  return std::move(w).take();
}

Result<SmtProof> DecodeSmtProof(ByteView bytes) {
  Reader r(bytes);
  SmtProof proof;
  std::uint8_t terminal = 0;
  if (r.U8(terminal) && terminal != kEmptyTerminal && terminal != kLeafTerminal) {
    r.Fail("smt.proof_malformed", "unknown proof terminal " + std::to_string(terminal));
  }
  if (terminal == kLeafTerminal) {
    SmtLeaf leaf{};
    if (r.Fixed(leaf.key) && r.Fixed(leaf.value_hash)) proof.leaf = leaf;
  }
  std::uint16_t depth = 0;
  if (r.U16(depth) && depth > kSmtDepth) {
    r.Fail("encoding.too_many", "a proof has " + std::to_string(depth) + " levels; the maximum is 256");
  }
  Bitmap bitmap{};
  std::size_t count = 0;
  if (r.Fixed(bitmap) && r.Count(count, kSmtDepth, "proof siblings")) {
    for (std::size_t d = depth; d < kSmtDepth; ++d) {
      if (BitmapBit(bitmap, d)) {
        r.Fail("smt.proof_malformed", "the sibling bitmap marks a level below the proof's end");
        break;
      }
    }
    if (r.ok() && PopCount(bitmap) != count) {
      r.Fail("smt.proof_malformed", "the sibling count disagrees with the bitmap");
    }
  }
  if (!r.ok()) return r.error();
  proof.siblings.assign(depth, kSmtEmptyHash);
  for (std::size_t d = 0; d < depth && r.ok(); ++d) {
    if (!BitmapBit(bitmap, d)) continue;
    // An explicit empty hash would be a second encoding of the same proof.
    if (r.Fixed(proof.siblings[d]) && proof.siblings[d] == kSmtEmptyHash) {
      r.Fail("smt.proof_malformed", "an empty sibling must be marked in the bitmap, not written");
    }
  }
  JOBCARD_TRY_STATUS(r.Finish());
  return proof;
}

}  // namespace jobcard::ledger
