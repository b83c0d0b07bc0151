#include "tests/support/sim_adversary.h"

namespace jobcard::testing {

bool Adversary::OnSideB(std::uint64_t height, std::size_t node, SimRandom& rng) {
  auto [it, inserted] = sides_.try_emplace(height);
  if (inserted) {
    // Half the time one node alone on side A: a lone node that decides
    // while everyone else is kept from it is the most fork-prone split.
    it->second.assign(nodes_, true);
    if (rng.Percent(50)) {
      it->second[rng.Between(0, nodes_ - 1)] = false;
    } else {
      for (std::size_t i = 0; i < nodes_; ++i) it->second[i] = rng.Percent(50);
    }
  }
  return it->second[node];
}

void Adversary::SetValues(std::uint64_t height, std::uint32_t round, Value a, Value b) {
  values_[{height, round}] = {a, b};
}

std::optional<std::pair<Adversary::Value, Adversary::Value>> Adversary::ValuesFor(std::uint64_t height,
                                                                                  std::uint32_t round) const {
  auto it = values_.find({height, round});
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

bool Adversary::HoldsBackPrecommits(std::uint64_t height, std::uint32_t round, SimRandom& rng) {
  auto [it, inserted] = holds_back_.try_emplace({height, round}, false);
  if (inserted) it->second = rng.Percent(50);
  return it->second;
}

}  // namespace jobcard::testing
