// SimRandom: the simulator's only source of randomness. SplitMix64, so a
// seed gives the same run with every compiler and standard library
// (std::uniform_int_distribution does not promise that).
#pragma once

#include <cstdint>

namespace jobcard::testing {

class SimRandom {
 public:
  explicit SimRandom(std::uint64_t seed) : state_(seed) {}

  std::uint64_t Next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform enough in [lo, hi] (the modulo bias is irrelevant here).
  std::uint64_t Between(std::uint64_t lo, std::uint64_t hi) { return lo + Next() % (hi - lo + 1); }
  bool Percent(std::uint64_t percent) { return Next() % 100 < percent; }

 private:
  std::uint64_t state_;
};

}  // namespace jobcard::testing
