#include "tests/support/sim_world.h"

#include <deque>
#include <map>
#include <memory>
#include <queue>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "crypto/hash.h"
#include "node/consensus/state_machine.h"
#include "tests/support/fixtures.h"
#include "tests/support/sim_network.h"
#include "tests/support/sim_node.h"

namespace jobcard::testing {

using namespace node::consensus;

namespace {

constexpr std::size_t kTraceLines = 60;
constexpr std::uint64_t kMaxEvents = 3'000'000;
constexpr std::uint64_t kGossipIntervalMs = 500;

struct Deliver {
  std::size_t from;
  std::size_t to;
  SimPacket packet;
};
struct Timer {
  std::size_t node;
  std::uint64_t incarnation;
  ScheduleTimeout timeout;
};
struct GossipTick {
  std::size_t node;
  std::uint64_t incarnation;
};
struct CrashNode {
  std::size_t node;
};
struct RestartNode {
  std::size_t node;
};
struct PartitionStart {
  std::vector<int> groups;
};
struct PartitionEnd {};
struct ReachGst {};
struct Deadline {};
using EventBody = std::variant<Deliver, Timer, GossipTick, CrashNode, RestartNode, PartitionStart, PartitionEnd,
                               ReachGst, Deadline>;

// The queue orders small keys; the bodies wait in a slot table, so the heap
// never moves a message around.
struct EventKey {
  std::uint64_t time;
  std::uint64_t sequence;  // FIFO among events at the same time: determinism
  std::size_t slot;
  bool operator>(const EventKey& other) const {
    return time != other.time ? time > other.time : sequence > other.sequence;
  }
};

// What a seed draws, before anything runs.
struct Scenario {
  std::vector<std::uint64_t> powers;
  std::vector<bool> byzantine;
  NetworkFaults faults;
  struct Partition {
    std::uint64_t start_ms, end_ms;
    std::vector<int> groups;
  };
  struct Crash {
    std::size_t node;
    std::uint64_t at_ms, restart_ms;
  };
  std::vector<Partition> partitions;
  std::vector<Crash> crashes;

  std::string Describe() const {
    std::string s = "powers [";
    for (std::size_t i = 0; i < powers.size(); ++i) {
      s += (i ? "," : "") + std::to_string(powers[i]) + (byzantine[i] ? "b" : "");
    }
    s += "] gst " + std::to_string(faults.gst_ms) + " drop " + std::to_string(faults.drop_percent) + "% dup " +
         std::to_string(faults.duplicate_percent) + "% delay<=" + std::to_string(faults.max_delay_before_gst_ms) +
         "/" + std::to_string(faults.max_delay_after_gst_ms) + "ms";
    for (const auto& p : partitions) {
      s += " partition " + std::to_string(p.start_ms) + "-" + std::to_string(p.end_ms) + " [";
      for (int g : p.groups) s += std::to_string(g);
      s += "]";
    }
    for (const auto& c : crashes) {
      s += " crash n" + std::to_string(c.node) + " " + std::to_string(c.at_ms) + "-" + std::to_string(c.restart_ms);
    }
    return s;
  }
};

Scenario Draw(const SimConfig& config, SimRandom& rng) {
  Scenario s;
  const std::size_t n = config.validators;
  s.byzantine.assign(n, false);
  for (std::size_t placed = 0; placed < config.byzantine;) {
    std::size_t i = rng.Between(0, n - 1);
    if (!s.byzantine[i]) {
      s.byzantine[i] = true;
      ++placed;
    }
  }
  // Random powers, while the Byzantine ones hold less than 1/3 whenever the
  // configuration asks for a tolerable number of them.
  const bool tolerable = 3 * config.byzantine < n;
  for (;;) {
    s.powers.clear();
    std::uint64_t total = 0, faulty = 0;
    for (std::size_t i = 0; i < n; ++i) {
      s.powers.push_back(rng.Between(1, 3));
      total += s.powers.back();
      if (s.byzantine[i]) faulty += s.powers.back();
    }
    if (!tolerable || 3 * faulty < total) break;
  }
  s.faults.gst_ms = rng.Between(1000, 5000);
  s.faults.drop_percent = rng.Between(0, 30);
  s.faults.duplicate_percent = rng.Between(0, 20);
  s.faults.max_delay_before_gst_ms = rng.Between(20, 500);
  s.faults.max_delay_after_gst_ms = rng.Between(10, 100);
  if (!config.crashes_and_partitions) return s;
  // Short partitions, often of one node: the moments when some nodes lock
  // or decide and others never hear of it are where lock bugs fork.
  for (std::uint64_t k = rng.Between(0, 4); k > 0; --k) {
    Scenario::Partition p;
    p.start_ms = rng.Between(0, s.faults.gst_ms - 1);
    p.end_ms = std::min(s.faults.gst_ms, p.start_ms + rng.Between(50, 1500));
    p.groups.assign(n, 0);
    if (rng.Percent(50)) {
      p.groups[rng.Between(0, n - 1)] = 1;
    } else {
      for (auto& g : p.groups) g = static_cast<int>(rng.Between(0, 1));
    }
    s.partitions.push_back(std::move(p));
  }
  for (std::uint64_t k = rng.Between(0, 2); k > 0; --k) {
    std::size_t node = rng.Between(0, n - 1);
    if (s.byzantine[node]) continue;
    std::uint64_t at = rng.Between(0, s.faults.gst_ms - 2);
    s.crashes.push_back({node, at, rng.Between(at + 1, s.faults.gst_ms - 1)});
  }
  return s;
}

class SimWorld final : public SimEnvironment {
 public:
  explicit SimWorld(const SimConfig& config)
      : config_(config),
        rng_(config.seed * 0x2545f4914f6cdd1dULL + config.validators * 131 + config.byzantine),
        scenario_(Draw(config, rng_)),
        network_(scenario_.faults, config.validators),
        adversary_(config.validators) {
    machine_config_.chain_id = kTestChainId;
    // Short timeouts on the virtual clock: a run covers many rounds.
    machine_config_.timeouts = TimeoutConfig{300, 100, 200, 100, 200, 100};
    genesis_hash_ = crypto::Sha256(AsBytes("jobcard simulated genesis"));
    std::vector<ledger::ValidatorRecord> members;
    for (std::size_t i = 0; i < config.validators; ++i) {
      auto key = KeyFromByte(static_cast<std::uint8_t>(i + 1));
      members.push_back({key.public_key(), scenario_.powers[i], "validator-" + std::to_string(i)});
      byzantine_keys_.emplace(key.public_key(), scenario_.byzantine[i]);
      nodes_.push_back(std::make_unique<SimNode>(*this, i, std::move(key),
                                                 scenario_.byzantine[i] ? &adversary_ : nullptr));
    }
    sets_.emplace(1, *ValidatorSet::Create(std::move(members)));
    holds_.resize(config.validators);
  }

