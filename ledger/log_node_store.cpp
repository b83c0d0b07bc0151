#include "ledger/log_node_store.h"

#include <cassert>
#include <functional>
#include <string>

namespace jobcard::ledger {

FixedBytes<kLogNodeKeySize> EncodeLogNodeKey(LogNodeId id) {
  assert(id.level <= kMaxLogLevel);
  FixedBytes<kLogNodeKeySize> key{};
  key[0] = id.level;
  for (int i = 0; i < 8; ++i) {
    key[1 + i] = static_cast<std::uint8_t>(id.index >> (8 * (7 - i)));
  }
  return key;
}

Result<LogNodeId> DecodeLogNodeKey(ByteView key) {
  if (key.size() != kLogNodeKeySize) {
    return MakeError("merkle.bad_node_key",
                     "log node key has " + std::to_string(key.size()) + " bytes, want 9");
  }
  LogNodeId id;
  id.level = key[0];
  if (id.level > kMaxLogLevel) {
    return MakeError("merkle.bad_node_key", "log node level " + std::to_string(id.level));
  }
  for (int i = 0; i < 8; ++i) id.index = (id.index << 8) | key[1 + i];
  // (index + 1) * 2^level <= 2^64 - 1, written so that nothing overflows.
  if (id.index >= (UINT64_MAX >> id.level)) {
    return MakeError("merkle.bad_node_key", "log node index beyond any 64-bit log");
  }
  return id;
}

std::size_t MemoryLogNodeStore::IdHash::operator()(const LogNodeId& id) const {
  return std::hash<std::uint64_t>{}(id.index * 64 + id.level);
}

std::optional<Hash32> MemoryLogNodeStore::Get(std::uint8_t level, std::uint64_t index) const {
  auto it = nodes_.find(LogNodeId{level, index});
  if (it == nodes_.end()) return std::nullopt;
  return it->second;
}

void MemoryLogNodeStore::Apply(const std::vector<LogNodeWrite>& writes) {
  for (const LogNodeWrite& write : writes) {
    auto [it, inserted] = nodes_.try_emplace(write.id, write.hash);
    assert(inserted || it->second == write.hash);
    (void)it;
    (void)inserted;
  }
}

}  // namespace jobcard::ledger
