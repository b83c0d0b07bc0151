// The simulated network: what happens to one message sent from one node to
// another. Before GST it may be lost (at random, or because a partition
// separates the two), and its delay is anything up to a large bound; from
// GST on nothing is lost and every delay is at most delta. At any time a
// message may arrive twice. Random delays reorder messages.
#pragma once

#include <cstdint>
#include <vector>

#include "tests/support/sim_random.h"

namespace jobcard::testing {

struct NetworkFaults {
  std::uint64_t gst_ms = 0;
  std::uint64_t drop_percent = 0;             // before GST
  std::uint64_t duplicate_percent = 0;        // always
  std::uint64_t max_delay_before_gst_ms = 1;  // at least 1
  std::uint64_t max_delay_after_gst_ms = 1;   // delta, at least 1
};

class SimNetwork {
 public:
  SimNetwork(NetworkFaults faults, std::size_t nodes) : faults_(faults), group_(nodes, 0) {}

  // Nodes in different groups cannot reach each other until Heal.
  void Partition(std::vector<int> group_of_node) { group_ = std::move(group_of_node); }
  void Heal() { group_.assign(group_.size(), 0); }

  // The arrival times of a message sent at `now_ms`: none, one, or two.
  std::vector<std::uint64_t> Arrivals(std::size_t from, std::size_t to, std::uint64_t now_ms, SimRandom& rng) const;

  const NetworkFaults& faults() const { return faults_; }

 private:
  NetworkFaults faults_;
  std::vector<int> group_;
};

}  // namespace jobcard::testing
