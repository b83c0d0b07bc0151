// SimNode: one validator in the consensus simulator. The state machine plus
// the host around it, doing what NodeService and the gossip layer will do:
// build and validate blocks, carry out effects in order (sign state to
// "disk" before the broadcast), and gossip as CometBFT does. Every gossip
// interval a node announces its height (Status), sends each peer the
// messages of its height that the peer does not hold yet (its own and those
// it accepted from others, so an equivocator's vote reaches everyone), and
// hands a committed block with its certificate to a peer whose Status shows
// it behind (block sync).
//
// A crash loses everything but the disk: the sign state, the chain, the
// messages the node signed at its current height and the blocks it holds.
// The last two stand in for the consensus WAL (a later slice): without them
// a validator that crashed after signing could never resend a vote its
// peers lost, nor re-propose the block it is locked on, and the height could
// stall for good; with them it replays its own messages into its new
// machine and resends them.
//
// A Byzantine node runs the same honest machine, for its pacing, rewrites
// everything it signs as the shared Adversary plans (two signed versions of
// each proposal and vote, one per side), and neither relays nor syncs
// anyone.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "node/consensus/state_machine.h"
#include "tests/support/sim_adversary.h"
#include "tests/support/sim_wire.h"

namespace jobcard::testing {

// What a node may do to the simulated world, and the checks it reports to.
class SimEnvironment {
 public:
  virtual ~SimEnvironment() = default;
  virtual std::uint64_t now_ms() const = 0;
  virtual std::size_t node_count() const = 0;
  virtual SimRandom& rng() = 0;
  virtual const node::consensus::MachineConfig& machine_config() const = 0;
  virtual const node::consensus::ValidatorSet& SetAt(std::uint64_t height) = 0;
  virtual const Hash32& genesis_hash() const = 0;
  virtual std::uint64_t gossip_interval_ms() const = 0;
  virtual bool VerifySignature(const crypto::PublicKey& key, std::string_view tag, ByteView message,
                               const crypto::Signature& signature) = 0;
  virtual void Send(std::size_t from, std::size_t to, const SimPacket& packet) = 0;
  // True when `node` keeps `packet_id` (marked since it last booted): peers
  // announce what they hold, as CometBFT's HasVote does, and gossip sends
  // each peer only what it lacks. A message the machine refused for now (a
  // bound, a height not yet reached) is not held, so it comes again.
  virtual bool Holds(std::size_t node, std::uint64_t packet_id) const = 0;
  virtual void MarkHeld(std::size_t node, std::uint64_t packet_id) = 0;
  virtual void ScheduleTimer(std::size_t node, std::uint64_t incarnation,
                             const node::consensus::ScheduleTimeout& timeout) = 0;
  virtual void ScheduleGossip(std::size_t node, std::uint64_t incarnation) = 0;

  // Checks. OnSigned is called for honest nodes only.
  virtual void OnSigned(std::size_t node, const WireMessage& message) = 0;
  virtual void OnCommitted(std::size_t node, const CommittedBlock& block) = 0;
  virtual void OnVerdict(std::size_t node, const crypto::PublicKey& signer, node::consensus::Verdict verdict) = 0;
  virtual void OnEvidence(std::size_t node, const node::consensus::DuplicateVoteEvidence& evidence) = 0;
  virtual void Fail(std::string failure) = 0;
  virtual bool tracing() const = 0;
  virtual void Trace(std::size_t node, std::string line) = 0;
};

// A message to gossip; `to` is nullopt for every peer.
struct SimOutgoing {
  std::optional<std::size_t> to;
  SimPacket packet;
};

// What survives a crash.
struct SimDisk {
  node::consensus::SignState sign_state;
  std::vector<CommittedBlock> chain;  // chain[h - 1] is height h
  // The WAL's part: the node's own messages, and the blocks it built or
  // received, of the heights not committed yet. A restarted validator that
  // is locked re-proposes its locked block, so it must still have it.
  std::vector<SimOutgoing> signed_this_height;
  std::map<Hash32, ledger::BlockHeader> blocks;
};

class SimNode {
 public:
  static constexpr std::uint64_t kStatusEveryTicks = 4;

  // `adversary`: null for an honest node.
  SimNode(SimEnvironment& env, std::size_t index, crypto::SigningKey key, Adversary* adversary);
  SimNode(const SimNode&) = delete;
  SimNode& operator=(const SimNode&) = delete;

  void Boot();   // start, or restart from the disk
  void Crash();  // lose everything but the disk
  void Receive(std::size_t from, const SimPacket& packet);
  void OnTimer(std::uint64_t incarnation, const node::consensus::ScheduleTimeout& timeout);
  void Gossip(std::uint64_t incarnation);

  bool up() const { return up_; }
  bool byzantine() const { return adversary_ != nullptr; }
  std::uint64_t committed_height() const { return disk_.chain.size(); }
  std::string Describe() const;

 private:
  void OnProposal(std::size_t from, const SimPacket& packet, const ProposalWithBlock& message);
  void OnVote(std::size_t from, const SimPacket& packet, const node::consensus::Vote& vote);
  void OnCommittedBlock(std::size_t from, const CommittedBlock& block);
  void Remember(const SimPacket& packet, std::uint64_t height, node::consensus::Verdict verdict);
  void Apply(const node::consensus::Output& output);
  void Commit(const CommittedBlock& block, const std::string& how);
  void Send(std::optional<std::size_t> to, const WireMessage& message);
  void Broadcast(const WireMessage& message);
  void Equivocate(const WireMessage& a, const WireMessage& b, std::uint64_t height);
  void EquivocateVote(const node::consensus::Vote& vote);
  void EquivocateProposal(const node::consensus::Proposal& proposal);
  void CatchUp(std::size_t peer, std::uint64_t height);

  Hash32 BuildBlock(std::uint64_t height, std::uint32_t round, std::uint8_t salt);
  bool ValidBlock(std::uint64_t height, const ledger::BlockHeader& block);
  std::pair<Hash32, std::uint64_t> Tip() const;  // hash and time of the last committed block
  // Builds the line only when the world traces.
  template <typename MakeLine>
  void Trace(MakeLine make_line) {
    if (env_.tracing()) env_.Trace(index_, make_line());
  }

  SimEnvironment& env_;
  std::size_t index_;
  crypto::SigningKey key_;
  Adversary* adversary_;
  SimDisk disk_;

  bool up_ = false;
  std::uint64_t incarnation_ = 0;
  std::unique_ptr<node::consensus::StateMachine> machine_;
  std::map<std::pair<std::uint64_t, std::uint32_t>, Hash32> proposed_;  // a value seen proposed per (height, round)
  std::vector<SimPacket> relay_;  // others' messages of this height that the machine took
  std::vector<SimPacket> relay_next_height_;  // and those it buffered for the next
  std::map<std::size_t, std::uint64_t> last_catch_up_ms_;
  std::uint64_t gossip_ticks_ = 0;
};

}  // namespace jobcard::testing
