// Remembers recent Ed25519 -> X25519 public key conversions (X25519PublicKeyOf).
//
// Why: the conversion checks that the key lies in the main subgroup, a scalar
// multiplication that costs about as much as verifying a signature (16 % of a
// devnet validator's CPU in a profile at 800 entries/s, BENCHMARKS.md), and a
// key an enrolment introduces is converted each time its transaction is
// validated: at admission, in the block its proposer builds, when every other
// validator replays that block, and in a full mempool re-check. The answer
// depends on the key alone, so remembering it changes no result anywhere.
//
// Bounded: two generations of at most `generation_size` keys each; when the
// newer one is full the older one is dropped (a key found in the older one is
// moved to the newer). Thread-safe (one mutex; a lookup is far cheaper than
// the conversion it saves).
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "crypto/bytes.h"

namespace jobcard::crypto {

struct KeyConversionStats {
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  std::size_t remembered = 0;  // keys held now, both generations
};

class KeyConversionMemo {
 public:
  using Answer = std::optional<FixedBytes<32>>;  // nullopt: not convertible

  explicit KeyConversionMemo(std::size_t generation_size) : generation_size_(generation_size) {}

  // The remembered answer for `key`, or nullopt when there is none.
  std::optional<Answer> Find(const FixedBytes<32>& key);
  void Remember(const FixedBytes<32>& key, const Answer& answer);
  KeyConversionStats Stats() const;

 private:
  struct KeyHash {
    std::size_t operator()(const FixedBytes<32>& key) const;
  };
  using Generation = std::unordered_map<FixedBytes<32>, Answer, KeyHash>;

  const std::size_t generation_size_;
  mutable std::mutex mutex_;
  Generation newer_;
  Generation older_;
  std::uint64_t hits_ = 0;
  std::uint64_t misses_ = 0;
};

// The process-wide memo X25519PublicKeyOf uses, and what it has done.
KeyConversionMemo& X25519ConversionMemo();

}  // namespace jobcard::crypto
