// Test helpers for the sparse Merkle tree: a reference model (a std::map), a
// naive recomputation of its root from spec/state-index.md written apart from
// ledger/ so that a shared mistake cannot hide, and a tree kept beside a model.
#pragma once

#include <algorithm>
#include <map>
#include <random>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "crypto/hash.h"
#include "ledger/smt_memory_store.h"

namespace jobcard::ledger::smt_test {

using Model = std::map<Hash32, Hash32>;
using Entry = std::pair<Hash32, Hash32>;

inline bool ReferenceBit(const Hash32& key, int index) {
  return ((key[static_cast<std::size_t>(index / 8)] >> (7 - index % 8)) & 1) != 0;
}

// SHA-256(u8 len(tag) || tag || a || b), spelled out byte by byte as in the
// spec rather than through crypto::TaggedHash.
inline Hash32 ReferenceHash(std::string_view tag, const Hash32& a, const Hash32& b) {
  const auto tag_length = static_cast<std::uint8_t>(tag.size());
  return crypto::Sha256Hasher().Update(ByteView(&tag_length, 1)).Update(tag).Update(a).Update(b).Finish();
}

// The root of the canonical tree over the sorted entries [begin, end), all of
// which share their first `depth` bits.
inline Hash32 ReferenceSubtree(const Entry* begin, const Entry* end, int depth) {
  if (begin == end) return Hash32{};
  if (end - begin == 1) return ReferenceHash("jobcard.smt.leaf", begin->first, begin->second);
  const Entry* mid = begin;
  while (mid != end && !ReferenceBit(mid->first, depth)) ++mid;
  const Hash32 left = ReferenceSubtree(begin, mid, depth + 1);
  const Hash32 right = ReferenceSubtree(mid, end, depth + 1);
  return ReferenceHash("jobcard.smt.internal", left, right);
}

inline Hash32 ReferenceRoot(const Model& model) {
  const std::vector<Entry> entries(model.begin(), model.end());
  return ReferenceSubtree(entries.data(), entries.data() + entries.size(), 0);
}

inline Hash32 RandomHash(std::mt19937_64& rng) {
  Hash32 out{};
  for (auto& byte : out) byte = static_cast<std::uint8_t>(rng());
  return out;
}

inline Hash32 HashOf(std::string_view text) { return crypto::Sha256(AsBytes(text)); }

inline Hash32 FlipBit(Hash32 key, std::size_t index) {
  key[index / 8] = static_cast<std::uint8_t>(key[index / 8] ^ (0x80u >> (index % 8)));
  return key;
}

// Mostly fresh random keys, some keys sharing long prefixes with keys already
// in the model (differing only in the last bit, or somewhere in the second
// half), and present keys to update or delete. The long-prefix keys are rare
// because each adds a chain of up to 256 internal nodes that every naive
// recomputation pays for.
inline Hash32 InterestingKey(std::mt19937_64& rng, const Model& model) {
  const auto roll = rng() % 100;
  if (model.empty() || roll < 85) return RandomHash(rng);
  auto it = model.begin();
  std::advance(it, static_cast<std::ptrdiff_t>(rng() % model.size()));
  if (roll < 88) return FlipBit(it->first, 255);
  if (roll < 90) return FlipBit(it->first, 128 + rng() % 128);
  return it->first;
}

// A tree in a memory store and the model it must agree with.
struct Tree {
  MemorySmtNodeStore store;
  Hash32 root = kSmtEmptyRoot;
  Model model;
  bool prune = false;  // erase stale nodes: keep only the latest root's

  void Apply(const SmtChanges& changes) {
    auto update = SmtApply(store, root, changes);
    ASSERT_TRUE(update.ok()) << update.error().code << ": " << update.error().message;
    store.Commit(*update);
    if (prune) store.Erase(update->stale);
    root = update->root;
    for (const auto& [key, value] : changes) {
      if (value.has_value()) {
        model[key] = *value;
      } else {
        model.erase(key);
      }
    }
  }
};

// A random batch of distinct keys: inserts, updates and deletes.
inline SmtChanges RandomBatch(std::mt19937_64& rng, const Model& model, std::size_t max_size) {
  SmtChanges batch;
  const std::size_t size = 1 + rng() % max_size;
  while (batch.size() < size) {
    const Hash32 key = InterestingKey(rng, model);
    const bool seen = std::any_of(batch.begin(), batch.end(), [&](const auto& c) { return c.first == key; });
    if (seen) continue;
    std::optional<Hash32> value;
    if (rng() % 4 != 0) value = RandomHash(rng);
    batch.emplace_back(key, value);
  }
  return batch;
}

// Applies random batches until the model holds `size` keys, or an Apply fails.
inline void GrowTo(Tree& tree, std::mt19937_64& rng, std::size_t size, std::size_t max_batch) {
  while (tree.model.size() < size && !::testing::Test::HasFatalFailure()) {
    tree.Apply(RandomBatch(rng, tree.model, max_batch));
  }
}

}  // namespace jobcard::ledger::smt_test
