#include "node/block_reorder.h"

#include <unordered_map>

#include "crypto/fixed_bytes_keys.h"

namespace jobcard::node {

namespace {

// For each key the block wrote, the arrival sequence of its latest block
// writer. Hashed: only looked up (crypto/fixed_bytes_keys.h).
template <class Key>
using LastWriter = std::unordered_map<Key, std::uint64_t, crypto::FixedBytesHash>;

// Records `sequence` as the latest block writer of each key; false when an
// earlier block writer of one arrived later (the block reordered them).
template <class Key, class Keys>
bool NoteBlockWriter(const Keys& keys, std::uint64_t sequence, LastWriter<Key>& last) {
  for (const Key& key : keys) {
    auto [it, inserted] = last.try_emplace(key, sequence);
    if (inserted) continue;
    if (it->second > sequence) return false;
    it->second = sequence;
  }
  return true;
}

// False when a remaining transaction arrived before a block transaction that wrote the same key.
template <class Key, class Keys>
bool ArrivedAfterBlockWriters(const Keys& keys, std::uint64_t sequence, const LastWriter<Key>& last) {
  for (const Key& key : keys) {
    auto it = last.find(key);
    if (it != last.end() && sequence < it->second) return false;
  }
  return true;
}

}  // namespace

bool BlockReorderKeepsValidity(const std::vector<SequencedWrites>& block, const std::vector<SequencedWrites>& remaining) {
  // Condition 1 leaves these kinds of keys: subjects, subject keys, entries,
  // transaction locations (each transaction's own id) and headcounts
  // (appended, keyless, read by no validation).
  LastWriter<ledger::SubjectId> subjects;
  LastWriter<crypto::PublicKey> subject_keys;
  LastWriter<ledger::EntryId> entries;
  for (const SequencedWrites& tx : block) {
    if (tx.writes->WroteGovernanceRecords()) return false;
    if (!NoteBlockWriter(tx.writes->subjects, tx.sequence, subjects) ||
        !NoteBlockWriter(tx.writes->subject_keys, tx.sequence, subject_keys) ||
        !NoteBlockWriter(tx.writes->entries, tx.sequence, entries)) {
      return false;
    }
  }
  for (const SequencedWrites& tx : remaining) {
    if (!ArrivedAfterBlockWriters(tx.writes->subjects, tx.sequence, subjects) ||
        !ArrivedAfterBlockWriters(tx.writes->subject_keys, tx.sequence, subject_keys) ||
        !ArrivedAfterBlockWriters(tx.writes->entries, tx.sequence, entries)) {
      return false;
    }
  }
  return true;
}

}  // namespace jobcard::node