  SimResult Run() {
    result_.scenario = scenario_.Describe();
    result_.gst_ms = scenario_.faults.gst_ms;
    for (const auto& p : scenario_.partitions) {
      Push(p.start_ms, PartitionStart{p.groups});
      Push(p.end_ms, PartitionEnd{});
    }
    for (const auto& c : scenario_.crashes) {
      Push(c.at_ms, CrashNode{c.node});
      Push(c.restart_ms, RestartNode{c.node});
    }
    Push(scenario_.faults.gst_ms, ReachGst{});
    Push(scenario_.faults.gst_ms + config_.liveness_budget_ms, Deadline{});
    for (auto& node : nodes_) node->Boot();
    while (!queue_.empty() && result_.failure.empty() && !done_) {
      if (++result_.events > kMaxEvents) {
        Fail("the run exceeded " + std::to_string(kMaxEvents) + " events");
        break;
      }
      const EventKey key = queue_.top();
      queue_.pop();
      now_ms_ = key.time;
      EventBody body = std::move(*bodies_[key.slot]);
      bodies_[key.slot].reset();
      free_slots_.push_back(key.slot);
      std::visit([this](auto& b) { Handle(b); }, body);
      CheckLiveness();
    }
    result_.committed_heights = LowestHonestHeight();
    result_.trace.assign(trace_.begin(), trace_.end());
    return result_;
  }

  // SimEnvironment.
  std::uint64_t now_ms() const override { return now_ms_; }
  std::size_t node_count() const override { return nodes_.size(); }
  SimRandom& rng() override { return rng_; }
  const MachineConfig& machine_config() const override { return machine_config_; }
  const Hash32& genesis_hash() const override { return genesis_hash_; }
  std::uint64_t gossip_interval_ms() const override { return kGossipIntervalMs; }

  const ValidatorSet& SetAt(std::uint64_t height) override {
    while (sets_.rbegin()->first < height) {
      auto last = sets_.rbegin();
      sets_.emplace(last->first + 1, last->second.ForNextHeight());
    }
    return sets_.at(height);
  }

  // Every node verifies the same messages; verify each once.
  bool VerifySignature(const crypto::PublicKey& key, std::string_view tag, ByteView message,
                       const crypto::Signature& signature) override {
    std::string id(reinterpret_cast<const char*>(key.data()), key.size());
    id.append(tag).append(reinterpret_cast<const char*>(message.data()), message.size());
    id.append(reinterpret_cast<const char*>(signature.data()), signature.size());
    auto [it, inserted] = verified_.try_emplace(std::move(id), false);
    if (inserted) it->second = crypto::Verify(key, tag, message, signature);
    return it->second;
  }

