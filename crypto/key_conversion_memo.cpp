#include "crypto/key_conversion_memo.h"

#include <cstring>
#include <utility>

namespace jobcard::crypto {

std::size_t KeyConversionMemo::KeyHash::operator()(const FixedBytes<32>& key) const {
  // Keys are public points chosen by others: mix all of them with a seed
  // fixed per process, so no one can aim many keys at one bucket.
  static const std::size_t seed = reinterpret_cast<std::uintptr_t>(&seed) * 0x9e3779b97f4a7c15ULL;
  std::size_t h = seed;
  for (std::size_t i = 0; i < key.size(); i += sizeof(std::uint64_t)) {
    std::uint64_t word = 0;
    std::memcpy(&word, key.data() + i, sizeof(word));
    h = (h ^ word) * 0x100000001b3ULL;
    h ^= h >> 29;
  }
  return h;
}

std::optional<KeyConversionMemo::Answer> KeyConversionMemo::Find(const FixedBytes<32>& key) {
  std::lock_guard lock(mutex_);
  if (auto it = newer_.find(key); it != newer_.end()) {
    ++hits_;
    return it->second;
  }
  if (auto it = older_.find(key); it != older_.end()) {
    ++hits_;
    Answer answer = it->second;
    older_.erase(it);
    if (newer_.size() >= generation_size_) older_ = std::exchange(newer_, {});
    newer_.emplace(key, answer);
    return answer;
  }
  ++misses_;
  return std::nullopt;
}

void KeyConversionMemo::Remember(const FixedBytes<32>& key, const Answer& answer) {
  if (generation_size_ == 0) return;
  std::lock_guard lock(mutex_);
  if (newer_.size() >= generation_size_) older_ = std::exchange(newer_, {});
  newer_.insert_or_assign(key, answer);
}

KeyConversionStats KeyConversionMemo::Stats() const {
  std::lock_guard lock(mutex_);
  return {hits_, misses_, newer_.size() + older_.size()};
}

KeyConversionMemo& X25519ConversionMemo() {
  // 2 x 32,768 keys, about 6 MB: a devnet backlog of 30,000 pending
  // transactions, half of them enrolments, still hits when they commit.
  static KeyConversionMemo memo(32'768);
  return memo;
}

}  // namespace jobcard::crypto
