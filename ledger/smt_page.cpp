#include "ledger/smt_page.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstring>
#include <string>

#include "ledger/encoding.h"

namespace jobcard::ledger {
namespace {

constexpr std::uint16_t kSlotBits = (1u << kSmtPageSlots) - 1;

// `path` with every bit from `bits` on zero.
Hash32 MaskedPath(const Hash32& path, std::size_t bits) {
  Hash32 out{};
  const std::size_t whole = bits / 8;
  std::copy(path.begin(), path.begin() + static_cast<std::ptrdiff_t>(whole), out.begin());
  if (bits % 8 != 0) out[whole] = static_cast<std::uint8_t>(path[whole] & (0xFFu << (8 - bits % 8)));
  return out;
}

std::string PageName(ByteView key) { return "state index page " + ToHex(key); }

}  // namespace

Bytes SmtPageKey(const SmtNodePosition& at) {
  assert(at.depth <= kSmtDepth);
  const std::size_t page = at.depth / kSmtPageLevels;
  const std::size_t bits = page * kSmtPageLevels;
  const Hash32 prefix = MaskedPath(at.path, bits);
  Bytes key(1 + (bits + 7) / 8);
  key[0] = static_cast<std::uint8_t>(page);
  std::copy(prefix.begin(), prefix.begin() + static_cast<std::ptrdiff_t>(key.size() - 1), key.begin() + 1);
  return key;
}

std::size_t SmtPageSlot(const SmtNodePosition& at) {
  const std::size_t top = at.depth / kSmtPageLevels * kSmtPageLevels;
  const std::size_t levels_below_top = at.depth - top;
  std::size_t index = 0;
  for (std::size_t d = top; d < at.depth; ++d) index = index * 2 + (SmtKeyBit(at.path, d) ? 1 : 0);
  return (std::size_t{1} << levels_below_top) - 1 + index;
}

std::optional<SmtPageRowKey> PackSmtPageKey(ByteView key) {
  if (key.empty() || key[0] > kSmtDepth / kSmtPageLevels || key.size() != 1 + (4u * key[0] + 7) / 8) return std::nullopt;
  SmtPageRowKey out{};
  std::copy(key.begin(), key.end(), out.begin());
  return out;
}

bool SmtPage::empty() const {
  return std::none_of(slots.begin(), slots.end(), [](const auto& slot) { return slot.has_value(); });
}

Bytes EncodeSmtPage(const SmtPage& page) {
  std::uint16_t bitmap = 0;
  for (std::size_t i = 0; i < kSmtPageSlots; ++i) {
    if (page.slots[i].has_value()) bitmap = static_cast<std::uint16_t>(bitmap | (1u << i));
  }
  // One allocation of the exact size: at 1 M entries a block encodes ~3,700
  // pages, and growing the row node by node (plus a buffer per node) cost
  // 40 % of SmtPageChanges there (BENCHMARKS.md, "Session 15").
  Writer w(2 + static_cast<std::size_t>(std::popcount(bitmap)) * kSmtNodeBytes);
  w.U16(bitmap);
  for (const auto& slot : page.slots) {
    if (slot.has_value()) AppendSmtNode(w, *slot);
  }
  return std::move(w).take();
}

Status DecodeSmtPageInto(ByteView bytes, SmtPage& page) {
  Reader r(bytes);
  std::uint16_t bitmap = 0;
  if (!r.U16(bitmap)) return r.Finish();
  if ((bitmap & ~kSlotBits) != 0) return MakeError("smt.bad_page", "a page names a slot past its 15");
  if (bitmap == 0) return MakeError("smt.bad_page", "a stored page holds no node");
  const auto count = static_cast<std::size_t>(std::popcount(bitmap));
  const ByteView nodes = bytes.subspan(2);
  if (nodes.size() < count * kSmtNodeBytes) {
    return MakeError("encoding.truncated", "a page of " + std::to_string(count) + " nodes has " + std::to_string(nodes.size()) + " bytes of them");
  }
  if (nodes.size() > count * kSmtNodeBytes) return MakeError("encoding.trailing_bytes", "bytes after a page's last node");
  // The sizes are checked above, so each node is a kind byte and two
  // hashes copied in place: DecodeSmtNode's reader and Result for each of a
  // page's up to 15 nodes were a measurable share of a block's update
  // (BENCHMARKS.md, "Session 21").
  const std::uint8_t* at = nodes.data();
  for (std::size_t i = 0; i < kSmtPageSlots; ++i) {
    auto& slot = page.slots[i];
    if ((bitmap & (1u << i)) == 0) {
      slot.reset();
      continue;
    }
    Hash32 first;
    Hash32 second;
    std::memcpy(first.data(), at + 1, 32);
    std::memcpy(second.data(), at + 33, 32);
    if (at[0] == kSmtLeafKind) {
      slot.emplace(SmtLeaf{first, second});
    } else if (at[0] == kSmtInternalKind) {
      slot.emplace(SmtInternal{first, second});
    } else {
      return MakeError("smt.bad_node", "unknown node kind " + std::to_string(at[0]));
    }
    at += kSmtNodeBytes;
  }
  return Status::Ok();
}

Result<SmtPage> DecodeSmtPage(ByteView bytes) {
  SmtPage page;
  JOBCARD_TRY_STATUS(DecodeSmtPageInto(bytes, page));
  return page;
}

Result<bool> SmtPageRows::ReadPageInto(ByteView key, SmtPage& page) const {
  auto row = GetPageRow(key);
  if (!row.ok()) return row.error();
  if (!row->has_value()) return false;
  JOBCARD_TRY_STATUS(DecodeStoredSmtPage(key, **row, page));
  return true;
}

Status DecodeStoredSmtPage(ByteView key, ByteView row, SmtPage& page) {
  Status decoded = DecodeSmtPageInto(row, page);
  if (!decoded.ok()) return MakeError(decoded.error().code, PageName(key) + " does not decode: " + decoded.error().message);
  return Status::Ok();
}

Result<std::optional<SmtPage>> ReadSmtPage(const SmtPageRows& rows, ByteView key) {
  std::optional<SmtPage> page(std::in_place);
  auto found = rows.ReadPageInto(key, *page);
  if (!found.ok()) return found.error();
  if (!*found) page.reset();
  return page;
}

Result<SmtNode> CheckedSmtPageNode(const SmtPage* page, ByteView key, std::size_t slot, const Hash32& hash) {
  if (page == nullptr || !page->slots[slot].has_value()) {
    return MakeError("smt.missing_node", "state index node " + ToHex(hash).substr(0, 16) + " is missing (" + PageName(key) +
                                             ", slot " + std::to_string(slot) + ")");
  }
  const SmtNode& node = *page->slots[slot];
  if (SmtNodeHash(node) != hash) {
    return MakeError("smt.node_mismatch", PageName(key) + ", slot " + std::to_string(slot) + " holds a node that does not hash to " +
                                              ToHex(hash).substr(0, 16) + ", which its parent names");
  }
  return node;
}

Result<const SmtPage*> PagedSmtNodeStore::PageAt(const Bytes& key) const {
  const std::size_t level = key.at(0);
  if (held_.size() <= level) held_.resize(level + 1);  // within the reserved room: no reallocation
  HeldPage& held = held_[level];
  if (held.read && held.key == key) return held.page ? &*held.page : nullptr;
  auto page = ReadSmtPage(rows_, key);
  if (!page.ok()) return page.error();
  held.read = true;
  held.key = key;
  held.page = std::move(*page);
  return held.page ? &*held.page : nullptr;
}

Result<SmtNode> PagedSmtNodeStore::GetNode(const Hash32& hash, const SmtNodePosition& at) const {
  const Bytes key = SmtPageKey(at);
  auto page = PageAt(key);
  if (!page.ok()) return page.error();
  return CheckedSmtPageNode(*page, key, SmtPageSlot(at), hash);
}

Result<SmtPageWrites> SmtPageChanges(const SmtPageRows& rows, const SmtUpdate& update) {
  // One edit per position: vacate (node == nullptr) or place. Sorted by
  // page, vacates before places, so a replaced position ends up placed.
  // A page is named here by (k, masked path), which orders as its key does
  // and costs no allocation; the key bytes are made once per page.
  struct Edit {
    std::size_t page;
    Hash32 prefix;
    std::size_t slot;
    const SmtNode* node;
  };
  auto edit = [](const SmtNodePosition& at, const SmtNode* node) {
    const std::size_t page = at.depth / kSmtPageLevels;
    return Edit{page, MaskedPath(at.path, page * kSmtPageLevels), SmtPageSlot(at), node};
  };
  std::vector<Edit> edits;
  edits.reserve(update.vacated.size() + update.placed.size());
  for (const auto& at : update.vacated) edits.push_back(edit(at, nullptr));
  for (const auto& placed : update.placed) edits.push_back(edit(placed.at, &placed.node));
  auto same_page = [](const Edit& a, const Edit& b) { return a.page == b.page && a.prefix == b.prefix; };
  std::stable_sort(edits.begin(), edits.end(), [](const Edit& a, const Edit& b) {
    return a.page != b.page ? a.page < b.page : a.prefix < b.prefix;
  });

  SmtPageWrites writes;
  for (auto first = edits.begin(); first != edits.end();) {
    const auto last = std::find_if(first, edits.end(), [&](const Edit& e) { return !same_page(e, *first); });
    const Bytes key = SmtPageKey(SmtNodePosition{first->page * kSmtPageLevels, first->prefix});
    auto stored = ReadSmtPage(rows, key);
    if (!stored.ok()) return stored.error();
    SmtPage page = stored->value_or(SmtPage{});
    for (auto e = first; e != last; ++e) {
      if (e->node == nullptr) {
        page.slots[e->slot].reset();
      } else {
        page.slots[e->slot] = *e->node;
      }
    }
    writes.emplace_back(key, page.empty() ? std::nullopt : std::optional<Bytes>(EncodeSmtPage(page)));
    first = last;
  }
  return writes;
}

Status ForEachSmtPage(const SmtNodeStore& nodes, const Hash32& root,
                      const std::function<Status(const Bytes& key, const SmtPage& page)>& visit) {
  // The tops of pages still to read: (hash, position at a depth 4k).
  std::vector<std::pair<Hash32, SmtNodePosition>> tops;
  if (root != kSmtEmptyHash) tops.emplace_back(root, SmtNodePosition{});
  while (!tops.empty()) {
    const auto [top_hash, top] = tops.back();
    tops.pop_back();
    SmtPage page;
    // The page's nodes, level by level: (hash, position).
    std::vector<std::pair<Hash32, SmtNodePosition>> level{{top_hash, top}};
    for (std::size_t r = 0; r < kSmtPageLevels && !level.empty(); ++r) {
      std::vector<std::pair<Hash32, SmtNodePosition>> next;
      for (const auto& [hash, at] : level) {
        auto node = nodes.GetNode(hash, at);
        if (!node.ok()) return node.error();
        page.slots[SmtPageSlot(at)] = *node;
        const auto* internal = std::get_if<SmtInternal>(&*node);
        if (internal == nullptr) continue;
        if (at.depth >= kSmtDepth) return MakeError("smt.corrupt_tree", "an internal node at depth 256 under root " + ToHex(root));
        auto& below = r + 1 < kSmtPageLevels ? next : tops;
        if (internal->left != kSmtEmptyHash) below.emplace_back(internal->left, SmtNodePosition{at.depth + 1, SmtWithBit(at.path, at.depth, false)});
        if (internal->right != kSmtEmptyHash) below.emplace_back(internal->right, SmtNodePosition{at.depth + 1, SmtWithBit(at.path, at.depth, true)});
      }
      level = std::move(next);
    }
    JOBCARD_TRY_STATUS(visit(SmtPageKey(top), page));
  }
  return Status::Ok();
}

}  // namespace jobcard::ledger