  void Send(std::size_t from, std::size_t to, const SimPacket& packet) override {
    if (HeldBack(from, to, packet)) {
      const std::uint64_t gst = scenario_.faults.gst_ms;
      Push(gst + rng_.Between(1, scenario_.faults.max_delay_after_gst_ms), Deliver{from, to, packet});
      return;
    }
    for (std::uint64_t at : network_.Arrivals(from, to, now_ms_, rng_)) Push(at, Deliver{from, to, packet});
  }

  bool Holds(std::size_t node, std::uint64_t packet_id) const override {
    return holds_[node].contains(packet_id);
  }
  void MarkHeld(std::size_t node, std::uint64_t packet_id) override { holds_[node].insert(packet_id); }

  void ScheduleTimer(std::size_t node, std::uint64_t incarnation, const ScheduleTimeout& timeout) override {
    Push(now_ms_ + timeout.duration_ms, Timer{node, incarnation, timeout});
  }

  void ScheduleGossip(std::size_t node, std::uint64_t incarnation) override {
    Push(now_ms_ + kGossipIntervalMs, GossipTick{node, incarnation});
  }

  void OnSigned(std::size_t node, const WireMessage& message) override {
    std::tuple<std::size_t, std::uint64_t, std::uint32_t, int> slot;
    if (const auto* p = std::get_if<ProposalWithBlock>(&message)) {
      slot = {node, p->proposal.height, p->proposal.round, 0};
    } else {
      const auto& v = std::get<Vote>(message);
      slot = {node, v.height, v.round, static_cast<int>(v.type)};
    }
    const Hash32 digest = crypto::Sha256(*MakePacket(message).bytes);
    auto [it, inserted] = signed_.try_emplace(slot, digest);
    if (!inserted && it->second != digest) {
      Fail("honest n" + std::to_string(node) + " signed two different messages for h" +
           std::to_string(std::get<1>(slot)) + " r" + std::to_string(std::get<2>(slot)));
    }
  }

  void OnCommitted(std::size_t node, const CommittedBlock& block) override {
    if (nodes_[node]->byzantine()) return;
    const std::uint64_t height = block.block.height;
    const Hash32 hash = ledger::BlockHash(block.block);
    // Many nodes commit the same block with the same certificate: verify each pair once.
    const Hash32 pair = crypto::Sha256(Concat({hash, ledger::EncodeCertificate(block.certificate)}));
    if (!certified_.contains(pair)) {
      Status s = ledger::VerifyCertificate(kTestChainId, block.block, block.certificate, SetAt(height).members());
      if (!s.ok()) {
        return Fail("n" + std::to_string(node) + " committed h" + std::to_string(height) +
                    " with a certificate that does not verify: " + s.error().message);
      }
      certified_.insert(pair);
    }
    auto [it, inserted] = decided_.try_emplace(height, hash);
    if (!inserted && it->second != hash) {
      Fail("SAFETY: n" + std::to_string(node) + " committed " + ToHex(hash).substr(0, 6) + " at height " +
           std::to_string(height) + " where another honest node committed " + ToHex(it->second).substr(0, 6));
    }
  }

  void OnVerdict(std::size_t node, const crypto::PublicKey& signer, Verdict verdict) override {
    auto it = byzantine_keys_.find(signer);
    if (IsMisbehaviour(verdict) && it != byzantine_keys_.end() && !it->second) {
      Fail("n" + std::to_string(node) + " judged a message of an honest validator: " + VerdictName(verdict));
    }
  }

  void OnEvidence(std::size_t node, const DuplicateVoteEvidence& evidence) override {
    if (nodes_[node]->byzantine()) return;
    if (!byzantine_keys_.at(evidence.first.validator)) {
      return Fail("n" + std::to_string(node) + " holds equivocation evidence against an honest validator");
    }
    ++result_.evidence;
  }

  void Fail(std::string failure) override {
    if (result_.failure.empty()) {
      result_.failure = "t=" + std::to_string(now_ms_) + " " + std::move(failure);
      Trace(nodes_.size(), "FAILURE " + result_.failure);
    }
  }

  bool tracing() const override { return config_.trace != SimConfig::Trace::kOff; }

  void Trace(std::size_t node, std::string line) override {
    if (!tracing()) return;
    std::string who = node < nodes_.size() ? "n" + std::to_string(node) : std::string("world");
    trace_.push_back("t=" + std::to_string(now_ms_) + " " + who + ": " + std::move(line));
    if (config_.trace == SimConfig::Trace::kTail && trace_.size() > kTraceLines) trace_.pop_front();
  }

