#include "tests/support/sim_node.h"

#include <algorithm>

#include "crypto/hash.h"
#include "ledger/encoding.h"

namespace jobcard::testing {

using namespace node::consensus;

namespace {

std::string Short(const std::optional<Hash32>& value) {
  return value ? ToHex(ByteView(*value).first(3)) : std::string("nil");
}

std::string Line(const Vote& v) {
  return std::string(v.type == VoteType::kPrevote ? "prevote" : "precommit") + " h" + std::to_string(v.height) +
         " r" + std::to_string(v.round) + " " + Short(v.value);
}

std::string Line(const Proposal& p) {
  return "proposal h" + std::to_string(p.height) + " r" + std::to_string(p.round) + " " + Short(p.value) +
         " pol " + (p.pol_round ? std::to_string(*p.pol_round) : "-");
}

}  // namespace

SimNode::SimNode(SimEnvironment& env, std::size_t index, crypto::SigningKey key, Adversary* adversary)
    : env_(env), index_(index), key_(std::move(key)), adversary_(adversary) {}

std::string SimNode::Describe() const {
  std::string s = "n" + std::to_string(index_) + (byzantine() ? "(byz)" : "") + " committed " +
                  std::to_string(committed_height());
  if (!up_) return s + " down";
  return s + ", at h" + std::to_string(machine_->height()) + " r" + std::to_string(machine_->round()) + " " +
         StepName(machine_->step());
}

void SimNode::Boot() {
  up_ = true;
  ++incarnation_;
  MachineHooks hooks;
  hooks.get_value = [this](std::uint64_t height, std::uint32_t round) { return BuildBlock(height, round, 0); };
  hooks.valid_value = [this](std::uint64_t height, const Hash32& value) {
    auto it = disk_.blocks.find(value);
    if (it == disk_.blocks.end()) {
      env_.Fail("n" + std::to_string(index_) + ": asked to judge a block it does not hold");
      return false;
    }
    return ValidBlock(height, it->second);
  };
  hooks.verify_signature = [this](const crypto::PublicKey& k, std::string_view tag, ByteView message,
                                  const crypto::Signature& signature) {
    return env_.VerifySignature(k, tag, message, signature);
  };
  machine_ = std::make_unique<StateMachine>(env_.machine_config(), &key_, disk_.sign_state, std::move(hooks));
  Trace([&] { return "boot at height " + std::to_string(committed_height() + 1) + ", last signed h" +
                         std::to_string(disk_.sign_state.height) + " r" + std::to_string(disk_.sign_state.round) +
                         (disk_.sign_state.lock ? " locked" : ""); });
  const std::uint64_t height = committed_height() + 1;
  Apply(machine_->StartHeight(height, env_.SetAt(height)));
  // What the node signed before the crash, as the WAL will replay it.
  for (const auto& own : std::vector<SimOutgoing>(disk_.signed_this_height)) Receive(index_, own.packet);
  env_.ScheduleGossip(index_, incarnation_);
}

void SimNode::Crash() {
  up_ = false;
  ++incarnation_;
  machine_.reset();
  proposed_.clear();
  relay_.clear();
  relay_next_height_.clear();
  last_catch_up_ms_.clear();
  Trace([&] { return "crash"; });
}

void SimNode::Receive(std::size_t from, const SimPacket& packet) {
  if (!up_) return;
  auto message = DecodeWire(*packet.bytes);
  if (!message.ok()) {
    env_.Fail("n" + std::to_string(index_) + ": undecodable message: " + message.error().message);
    return;
  }
  if (const auto* p = std::get_if<ProposalWithBlock>(&*message)) {
    OnProposal(from, packet, *p);
  } else if (const auto* v = std::get_if<Vote>(&*message)) {
    OnVote(from, packet, *v);
  } else if (const auto* c = std::get_if<CommittedBlock>(&*message)) {
    OnCommittedBlock(from, *c);
  } else {
    CatchUp(from, std::get<PeerStatus>(*message).height);
  }
}

void SimNode::OnProposal(std::size_t from, const SimPacket& packet, const ProposalWithBlock& message) {
  const Proposal& p = message.proposal;
  CatchUp(from, p.height);
  if (ledger::BlockHash(message.block) != p.value) {
    env_.Fail("n" + std::to_string(index_) + ": a proposal came with another block");
    return;
  }
  disk_.blocks.emplace(p.value, message.block);
  proposed_.emplace(std::pair(p.height, p.round), p.value);
  Output output = machine_->OnProposal(p);
  env_.OnVerdict(index_, p.proposer, output.verdict);
  Remember(packet, p.height, output.verdict);
  Apply(output);
}

void SimNode::OnVote(std::size_t from, const SimPacket& packet, const Vote& vote) {
  CatchUp(from, vote.height);
  Output output = machine_->OnVote(vote);
  env_.OnVerdict(index_, vote.validator, output.verdict);
  Remember(packet, vote.height, output.verdict);
  Apply(output);
}

// What becomes of a message after the machine's verdict: held (not sent
// again) unless it may be wanted later; relayed with this height's gossip
// if the machine took it, with the next height's if it buffered it.
void SimNode::Remember(const SimPacket& packet, std::uint64_t height, Verdict verdict) {
  const bool later = verdict == Verdict::kOverLimit || (verdict == Verdict::kIgnored && height > committed_height());
  if (!later) env_.MarkHeld(index_, packet.id);
  const bool own = std::any_of(disk_.signed_this_height.begin(), disk_.signed_this_height.end(),
                               [&](const SimOutgoing& out) { return out.packet.id == packet.id; });
  if (own || adversary_) return;  // Byzantine nodes help no one
  if (verdict == Verdict::kAccepted || verdict == Verdict::kEquivocation) relay_.push_back(packet);
  if (verdict == Verdict::kBuffered) relay_next_height_.push_back(packet);
}

// Sync: a certified block for the height this node works on.
void SimNode::OnCommittedBlock(std::size_t from, const CommittedBlock& c) {
  const std::uint64_t height = committed_height() + 1;
  if (c.block.height != height) return;
  Status certified = ledger::VerifyCertificate(env_.machine_config().chain_id, c.block, c.certificate,
                                               env_.SetAt(height).members());
  if (!certified.ok()) {
    env_.Fail("n" + std::to_string(index_) + ": sync received a block whose certificate does not verify");
    return;
  }
  if (!ValidBlock(height, c.block)) {
    env_.Fail("SAFETY: n" + std::to_string(index_) + " got a certified block for height " + std::to_string(height) +
              " that does not extend its chain: another honest node committed a different block before");
    return;
  }
  Commit(c, "sync from n" + std::to_string(from));
}

void SimNode::OnTimer(std::uint64_t incarnation, const ScheduleTimeout& timeout) {
  if (!up_ || incarnation != incarnation_) return;
  Apply(machine_->OnTimeout(timeout.kind, timeout.height, timeout.round));
}

void SimNode::Gossip(std::uint64_t incarnation) {
  if (!up_ || incarnation != incarnation_) return;
  // Status every few ticks is enough to find peers that fell behind; a
  // status every tick would be most of the simulated traffic.
  const bool announce = ++gossip_ticks_ % kStatusEveryTicks == 0;
  const SimPacket status = MakePacket(PeerStatus{committed_height() + 1});
  for (std::size_t peer = 0; peer < env_.node_count(); ++peer) {
    if (peer == index_) continue;
    if (announce) env_.Send(index_, peer, status);
    for (const auto& out : disk_.signed_this_height) {
      if ((!out.to || *out.to == peer) && !env_.Holds(peer, out.packet.id)) env_.Send(index_, peer, out.packet);
    }
    for (const auto& packet : relay_) {
      if (!env_.Holds(peer, packet.id)) env_.Send(index_, peer, packet);
    }
  }
  env_.ScheduleGossip(index_, incarnation_);
}

// A peer works on a height this node has committed (its status, or a vote
// or proposal of its own, says so): hand it that block and its certificate,
// at most once per gossip interval.
void SimNode::CatchUp(std::size_t peer, std::uint64_t height) {
  if (adversary_ || height == 0 || height > committed_height()) return;
  auto last = last_catch_up_ms_.find(peer);
  if (last != last_catch_up_ms_.end() && env_.now_ms() < last->second + env_.gossip_interval_ms()) return;
  last_catch_up_ms_[peer] = env_.now_ms();
  env_.Send(index_, peer, MakePacket(disk_.chain[height - 1]));
}

void SimNode::Apply(const Output& output) {
  for (const Effect& effect : output.effects) {
    if (const auto* persist = std::get_if<PersistSignState>(&effect)) {
      const SignState& s = persist->state;
      if (!disk_.sign_state.Permits(s.height, s.round, s.step)) {
        env_.Fail("n" + std::to_string(index_) + ": the sign state went backwards");
      }
      disk_.sign_state = s;
    } else if (const auto* proposal = std::get_if<BroadcastProposal>(&effect)) {
      const Proposal& p = proposal->proposal;
      proposed_.emplace(std::pair(p.height, p.round), p.value);
      if (adversary_) {
        EquivocateProposal(p);
      } else {
        Trace([&] { return Line(p); });
        Broadcast(ProposalWithBlock{p, disk_.blocks.at(p.value)});
      }
    } else if (const auto* vote = std::get_if<BroadcastVote>(&effect)) {
      if (adversary_) {
        EquivocateVote(vote->vote);
      } else {
        Trace([&] { return Line(vote->vote); });
        Broadcast(vote->vote);
      }
    } else if (const auto* timeout = std::get_if<ScheduleTimeout>(&effect)) {
      env_.ScheduleTimer(index_, incarnation_, *timeout);
    } else {
      const auto& decide = std::get<Decide>(effect);
      auto block = disk_.blocks.find(decide.value);
      if (block == disk_.blocks.end()) {
        env_.Fail("n" + std::to_string(index_) + ": decided a block it does not hold");
        return;
      }
      Commit(CommittedBlock{block->second, decide.certificate}, "decide r" + std::to_string(decide.round));
    }
  }
  if (machine_) {
    for (const auto& evidence : machine_->TakeEvidence()) env_.OnEvidence(index_, evidence);
  }
}

void SimNode::Commit(const CommittedBlock& block, const std::string& how) {
  disk_.chain.push_back(block);
  Trace([&] { return "commit h" + std::to_string(block.block.height) + " " + Short(ledger::BlockHash(block.block)) +
                         " (" + how + ", " + std::to_string(block.certificate.signatures.size()) + " signatures)"; });
  env_.OnCommitted(index_, block);
  disk_.signed_this_height.clear();
  relay_ = std::move(relay_next_height_);
  relay_next_height_.clear();
  std::erase_if(proposed_, [&](const auto& entry) { return entry.first.first <= block.block.height; });
  std::erase_if(disk_.blocks, [&](const auto& entry) { return entry.second.height <= block.block.height; });
  const std::uint64_t next = committed_height() + 1;
  Apply(machine_->StartHeight(next, env_.SetAt(next)));
}

void SimNode::Send(std::optional<std::size_t> to, const WireMessage& message) {
  SimPacket packet = MakePacket(message);
  for (std::size_t peer = 0; peer < env_.node_count(); ++peer) {
    if (peer != index_ && (!to || *to == peer)) env_.Send(index_, peer, packet);
  }
  disk_.signed_this_height.push_back({to, std::move(packet)});
}

void SimNode::Broadcast(const WireMessage& message) {
  env_.OnSigned(index_, message);
  Send(std::nullopt, message);
}

// One version to each side; now and then both to one node.
void SimNode::Equivocate(const WireMessage& a, const WireMessage& b, std::uint64_t height) {
  for (std::size_t peer = 0; peer < env_.node_count(); ++peer) {
    if (peer == index_) continue;
    Send(peer, adversary_->OnSideB(height, peer, env_.rng()) ? b : a);
  }
  if (env_.rng().Percent(10)) {
    std::size_t peer = env_.rng().Between(0, env_.node_count() - 1);
    if (peer != index_) {
      Send(peer, a);
      Send(peer, b);
    }
  }
}

void SimNode::EquivocateProposal(const Proposal& p) {
  // The second block: another value, invalid one time in four.
  const Hash32 other_hash = BuildBlock(p.height, p.round, 1);
  ledger::BlockHeader other = disk_.blocks.at(other_hash);
  if (env_.rng().Percent(25)) {
    other.previous_hash[0] ^= 1;
    disk_.blocks.erase(other_hash);
    disk_.blocks.emplace(ledger::BlockHash(other), other);
  }
  const Hash32 other_value = ledger::BlockHash(other);
  adversary_->SetValues(p.height, p.round, p.value, other_value);
  Proposal second = SignProposal(env_.machine_config().chain_id, p.height, p.round, std::nullopt, other_value, key_);
  Trace([&] { return "equivocates " + Line(p) + " / " + Short(other_value); });
  Equivocate(ProposalWithBlock{p, disk_.blocks.at(p.value)}, ProposalWithBlock{second, other}, p.height);
}

void SimNode::EquivocateVote(const Vote& vote) {
  // Side A gets a vote for what was proposed in the round whatever the
  // rules say, side B what the honest machine would vote (or nil): the
  // Byzantine power lands behind values that honest locks should block.
  auto planned = adversary_->ValuesFor(vote.height, vote.round);
  auto seen = proposed_.find({vote.height, vote.round});
  std::optional<Hash32> a = seen != proposed_.end() ? std::optional(seen->second) : vote.value;
  std::optional<Hash32> b = a != vote.value ? vote.value : std::nullopt;
  if (planned) {
    a = planned->first;
    b = planned->second;
  }
  const std::string& chain = env_.machine_config().chain_id;
  Vote first = SignVote(chain, vote.type, vote.height, vote.round, a, key_);
  Vote second = SignVote(chain, vote.type, vote.height, vote.round, b, key_);
  Trace([&] { return "equivocates " + Line(first) + " / " + Short(b); });
  Equivocate(first, second, vote.height);
}

Hash32 SimNode::BuildBlock(std::uint64_t height, std::uint32_t round, std::uint8_t salt) {
  auto [previous_hash, previous_time] = Tip();
  ledger::BlockHeader b;
  b.height = height;
  b.time_ms = std::max(env_.now_ms(), previous_time + 1);
  b.previous_hash = previous_hash;
  ledger::Writer w;
  w.U64(index_).U64(height).U32(round).U8(salt);
  b.tx_root = crypto::Sha256(w.bytes());
  b.validator_set_hash = ledger::ValidatorSetHash(env_.SetAt(height).members());
  b.next_validator_set_hash = b.validator_set_hash;
  b.proposer = key_.public_key();
  const Hash32 hash = ledger::BlockHash(b);
  disk_.blocks.emplace(hash, b);
  return hash;
}

bool SimNode::ValidBlock(std::uint64_t height, const ledger::BlockHeader& b) {
  auto [previous_hash, previous_time] = Tip();
  return b.height == height && b.previous_hash == previous_hash && b.time_ms > previous_time &&
         b.validator_set_hash == ledger::ValidatorSetHash(env_.SetAt(height).members());
}

std::pair<Hash32, std::uint64_t> SimNode::Tip() const {
  if (disk_.chain.empty()) return {env_.genesis_hash(), 0};
  return {ledger::BlockHash(disk_.chain.back().block), disk_.chain.back().block.time_ms};
}

}  // namespace jobcard::testing
