// The plan the Byzantine validators of a simulation share. For each height
// it splits the nodes into two sides at random, and for each round it has
// two values; every Byzantine message goes out signed twice, one version
// per side. The sides stay for the whole height, so the nodes kept from a
// decision (below) are the ones later offered another block. A Byzantine proposer sends two different blocks (one of
// them sometimes invalid); Byzantine votes back the side's value, so each
// side sees the Byzantine power behind what it saw proposed. Now and then
// a node gets both versions, so honest nodes gather equivocation evidence.
//
// Before GST the adversary also schedules the network, as the partially
// synchronous model allows: in half of the rounds it holds honest
// precommits for a block, and blocks certified in that round, that side A
// sends to side B back until GST. Side A may then
// decide while side B, locked, moves on to later rounds: exactly where a
// node that ignored its lock would help decide another block.
#pragma once

#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "crypto/bytes.h"
#include "tests/support/sim_random.h"

namespace jobcard::testing {

class Adversary {
 public:
  using Value = std::optional<Hash32>;  // nullopt: nil

  explicit Adversary(std::size_t nodes) : nodes_(nodes) {}

  // True when `node` is on side B at `height`; drawn once per height.
  bool OnSideB(std::uint64_t height, std::size_t node, SimRandom& rng);
  // The values the Byzantine validators back on sides A and B, if a
  // Byzantine proposer set them for this round.
  void SetValues(std::uint64_t height, std::uint32_t round, Value a, Value b);
  std::optional<std::pair<Value, Value>> ValuesFor(std::uint64_t height, std::uint32_t round) const;
  // True when honest precommits of (height, round) to side B wait for GST;
  // drawn once per round.
  bool HoldsBackPrecommits(std::uint64_t height, std::uint32_t round, SimRandom& rng);

 private:
  std::size_t nodes_;
  std::map<std::uint64_t, std::vector<bool>> sides_;
  std::map<std::pair<std::uint64_t, std::uint32_t>, std::pair<Value, Value>> values_;
  std::map<std::pair<std::uint64_t, std::uint32_t>, bool> holds_back_;
};

}  // namespace jobcard::testing
