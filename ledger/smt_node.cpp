#include "ledger/smt_node.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>

#include "crypto/hash.h"
#include "ledger/encoding.h"

namespace jobcard::ledger {
namespace {

// TaggedHash(tag, a || b), assembled on the stack and hashed in one call
// (tree nodes are public; crypto::Sha256Public), because this is the tree's
// hot path: a block's update hashes ~13 nodes per changed key.
Hash32 HashPair(const Bytes& prefix, const Hash32& a, const Hash32& b) {
  std::array<std::uint8_t, 1 + 255 + 64> message;
  assert(prefix.size() <= 1 + 255);
  std::copy(prefix.begin(), prefix.end(), message.begin());
  std::copy(a.begin(), a.end(), message.begin() + static_cast<std::ptrdiff_t>(prefix.size()));
  std::copy(b.begin(), b.end(), message.begin() + static_cast<std::ptrdiff_t>(prefix.size() + 32));
  return crypto::Sha256Public(ByteView(message.data(), prefix.size() + 64));
}

const Bytes& LeafPrefix() {
  static const Bytes prefix = crypto::DomainPrefix(kSmtLeafTag);
  return prefix;
}

const Bytes& InternalPrefix() {
  static const Bytes prefix = crypto::DomainPrefix(kSmtInternalTag);
  return prefix;
}

}  // namespace

Hash32 SmtLeafHash(const SmtLeaf& leaf) { return HashPair(LeafPrefix(), leaf.key, leaf.value_hash); }

Hash32 SmtInternalHash(const Hash32& left, const Hash32& right) {
  return HashPair(InternalPrefix(), left, right);
}

Hash32 SmtNodeHash(const SmtNode& node) {
  if (const auto* leaf = std::get_if<SmtLeaf>(&node)) return SmtLeafHash(*leaf);
  const auto& internal = std::get<SmtInternal>(node);
  return SmtInternalHash(internal.left, internal.right);
}

bool SmtKeyBit(const Hash32& key, std::size_t index) {
  assert(index < kSmtDepth);
  return ((key[index / 8] >> (7 - index % 8)) & 1) != 0;
}

std::size_t SmtCommonPrefixBits(const Hash32& a, const Hash32& b) {
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto diff = static_cast<std::uint8_t>(a[i] ^ b[i]);
    if (diff != 0) return i * 8 + static_cast<std::size_t>(std::countl_zero(diff));
  }
  return kSmtDepth;
}

Hash32 SmtWithBit(const Hash32& path, std::size_t index, bool bit) {
  assert(index < kSmtDepth);
  Hash32 out = path;
  const auto mask = static_cast<std::uint8_t>(0x80u >> (index % 8));
  out[index / 8] = static_cast<std::uint8_t>(bit ? (out[index / 8] | mask) : (out[index / 8] & ~mask));
  return out;
}

void AppendSmtNode(Writer& w, const SmtNode& node) {
  if (const auto* leaf = std::get_if<SmtLeaf>(&node)) {
    w.U8(kSmtLeafKind).Fixed(leaf->key).Fixed(leaf->value_hash);
  } else {
    const auto& internal = std::get<SmtInternal>(node);
    w.U8(kSmtInternalKind).Fixed(internal.left).Fixed(internal.right);
  }
}

Bytes EncodeSmtNode(const SmtNode& node) {
  Writer w(kSmtNodeBytes);
  AppendSmtNode(w, node);
  return std::move(w).take();
}

Result<SmtNode> DecodeSmtNode(ByteView bytes) {
  Reader r(bytes);
  std::uint8_t kind = 0;
  Hash32 first{};
  Hash32 second{};
  if (r.U8(kind) && kind != kSmtLeafKind && kind != kSmtInternalKind) {
    r.Fail("smt.bad_node", "unknown node kind " + std::to_string(kind));
  }
  r.Fixed(first);
  r.Fixed(second);
  JOBCARD_TRY_STATUS(r.Finish());
  if (kind == kSmtLeafKind) return SmtNode{SmtLeaf{first, second}};
  return SmtNode{SmtInternal{first, second}};
}

}  // namespace jobcard::ledger