 private:
  // The adversary's scheduling (sim_adversary.h): before GST, an honest
  // precommit for a block, or a certified block, from side A to side B of a
  // round whose decision it holds back.
  bool HeldBack(std::size_t from, std::size_t to, const SimPacket& packet) {
    if (!packet.decisive || now_ms_ >= scenario_.faults.gst_ms || !config_.byzantine) return false;
    const SimPacket::Decisive& d = *packet.decisive;
    if (d.signer && byzantine_keys_.at(*d.signer)) return false;
    return adversary_.HoldsBackPrecommits(d.height, d.round, rng_) &&
           !adversary_.OnSideB(d.height, from, rng_) && adversary_.OnSideB(d.height, to, rng_);
  }

  void Push(std::uint64_t time, EventBody body) {
    std::size_t slot = bodies_.size();
    if (free_slots_.empty()) {
      bodies_.emplace_back(std::move(body));
    } else {
      slot = free_slots_.back();
      free_slots_.pop_back();
      bodies_[slot].emplace(std::move(body));
    }
    queue_.push(EventKey{time, next_sequence_++, slot});
  }

  // A node handles a message it keeps only once per boot, as a gossip layer
  // that remembers what it passed on: further copies (the network's
  // duplicates, relays of what it has) stop here.
  void Handle(Deliver& d) {
    if (!nodes_[d.to]->up() || holds_[d.to].contains(d.packet.id)) return;
    nodes_[d.to]->Receive(d.from, d.packet);
  }
  void Handle(Timer& t) { nodes_[t.node]->OnTimer(t.incarnation, t.timeout); }
  void Handle(GossipTick& g) { nodes_[g.node]->Gossip(g.incarnation); }
  void Handle(CrashNode& c) {
    if (!nodes_[c.node]->up()) return;
    nodes_[c.node]->Crash();
    holds_[c.node].clear();
  }
  void Handle(RestartNode& r) {
    if (!nodes_[r.node]->up()) nodes_[r.node]->Boot();
  }
  void Handle(PartitionStart& p) {
    network_.Partition(p.groups);
    if (!tracing()) return;
    std::string groups;
    for (int g : p.groups) groups += std::to_string(g);
    Trace(nodes_.size(), "partition " + groups);
  }
  void Handle(PartitionEnd&) {
    network_.Heal();
    Trace(nodes_.size(), "heal");
  }
  void Handle(ReachGst&) {
    network_.Heal();
    for (auto& node : nodes_) {
      if (!node->byzantine()) gst_height_ = std::max(gst_height_, node->committed_height());
    }
    target_height_ = gst_height_ + config_.heights_after_gst;
    Trace(nodes_.size(), "GST; every honest node must reach height " + std::to_string(target_height_));
  }
  void Handle(Deadline&) {
    std::string state;
    for (const auto& node : nodes_) state += "; " + node->Describe();
    Fail("LIVENESS: height " + std::to_string(target_height_) + " not reached by every honest node " +
         std::to_string(config_.liveness_budget_ms) + " ms after GST" + state);
  }

  void CheckLiveness() {
    if (!target_height_ || now_ms_ < scenario_.faults.gst_ms) return;
    if (LowestHonestHeight() >= target_height_) {
      done_ = true;
      result_.liveness_ms = now_ms_ - scenario_.faults.gst_ms;
    }
  }

  std::uint64_t LowestHonestHeight() const {
    std::uint64_t lowest = UINT64_MAX;
    for (const auto& node : nodes_) {
      if (!node->byzantine()) lowest = std::min(lowest, node->committed_height());
    }
    return lowest;
  }

  SimConfig config_;
  SimRandom rng_;
  Scenario scenario_;
  SimNetwork network_;
  Adversary adversary_;
  MachineConfig machine_config_;
  Hash32 genesis_hash_{};
  std::vector<std::unique_ptr<SimNode>> nodes_;
  std::map<crypto::PublicKey, bool> byzantine_keys_;
  std::map<std::uint64_t, ValidatorSet> sets_;

  std::priority_queue<EventKey, std::vector<EventKey>, std::greater<>> queue_;
  std::vector<std::optional<EventBody>> bodies_;
  std::vector<std::size_t> free_slots_;
  std::uint64_t next_sequence_ = 0;
  std::uint64_t now_ms_ = 0;
  std::uint64_t gst_height_ = 0;
  std::uint64_t target_height_ = 0;
  bool done_ = false;

  std::unordered_map<std::string, bool> verified_;
  std::vector<std::unordered_set<std::uint64_t>> holds_;
  std::map<std::tuple<std::size_t, std::uint64_t, std::uint32_t, int>, Hash32> signed_;
  std::set<Hash32> certified_;
  std::map<std::uint64_t, Hash32> decided_;
  std::deque<std::string> trace_;
  SimResult result_;
};

}  // namespace

SimResult RunSimulation(const SimConfig& config) { return SimWorld(config).Run(); }

}  // namespace jobcard::testing
