// Nodes of the sparse Merkle tree behind the state index (spec/state-index.md):
// their hashes, their storage encoding and the read-only store they live in.
//
// The tree has 256 levels; the key's bits, most significant bit of byte 0
// first, choose the path (0 = left). A subtree without leaves is the empty
// subtree, whose hash is the constant kSmtEmptyHash and which is never stored.
// A subtree holding exactly one leaf is that leaf itself, placed at the highest
// level where it is alone; only subtrees with two or more leaves are internal
// nodes. So the shape, and with it the root, is a function of the key set
// alone, and a path is about log2(n) nodes long for n random keys.
#pragma once

#include <string_view>
#include <variant>

#include "crypto/bytes.h"
#include "crypto/result.h"

namespace jobcard::ledger {

class Writer;  // ledger/encoding.h

inline constexpr std::size_t kSmtDepth = 256;

// Domain-separation tags for crypto::TaggedHash. Part of the consensus rules:
// changing one changes every state root.
inline constexpr std::string_view kSmtLeafTag = "jobcard.smt.leaf";
inline constexpr std::string_view kSmtInternalTag = "jobcard.smt.internal";

// The hash of the empty subtree at every level. All-zero has no known SHA-256
// preimage, so it cannot be confused with a leaf or internal hash.
inline constexpr Hash32 kSmtEmptyHash{};

struct SmtLeaf {
  Hash32 key;
  Hash32 value_hash;
  bool operator==(const SmtLeaf&) const = default;
};

struct SmtInternal {
  Hash32 left;   // the child whose next key bit is 0; kSmtEmptyHash if empty
  Hash32 right;  // the child whose next key bit is 1
  bool operator==(const SmtInternal&) const = default;
};

using SmtNode = std::variant<SmtLeaf, SmtInternal>;

// TaggedHash(kSmtLeafTag, key || value_hash).
Hash32 SmtLeafHash(const SmtLeaf& leaf);
// TaggedHash(kSmtInternalTag, left || right).
Hash32 SmtInternalHash(const Hash32& left, const Hash32& right);
Hash32 SmtNodeHash(const SmtNode& node);

// Bit `index` (0..255) of `key`, most significant bit of byte 0 first.
bool SmtKeyBit(const Hash32& key, std::size_t index);
// How many leading bits `a` and `b` share (256 when equal).
std::size_t SmtCommonPrefixBits(const Hash32& a, const Hash32& b);

// Storage encoding of a node, for a store that keeps nodes as bytes:
// u8 kind (0 = leaf, 1 = internal) then the node's two 32-byte fields.
// Decode errors: encoding.truncated, encoding.trailing_bytes, smt.bad_node.
Bytes EncodeSmtNode(const SmtNode& node);
// The same bytes appended to `w` (kSmtNodeBytes of them), for an encoder of
// many nodes that allocates once.
void AppendSmtNode(Writer& w, const SmtNode& node);
inline constexpr std::size_t kSmtNodeBytes = 1 + 32 + 32;
inline constexpr std::uint8_t kSmtLeafKind = 0;
inline constexpr std::uint8_t kSmtInternalKind = 1;
Result<SmtNode> DecodeSmtNode(ByteView bytes);

// Where a node sits in the tree: `depth` (0 = the root; 0..256) and the path
// from the root, which is the first `depth` bits of `path` (the bits after
// them are ignored, so a walker passes any key below the node).
struct SmtNodePosition {
  std::size_t depth = 0;
  Hash32 path{};
};

// `path` with bit `index` set to `bit` (the path of a child: index = depth).
Hash32 SmtWithBit(const Hash32& path, std::size_t index, bool bit);

// Where nodes live. Read-only here; writing is the caller's job (see
// SmtUpdate), so that it can commit the nodes of a block in the block's own
// atomic batch.
//
// The walkers always know where they are, so they name both the node's hash
// (what its parent names) and its position: a content-addressed store looks
// the hash up and ignores the position; a store that keeps nodes by position
// (the chain store's pages, smt_page.h) reads the position and must check
// that the node there hashes to `hash`, since a commit can have put another
// node there since the parent was read.
//
// Implementations must return the node whose SmtNodeHash is `hash`, an error
// with code "smt.missing_node" when there is none (or, for a store by
// position, "smt.node_mismatch" when the node at `at` hashes to something
// else), or their own error for a failed read. The tree never asks for
// kSmtEmptyHash. Thread safety is the implementation's to state; the tree
// functions only call GetNode.
class SmtNodeStore {
 public:
  virtual ~SmtNodeStore() = default;
  virtual Result<SmtNode> GetNode(const Hash32& hash, const SmtNodePosition& at) const = 0;
};

}  // namespace jobcard::ledger
