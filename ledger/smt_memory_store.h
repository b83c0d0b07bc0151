// An SmtNodeStore in memory, content-addressed (positions are ignored), for
// tests and tools. Not thread-safe: callers serialise access.
#pragma once

#include <cstring>
#include <span>
#include <unordered_map>

#include "ledger/sparse_merkle.h"

namespace jobcard::ledger {

class MemorySmtNodeStore final : public SmtNodeStore {
 public:
  Result<SmtNode> GetNode(const Hash32& hash, const SmtNodePosition& at) const override;

  // Stores the update's writes. Stale nodes are kept, so earlier roots stay
  // provable; Erase them when no retained root needs them.
  void Commit(const SmtUpdate& update);
  void Erase(std::span<const Hash32> hashes);

  std::size_t size() const { return nodes_.size(); }

 private:
  // Keys are SHA-256 outputs: any eight of their bytes are a good hash.
  struct HashOfHash {
    std::size_t operator()(const Hash32& hash) const {
      std::size_t out = 0;
      std::memcpy(&out, hash.data(), sizeof(out));
      return out;
    }
  };
  std::unordered_map<Hash32, SmtNode, HashOfHash> nodes_;
};

}  // namespace jobcard::ledger
