#include "ledger/smt_memory_store.h"

namespace jobcard::ledger {

Result<SmtNode> MemorySmtNodeStore::GetNode(const Hash32& hash, const SmtNodePosition&) const {
  const auto it = nodes_.find(hash);
  if (it == nodes_.end()) return MakeError("smt.missing_node", "no node with hash " + ToHex(hash));
  return it->second;
}

void MemorySmtNodeStore::Commit(const SmtUpdate& update) {
  for (const auto& [hash, node] : update.writes) nodes_.insert_or_assign(hash, node);
}

void MemorySmtNodeStore::Erase(std::span<const Hash32> hashes) {
  for (const Hash32& hash : hashes) nodes_.erase(hash);
}

}  // namespace jobcard::ledger
