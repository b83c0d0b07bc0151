#include "node/consensus_host.h"

#include <boost/asio/post.hpp>
#include <algorithm>
#include <chrono>
#include <cstdlib>

#include "node/block_pacing.h"
#include "node/evidence_file.h"
#include "node/log.h"
#include "node/proposal_bytes.h"
#include "node/proposal_signatures.h"
#include "node/sign_state_file.h"

namespace jobcard::node {

namespace asio = boost::asio;
using namespace consensus;

namespace {

// Blocks held at once (proposals of the current and the next height); a
// proposal whose block cannot be held is not passed to the machine, and
// gossip brings it again.
constexpr std::size_t kMaxHeldBlocks = 64;
// Messages of others kept for resending at one height.
constexpr std::size_t kMaxRelayed = 1024;
// The pool's oldest transactions looked at for re-gossip each interval.
constexpr std::size_t kRegossipWindowTxs = 256;
TxRegossipPolicy RegossipPolicy(std::uint64_t gossip_interval_ms) {
  TxRegossipPolicy policy;
  policy.interval_ms = gossip_interval_ms;
  return policy;
}

// How far ahead of this node's clock a proposed block's time may be.
constexpr std::uint64_t kMaxBlockTimeAheadMs = 10 * 60 * 1000;

std::string Short(const Hash32& hash) { return ToHex(hash).substr(0, 16); }

std::uint64_t ElapsedMs(std::chrono::steady_clock::time_point since) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - since).count());
}

std::uint64_t MessageHeight(const ConsensusMessage& message) {
  if (const auto* p = std::get_if<ProposalMessage>(&message)) return p->proposal.height;
  if (const auto* v = std::get_if<Vote>(&message)) return v->height;
  return std::get<StatusMessage>(message).height;
}

}  // namespace

ConsensusHost::ConsensusHost(asio::io_context& io, ledger::ChainStore& store, Mempool& mempool, p2p::MessageBus& bus,
                             const crypto::SigningKey* key, ConsensusHostConfig config,
                             ConsensusHostCallbacks callbacks)
    : io_(io),
      store_(store),
      mempool_(mempool),
      bus_(bus),
      key_(key),
      config_(std::move(config)),
      callbacks_(std::move(callbacks)),
      start_timer_(io),
      gossip_timer_(io),
      regossip_(RegossipPolicy(config_.gossip_interval_ms)),
      tx_flush_timer_(io) {
  if (config_.off_loop_tx_queue > 0) tx_worker_ = std::make_unique<OffLoopWorker>(config_.off_loop_tx_queue);
}

// Pending timer handlers see operation_aborted and touch nothing.
ConsensusHost::~ConsensusHost() = default;

std::uint64_t ConsensusHost::Now() const {
  if (config_.now_ms) return config_.now_ms();
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

std::uint64_t ConsensusHost::BlockIntervalMs() const {
  return config_.block_interval_ms.value_or(store_.genesis().params.block_interval_ms);
}

std::uint32_t ConsensusHost::MaxBlockTxs() const {
  const std::uint32_t chain_max = store_.genesis().params.max_block_txs;
  return std::min(config_.max_block_txs.value_or(chain_max), chain_max);
}

void ConsensusHost::Fail(const Error& error) {
  if (failed_) return;
  failed_ = error;
  // The owner, when it listens, says why the node stops: one line, not two.
  if (!callbacks_.on_fatal) LogError("consensus stopped", {{"code", error.code}, {"message", error.message}});
  start_timer_.cancel();
  gossip_timer_.cancel();
  tx_flush_timer_.cancel();
  timers_.clear();
  if (callbacks_.on_fatal) callbacks_.on_fatal(error);
}

p2p::BusHandler ConsensusHost::Handler() {
  p2p::BusHandler handler;
  handler.on_message = [this](const crypto::PublicKey& peer, p2p::Channel channel, ByteView payload) {
    OnMessage(peer, channel, payload);
  };
  handler.on_peer_connected = [this](const crypto::PublicKey& peer) { OnPeerConnected(peer); };
  handler.on_peer_disconnected = [this](const crypto::PublicKey& peer) { OnPeerDisconnected(peer); };
  return handler;
}

Status ConsensusHost::Start() {
  auto sign_state = LoadSignState(config_.sign_state_file);
  if (!sign_state.ok()) return sign_state.error();
  WalContents recovered;
  auto wal = ConsensusWal::Open(config_.wal_file, config_.wal_max_bytes, recovered);
  if (!wal.ok()) return wal.error();
  wal_ = std::move(*wal);
  if (!config_.evidence_file.empty()) {
    auto kept = LoadEvidence(config_.evidence_file);
    if (!kept.ok()) return kept.error();
    std::lock_guard lock(snapshot_mutex_);
    evidence_.assign(kept->begin(), kept->end());
    while (evidence_.size() > config_.max_evidence) evidence_.pop_front();
  }
  // The last decided heights' certificates, so that a conflicting precommit
  // that arrives after a restart is still caught. Who may vote at them: the
  // committed set and the certificate's signers (a change of set within
  // these heights is the rare case; a signer of a verified certificate was a
  // member).
  const std::uint64_t tip = store_.Tip().height;
  for (std::uint64_t h = tip >= kDecidedHeightsKept ? tip - kDecidedHeightsKept + 1 : 1; h <= tip; ++h) {
    auto certificate = store_.GetCertificate(h);
    if (!certificate.ok()) continue;
    OpenDecidedHeight(h, store_.GetValidators());
    RecordCertificate(*certificate);
  }

  MachineHooks hooks;
  hooks.get_value = [this](std::uint64_t height, std::uint32_t round) { return GetValue(height, round); };
  hooks.valid_value = [this](std::uint64_t height, const Hash32& value) { return ValidValue(height, value); };
  MachineConfig machine_config{store_.genesis().chain_id, config_.timeouts};
  machine_ = std::make_unique<StateMachine>(machine_config, key_, sign_state->value_or(SignState{}), std::move(hooks));

  const std::uint64_t next = NextHeight();
  LogInfo("consensus starting",
          {{"height", next},
           {"last_signed_height", machine_->sign_state().height},
           {"wal_height", recovered.height},
           {"wal_records", static_cast<std::uint64_t>(recovered.messages.size())}});
  ScheduleGossip();
  if (recovered.height == next && !recovered.messages.empty()) {
    // A restart within a height: hold the blocks first (a locked proposer
    // re-proposes its locked block at once), then replay in order.
    for (const auto& bytes : recovered.messages) {
      auto message = DecodeConsensusMessage(bytes);
      if (message.ok()) {
        if (auto* p = std::get_if<ProposalMessage>(&*message)) HoldBlock(p->proposal.value, std::move(p->block));
      }
    }
    StartHeightNow(recovered.messages);
  } else {
    TryStart(/*peer_started=*/machine_->sign_state().height == next);
  }
  UpdateSnapshot();
  return Status::Ok();
}

// ---- Heights ----------------------------------------------------------------

void ConsensusHost::ScheduleStart(std::uint64_t delay_ms) {
  start_timer_.expires_after(std::chrono::milliseconds(delay_ms));
  start_timer_.async_wait([this, alive = std::weak_ptr<int>(alive_)](const boost::system::error_code& ec) {
    if (!ec && !alive.expired()) TryStart(false);
  });
}

// Starts the next height when it is due: block_interval_ms after the last
// commit, and something to agree on (a transaction, or a peer at it).
void ConsensusHost::TryStart(bool peer_started) {
  if (failed() || running_height_) return;
  const std::uint64_t now = Now();
  if (!peer_started) {
    if (now < start_not_before_ms_) {
      ScheduleStart(start_not_before_ms_ - now);
      return;
    }
    if (mempool_.size() == 0) return;  // a transaction or a peer's message calls again
  }
  StartHeightNow({});
}

void ConsensusHost::StartHeightNow(const std::vector<Bytes>& replay) {
  const std::uint64_t height = NextHeight();
  if (wal_->height() != height) {
    Status started = wal_->StartHeight(height);
    if (!started.ok()) return Fail(started.error());
  }
  running_height_ = true;
  last_progress_ms_ = Now();
  own_.clear();
  relay_.clear();
  std::erase_if(blocks_, [&](const auto& entry) { return entry.second.block.header.height < height; });
  ValidatorSet set = SetForHeight(height);
  OpenDecidedHeight(height, set.members());
  Apply(machine_->StartHeight(height, std::move(set)));
  for (const auto& bytes : replay) OnConsensus(nullptr, bytes, /*from_wal=*/true);
  UpdateSnapshot();
}

// The members are the committed validator set; the proposer priorities are
// those of height - 1 rotation steps from zero over these members, so every
// node computes the same ones whenever it started.
ValidatorSet ConsensusHost::SetForHeight(std::uint64_t height) {
  std::vector<ledger::ValidatorRecord> members = store_.GetValidators();
  // Asked twice for one height (the pacing, then the start): the same set.
  if (last_set_ && last_set_height_ == height && last_set_->members() == members) return *last_set_;
  if (last_set_ && last_set_height_ + 1 == height && last_set_->members() == members) {
    last_set_ = last_set_->ForNextHeight();
  } else {
    auto set = ValidatorSet::Create(members);
    if (!set.ok()) {
      // The ledger's validation keeps the committed set within the bounds.
      LogError("the committed validator set is unusable", {{"message", set.error().message}});
      std::abort();
    }
    last_set_ = std::move(*set);
    for (std::uint64_t h = 1; h < height; ++h) last_set_ = last_set_->ForNextHeight();
  }
  last_set_height_ = height;
  return *last_set_;
}

bool ConsensusHost::ProposesNextHeight() {
  if (key_ == nullptr) return false;
  const ValidatorSet set = SetForHeight(NextHeight());
  ProposerSchedule schedule(set);
  return set.members()[schedule.ProposerOf(0)].key == key_->public_key();
}

// ---- The machine's questions -----------------------------------------------

Hash32 ConsensusHost::GetValue(std::uint64_t height, std::uint32_t round) {
  const auto& params = store_.genesis().params;
  std::vector<ledger::EntryId> ids;
  // No more than this node can build, and the others execute, well within
  // the round's propose timeout (proposal_budget.h).
  const std::uint32_t max_txs = budget_.MaxTxs(config_.timeouts.DurationMs(TimeoutKind::kPropose, round), MaxBlockTxs());
  // And no more bytes than a payload can carry (proposal_bytes.h).
  auto txs = mempool_.Reap(max_txs, ProposalTxBytes(params.max_block_bytes, max_txs), &ids);
  const auto started = std::chrono::steady_clock::now();
  auto prepared = PrepareNextBlock(store_, txs, Now(), key_->public_key(), /*signatures_verified=*/true, ids);
  const std::uint64_t elapsed_ms = ElapsedMs(started);
  budget_.Observe(txs.size(), elapsed_ms);
  if (!prepared.ok()) {
    // Reading the store failed; the candidates themselves cannot fail it.
    // An empty block still keeps the height going.
    LogWarn("cannot build a block from the mempool", {{"code", prepared.error().code}});
    prepared = PrepareNextBlock(store_, {}, Now(), key_->public_key(), true);
    if (!prepared.ok()) {
      Fail(prepared.error());
      return Hash32{};
    }
  }
  const Hash32 hash = prepared->block_hash;
  LogDebug("block proposed", {{"height", height}, {"round", static_cast<std::uint64_t>(round)},
                              {"txs", static_cast<std::uint64_t>(prepared->block.txs.size())},
                              {"max_txs", static_cast<std::uint64_t>(max_txs)}, {"ms", elapsed_ms}});
  HeldBlock held{prepared->block, std::move(*prepared), true};
  blocks_.insert_or_assign(hash, std::move(held));
  return hash;
}

bool ConsensusHost::ValidValue(std::uint64_t height, const Hash32& value) {
  auto it = blocks_.find(value);
  if (it == blocks_.end() || height != NextHeight()) return false;
  HeldBlock& held = it->second;
  if (!held.judged) {
    held.judged = true;
    if (held.block.header.time_ms > Now() + kMaxBlockTimeAheadMs) {
      LogWarn("proposed block rejected", {{"height", height}, {"reason", "time too far ahead"}});
      return false;
    }
    const auto started = std::chrono::steady_clock::now();
    // Signatures the mempool verified are not verified again (proposal_signatures.h).
    auto signatures = CheckProposalSignatures(mempool_, held.block.txs, store_.genesis().chain_id);
    if (!signatures.ok()) {
      LogWarn("proposed block rejected", {{"height", height}, {"hash", Short(value)}, {"code", signatures.error().code}});
      return false;
    }
    auto replayed = store_.ReplayBlock(held.block, /*signatures_verified=*/true, signatures->ids);
    const std::uint64_t elapsed_ms = ElapsedMs(started);
    budget_.Observe(held.block.txs.size(), elapsed_ms);
    LogInfo("proposed block executed",
            {{"height", height}, {"hash", Short(value)}, {"txs", static_cast<std::uint64_t>(held.block.txs.size())},
             {"signatures_verified_now", static_cast<std::uint64_t>(signatures->verified_now)}, {"ms", elapsed_ms}});
    if (!replayed.ok()) {
      LogWarn("proposed block rejected", {{"height", height}, {"hash", Short(value)}, {"code", replayed.error().code}});
      return false;
    }
    held.prepared = std::move(*replayed);
  }
  return held.prepared.has_value();
}

// ---- Effects ----------------------------------------------------------------

void ConsensusHost::Apply(const Output& output) {
  for (const Effect& effect : output.effects) {
    if (failed()) return;
    if (const auto* persist = std::get_if<PersistSignState>(&effect)) {
      Status saved = SaveSignState(config_.sign_state_file, persist->state);
      if (!saved.ok()) return Fail(saved.error());
    } else if (const auto* proposal = std::get_if<BroadcastProposal>(&effect)) {
      auto held = blocks_.find(proposal->proposal.value);
      if (held == blocks_.end()) return Fail(MakeError("consensus.missing_block", "proposing a block it does not hold"));
      Send(EncodeConsensusMessage(ProposalMessage{proposal->proposal, held->second.block}));
    } else if (const auto* vote = std::get_if<BroadcastVote>(&effect)) {
      (void)decided_votes_.Add(vote->vote);
      Send(EncodeConsensusMessage(vote->vote));
    } else if (const auto* timeout = std::get_if<consensus::ScheduleTimeout>(&effect)) {
      ScheduleTimeout(*timeout);
    } else {
      CommitDecided(std::get<Decide>(effect));
    }
  }
  KeepEvidence(machine_->TakeEvidence());
}

// Kept in memory for the API and, when configured, rewritten to the evidence
// file. A failed save is logged, not fatal: safety does not rest on it.
void ConsensusHost::KeepEvidence(std::vector<DuplicateVoteEvidence> found) {
  if (found.empty()) return;
  std::vector<DuplicateVoteEvidence> all;
  {
    std::lock_guard lock(snapshot_mutex_);
    bool added = false;
    for (auto& evidence : found) {
      // Replaying the WAL after a restart finds the same pairs again, and a
      // late vote may find, the other way round, a pair the machine kept.
      const DuplicateVoteEvidence swapped{evidence.second, evidence.first};
      if (std::find(evidence_.begin(), evidence_.end(), evidence) != evidence_.end() ||
          std::find(evidence_.begin(), evidence_.end(), swapped) != evidence_.end()) {
        continue;
      }
      LogWarn("equivocation", {{"validator", ToHex(evidence.first.validator).substr(0, 16)},
                               {"height", evidence.first.height}});
      evidence_.push_back(std::move(evidence));
      added = true;
    }
    while (evidence_.size() > config_.max_evidence) evidence_.pop_front();
    if (!added || config_.evidence_file.empty()) return;
    all.assign(evidence_.begin(), evidence_.end());
  }
  Status saved = SaveEvidence(config_.evidence_file, all);
  if (!saved.ok()) LogError("cannot save the evidence file", {{"code", saved.error().code}, {"message", saved.error().message}});
}

// Own message: logged and synced before it leaves, so a restart resends it.
void ConsensusHost::Send(const Bytes& message) {
  auto appended = wal_->Append(message);
  if (!appended.ok()) return Fail(appended.error());
  if (!*appended) LogWarn("consensus wal full for this height; own message not logged", {});
  Status synced = wal_->Sync();
  if (!synced.ok()) return Fail(synced.error());
  own_.push_back(message);
  bus_.Broadcast(p2p::Channel::kConsensus, message);
}

void ConsensusHost::ScheduleTimeout(const consensus::ScheduleTimeout& timeout) {
  const std::uint64_t id = next_timer_id_++;
  auto timer = std::make_unique<asio::steady_timer>(io_);
  timer->expires_after(std::chrono::milliseconds(std::min<std::uint64_t>(timeout.duration_ms, 24ull * 3600 * 1000)));
  timer->async_wait([this, id, timeout, alive = std::weak_ptr<int>(alive_)](const boost::system::error_code& ec) {
    // A timer that expired just before the host was destroyed still runs
    // its handler, with success: the token tells.
    if (ec || alive.expired()) return;
    timers_.erase(id);
    if (failed() || !running_height_) return;
    const std::uint32_t round_before = machine_->round();
    Apply(machine_->OnTimeout(timeout.kind, timeout.height, timeout.round));
    if (running_height_ && machine_->round() != round_before) {
      // A round that ended by timeout: the first thing to look at when a
      // height stalls (spec/consensus.md §timeouts).
      LogInfo("consensus round timed out", {{"height", timeout.height},
                                            {"round", static_cast<std::uint64_t>(round_before)},
                                            {"timeout", timeout.kind == TimeoutKind::kPropose   ? "propose"
                                                        : timeout.kind == TimeoutKind::kPrevote ? "prevote"
                                                                                                : "precommit"},
                                            {"next_round", static_cast<std::uint64_t>(machine_->round())}});
    }
    UpdateSnapshot();
  });
  timers_.emplace(id, std::move(timer));
}

void ConsensusHost::CommitDecided(const Decide& decide) {
  auto held = blocks_.find(decide.value);
  if (held == blocks_.end() || !held->second.prepared) {
    return Fail(MakeError("consensus.missing_block", "decided a block it does not hold"));
  }
  // Moved out, not copied (the block and every derived write): AfterCommit
  // drops the held blocks of this height anyway.
  const ledger::PreparedBlock prepared = std::move(*held->second.prepared);
  Status committed = store_.Commit(prepared, decide.certificate);
  if (!committed.ok()) return Fail(committed.error());
  RecordCertificate(decide.certificate);
  AfterCommit(prepared);
}

void ConsensusHost::AfterCommit(const ledger::PreparedBlock& prepared) {
  running_height_ = false;
  last_progress_ms_ = Now();
  last_commit_ms_ = last_progress_ms_;
  std::erase_if(blocks_, [&](const auto& entry) {
    return entry.second.block.header.height <= prepared.block.header.height;
  });
  own_.clear();
  relay_.clear();
  const CommittedBlock summary = SummariseBlock(prepared);
  const ledger::ChainTip tip = store_.Tip();
  const ledger::TxContext next_ctx{store_.genesis(), tip.height + 1, std::max(Now(), tip.time_ms + 1)};
  std::vector<ledger::EntryId> rejected;
  for (const auto& r : summary.rejected) rejected.push_back(r.id);
  const auto recheck_started = std::chrono::steady_clock::now();
  // On this loop: when the block is the pool's oldest transactions (the
  // usual case) its cost follows the block, otherwise the backlog.
  const std::vector<DroppedTx> dropped = mempool_.Update(store_, next_ctx, summary.committed_ids, rejected);
  const std::size_t pending = mempool_.size();
  // The next proposer starts at once under a backlog, else after the block
  // interval; the others when its proposal arrives (block_pacing.h).
  const std::uint64_t delay_ms = NextHeightDelayMs(
      PacingInputs{pending, prepared.block.txs.size(),
                   budget_.MaxTxs(config_.timeouts.DurationMs(TimeoutKind::kPropose, 0), MaxBlockTxs()),
                   BlockIntervalMs(), ProposesNextHeight()});
  start_not_before_ms_ = last_progress_ms_ + delay_ms;
  LogInfo("mempool rechecked", {{"height", tip.height}, {"pending", static_cast<std::uint64_t>(pending)},
                                {"incremental", mempool_.last_update_incremental()},
                                {"reordered", mempool_.last_update_reordered()},
                                {"full_reason", mempool_.last_full_recheck_reason()},
                                {"ms", ElapsedMs(recheck_started)}, {"next_height_in_ms", delay_ms}});
  if (callbacks_.on_committed) callbacks_.on_committed(summary, dropped);
  UpdateSnapshot();
  // Through the timer even when the delay is 0: a single validator
  // decides inside StartHeight, and starting the next height from here
  // would recurse once per block.
  ScheduleStart(delay_ms);
}

// ---- Incoming ---------------------------------------------------------------

void ConsensusHost::OnMessage(const crypto::PublicKey& peer, p2p::Channel channel, ByteView payload) {
  if (failed() || !machine_) return;
  switch (channel) {
    case p2p::Channel::kConsensus:
      return OnConsensus(&peer, payload, false);
    case p2p::Channel::kSync:
      return OnSync(peer, payload);
    case p2p::Channel::kTxs:
      return OnTxs(peer, payload);
  }
  Penalise(&peer, "unknown channel");
}

void ConsensusHost::OnPeerConnected(const crypto::PublicKey& peer) {
  if (failed() || !machine_) return;
  bus_.SendTo(peer, p2p::Channel::kConsensus, EncodeConsensusMessage(StatusMessage{NextHeight()}));
  UpdateSnapshot();
}

void ConsensusHost::OnPeerDisconnected(const crypto::PublicKey& peer) {
  last_request_ms_.erase(peer);
  last_serve_ms_.erase(peer);
  UpdateSnapshot();
}

void ConsensusHost::Penalise(const crypto::PublicKey* peer, std::string_view reason) {
  if (peer == nullptr) return;
  LogWarn("peer misbehaved", {{"peer", ToHex(*peer).substr(0, 16)}, {"reason", reason}});
  bus_.Penalise(*peer, reason);
}

void ConsensusHost::HoldBlock(const Hash32& hash, ledger::Block block) {
  if (blocks_.count(hash) != 0 || blocks_.size() >= kMaxHeldBlocks) return;
  blocks_.emplace(hash, HeldBlock{std::move(block), std::nullopt, false});
}

void ConsensusHost::OnConsensus(const crypto::PublicKey* peer, ByteView payload, bool from_wal) {
  auto decoded = DecodeConsensusMessage(payload);
  if (!decoded.ok()) return Penalise(peer, decoded.error().code);
  const std::uint64_t height = MessageHeight(*decoded);
  const std::uint64_t next = NextHeight();
  if (peer != nullptr) {
    // A peer ahead has blocks this node lacks; a peer behind gets ours.
    if (height > next) return RequestBlocks(*peer);
    if (height < next && height > 0) {
      if (const auto* vote = std::get_if<Vote>(&*decoded)) CheckLateVote(*peer, *vote);
      // A peer at the height this node has just committed is nearly always
      // committing it too (its late precommit, or its status sent while it
      // executed the block): pushing it the block (thousands of transactions
      // read, sent and decoded) was 2.5 % of the devnet's CPU in a profile,
      // for nothing (BENCHMARKS.md, "Hot maps"). A peer really stuck there
      // still says so a gossip interval later (its status, its resent votes),
      // and is served then.
      if (height + 1 == next && Now() < last_commit_ms_ + config_.gossip_interval_ms) return;
      return ServeBlocks(*peer, height, 1);
    }
  }
  if (std::holds_alternative<StatusMessage>(*decoded)) return;
  if (height != next) return;
  if (!running_height_) {
    // An idle network starts a height for a peer's message; only for one a
    // validator really signed, or a forged message would make every node
    // start the height and commit an empty block.
    if (const char* refused = RefusedAsStart(*decoded)) return Penalise(peer, refused);
    StartHeightNow({});
  }
  if (failed() || !running_height_) return;

  Output output;
  crypto::PublicKey signer{};
  if (auto* p = std::get_if<ProposalMessage>(&*decoded)) {
    signer = p->proposal.proposer;
    HoldBlock(p->proposal.value, std::move(p->block));
    if (blocks_.count(p->proposal.value) == 0) return;  // no room: gossip brings it again
    output = machine_->OnProposal(p->proposal);
  } else {
    const Vote& vote = std::get<Vote>(*decoded);
    signer = vote.validator;
    output = machine_->OnVote(vote);
    // Kept past the decision, to judge votes that come after it. The
    // machine reports this height's own pairs.
    if (output.verdict == Verdict::kAccepted || output.verdict == Verdict::kEquivocation) (void)decided_votes_.Add(vote);
  }
  // An equivocation is its signer's fault: an honest peer relaying one of
  // the two messages (gossip) must not be scored for it, or one Byzantine
  // validator could get honest ones banned by each other.
  const bool relayed_equivocation =
      output.verdict == Verdict::kEquivocation && (peer == nullptr || *peer != signer);
  if (IsMisbehaviour(output.verdict) && !relayed_equivocation) Penalise(peer, VerdictName(output.verdict));
  const bool taken = output.verdict == Verdict::kAccepted || output.verdict == Verdict::kEquivocation;
  if (taken) {
    // Kept for resending while the height stalls: its own, and others' up to a bound.
    const bool own = key_ != nullptr && signer == key_->public_key();
    if (own || relay_.size() < kMaxRelayed) (own ? own_ : relay_).emplace_back(payload.begin(), payload.end());
    last_progress_ms_ = Now();
  }
  if (taken && !from_wal) {
    auto appended = wal_->Append(payload);
    if (!appended.ok()) return Fail(appended.error());
    // What the machine does next may depend on this record: durable first.
    if (!output.effects.empty()) {
      Status synced = wal_->Sync();
      if (!synced.ok()) return Fail(synced.error());
    }
  }
  Apply(output);
  UpdateSnapshot();
}

const char* ConsensusHost::RefusedAsStart(const ConsensusMessage& message) const {
  const crypto::PublicKey* signer = nullptr;
  const crypto::Signature* signature = nullptr;
  std::optional<SignedBytes> bytes;
  const std::string& chain_id = store_.genesis().chain_id;
  if (const auto* p = std::get_if<ProposalMessage>(&message)) {
    signer = &p->proposal.proposer;
    signature = &p->proposal.signature;
    bytes = ProposalSignedBytes(chain_id, p->proposal);
  } else {
    const Vote& vote = std::get<Vote>(message);
    signer = &vote.validator;
    signature = &vote.signature;
    bytes = VoteSignedBytes(chain_id, vote);
  }
  const auto validators = store_.GetValidators();
  const bool member = std::any_of(validators.begin(), validators.end(),
                                  [&](const ledger::ValidatorRecord& v) { return v.key == *signer; });
  if (!member) return VerdictName(Verdict::kUnknownValidator);
  if (!crypto::Verify(*signer, bytes->tag, bytes->message, *signature)) return VerdictName(Verdict::kBadSignature);
  return nullptr;
}

// ---- Decided heights ---------------------------------------------------------

void ConsensusHost::OpenDecidedHeight(std::uint64_t height, const std::vector<ledger::ValidatorRecord>& members) {
  std::vector<crypto::PublicKey> keys;
  keys.reserve(members.size());
  for (const auto& member : members) keys.push_back(member.key);
  decided_votes_.Open(height, keys);
}

// Its signatures were verified (the certificate of a commit, or of a block
// on this node's own store).
void ConsensusHost::RecordCertificate(const ledger::CommitCertificate& certificate) {
  std::vector<crypto::PublicKey> signers;
  for (const auto& s : certificate.signatures) signers.push_back(s.validator);
  decided_votes_.Open(certificate.height, signers);
  for (const auto& s : certificate.signatures) {
    (void)decided_votes_.Add(Vote{VoteType::kPrecommit, certificate.height, certificate.round, certificate.block_hash,
                                  s.validator, s.signature});
  }
}

// A vote for a height this node has decided: the machine has forgotten the
// height, so the conflict with what its signer cast before is judged here
// (spec/consensus.md §7). Only a vote that could be kept or make a pair has
// its signature checked; the pair scores the peer only when the peer is the
// signer, as at the current height.
void ConsensusHost::CheckLateVote(const crypto::PublicKey& peer, const Vote& vote) {
  if (!decided_votes_.WouldMatter(vote)) return;
  const SignedBytes bytes = VoteSignedBytes(store_.genesis().chain_id, vote);
  if (!crypto::Verify(vote.validator, bytes.tag, bytes.message, vote.signature)) {
    return Penalise(&peer, VerdictName(Verdict::kBadSignature));
  }
  auto found = decided_votes_.Add(vote);
  if (!found) return;
  if (peer == vote.validator) Penalise(&peer, VerdictName(Verdict::kEquivocation));
  KeepEvidence({std::move(*found)});
}

void ConsensusHost::OnSync(const crypto::PublicKey& peer, ByteView payload) {
  auto decoded = DecodeSyncMessage(payload);
  if (!decoded.ok()) return Penalise(&peer, decoded.error().code);
  if (const auto* request = std::get_if<BlockRequest>(&*decoded)) {
    return ServeBlocks(peer, request->from_height, request->count);
  }
  const auto& certified = std::get<CertifiedBlock>(*decoded);
  const std::uint64_t next = NextHeight();
  const std::uint64_t height = certified.block.header.height;
  if (height > next) return RequestBlocks(peer);
  if (height < next) return;
  Status verified = ledger::VerifyCertificate(store_.genesis().chain_id, certified.block.header,
                                              certified.certificate, store_.GetValidators());
  if (!verified.ok()) return Penalise(&peer, verified.error().code);
  OpenDecidedHeight(height, store_.GetValidators());
  auto replayed = store_.ReplayBlock(certified.block);
  if (!replayed.ok()) {
    // Certified by more than 2/3 of the power yet not a valid extension of
    // this chain: either this node's chain or the network is broken.
    LogError("a certified block does not replay on this chain",
             {{"height", height}, {"code", replayed.error().code}, {"message", replayed.error().message}});
    return;
  }
  Status committed = store_.Commit(*replayed, certified.certificate);
  if (!committed.ok()) return Fail(committed.error());
  RecordCertificate(certified.certificate);
  LogInfo("block synced", {{"height", height}, {"peer", ToHex(peer).substr(0, 16)},
                           {"txs", static_cast<std::uint64_t>(certified.block.txs.size())}});
  AfterCommit(*replayed);
}

void ConsensusHost::OnTxs(const crypto::PublicKey& peer, ByteView payload) {
  auto batch = DecodeTxBatch(payload);
  if (!batch.ok()) return Penalise(&peer, batch.error().code);
  std::vector<GossipedTx> txs = std::move(batch).value();
  // Each transaction's signing message and id, built once: here for the
  // id, then in the mempool for the signature check.
  const std::string& chain_id = store_.genesis().chain_id;
  std::vector<ledger::TxMessageAndId> messages;
  messages.reserve(txs.size());
  for (const GossipedTx& g : txs) messages.push_back(ledger::MessageAndIdOf(chain_id, g.tx));
  if (!tx_worker_) return AfterGossipedTxs(peer, txs, AdmitTxs(txs, messages));
  // A transaction can come from more than one peer (full nodes relay):
  // drop the pending ones here, before the batch goes to the worker.
  std::size_t kept = 0;
  for (std::size_t i = 0; i < txs.size(); ++i) {
    if (mempool_.Contains(messages[i].id)) continue;
    if (kept != i) {
      txs[kept] = std::move(txs[i]);
      messages[kept] = std::move(messages[i]);
    }
    ++kept;
  }
  txs.resize(kept);
  messages.resize(kept);
  if (txs.empty()) return;
  // Off the loop: the signature verifications; back on it, once per batch:
  // relay or score.
  const std::size_t weight = txs.size();
  auto job = [this, alive = std::weak_ptr<int>(alive_), peer, txs = std::move(txs),
              messages = std::move(messages)]() mutable {
    std::vector<Status> admitted = AdmitTxs(txs, messages);
    asio::post(io_, [this, alive, peer, txs = std::move(txs), admitted = std::move(admitted)] {
      if (alive.expired() || failed()) return;
      AfterGossipedTxs(peer, txs, admitted);
    });
  };
  // A full worker queue (counted in transactions) drops the batch, as a full
  // send queue would.
  tx_worker_->Post(std::move(job), weight);
}

std::vector<Status> ConsensusHost::AdmitTxs(std::vector<GossipedTx>& txs,
                                            const std::vector<ledger::TxMessageAndId>& messages) const {
  std::vector<Status> admitted;
  admitted.reserve(txs.size());
  for (std::size_t i = 0; i < txs.size(); ++i) {
    const ledger::ChainTip tip = store_.Tip();
    const ledger::TxContext ctx{store_.genesis(), tip.height + 1, std::max(Now(), tip.time_ms + 1)};
    auto added = mempool_.Add(std::move(txs[i].tx), store_, ctx, messages[i]);
    admitted.push_back(added.ok() ? Status::Ok() : Status(added.error()));
  }
  return admitted;
}

void ConsensusHost::AfterGossipedTxs(const crypto::PublicKey& peer, const std::vector<GossipedTx>& txs,
                                     const std::vector<Status>& admitted) {
  bool bad_signature = false, any_admitted = false;
  const bool relay = RelaysTxsFrom(peer);
  for (std::size_t i = 0; i < txs.size(); ++i) {
    if (!admitted[i].ok()) {
      // Already pending or committed, or no longer valid: no harm.
      bad_signature = bad_signature || admitted[i].error().code == "tx.bad_signature";
      continue;
    }
    // Flood: a peer that has it already refuses it as a duplicate.
    if (relay) QueueTxGossip(txs[i].encoded);
    any_admitted = true;
  }
  // One score per batch, as one per message before batching.
  if (bad_signature) Penalise(&peer, "tx.bad_signature");
  if (!any_admitted) return;
  ScheduleTxFlush();
  TryStart(false);
}

// The validators are linked to each other (spec/p2p.md), so the one a
// client submitted to floods the transaction to all of them itself. When
// each of them relayed it again, every validator received every transaction
// three times over on a 4-validator network, and each copy cost a decode,
// an id and a pool lookup on the receiver and a seal and a send on the
// relayer (BENCHMARKS.md, "Hot maps"). A transaction from a full node or observer is
// still relayed, so one submitted there reaches every validator; a link that
// was down when a transaction went out is covered by the re-gossip of the
// pool's oldest (RegossipPendingTxs).
bool ConsensusHost::RelaysTxsFrom(const crypto::PublicKey& peer) const {
  // The committed set, read once per batch (an idle network has started no
  // height yet, so the machine's set may not exist).
  const std::vector<ledger::ValidatorRecord> members = store_.GetValidators();
  return std::none_of(members.begin(), members.end(), [&](const auto& m) { return m.key == peer; });
}

void ConsensusHost::OnLocalTx(const ledger::Tx& tx) {
  if (failed() || !machine_) return;
  QueueTxGossip(ledger::EncodeTx(tx));
  ScheduleTxFlush();
  TryStart(false);
}

void ConsensusHost::QueueTxGossip(const Bytes& encoded_tx) {
  for (const Bytes& payload : tx_batch_.Add(encoded_tx)) bus_.Broadcast(p2p::Channel::kTxs, payload);
}

void ConsensusHost::FlushTxGossip() {
  for (const Bytes& payload : tx_batch_.Flush()) bus_.Broadcast(p2p::Channel::kTxs, payload);
}

// The timer bounds how long batching holds a transaction back; one is
// armed at a time, so a steady stream leaves every tx_batch_delay_ms.
void ConsensusHost::ScheduleTxFlush() {
  if (tx_batch_.pending_txs() == 0 || tx_flush_armed_) return;
  if (config_.tx_batch_delay_ms == 0) return FlushTxGossip();
  tx_flush_armed_ = true;
  tx_flush_timer_.expires_after(std::chrono::milliseconds(config_.tx_batch_delay_ms));
  tx_flush_timer_.async_wait([this, alive = std::weak_ptr<int>(alive_)](const boost::system::error_code& ec) {
    if (ec || alive.expired()) return;
    tx_flush_armed_ = false;
    if (!failed()) FlushTxGossip();
  });
}

// ---- Gossip and sync --------------------------------------------------------

void ConsensusHost::ScheduleGossip() {
  gossip_timer_.expires_after(std::chrono::milliseconds(config_.gossip_interval_ms));
  gossip_timer_.async_wait([this, alive = std::weak_ptr<int>(alive_)](const boost::system::error_code& ec) {
    if (ec || alive.expired() || failed()) return;
    Gossip();
    ScheduleGossip();
  });
}

// The paper assumes every message eventually reaches every honest node; the
// bus may drop (full queues, reconnects), so a height that makes no progress
// sends its messages again.
void ConsensusHost::Gossip() {
  bus_.Broadcast(p2p::Channel::kConsensus, EncodeConsensusMessage(StatusMessage{NextHeight()}));
  RegossipPendingTxs();
  if (!running_height_ || Now() < last_progress_ms_ + config_.gossip_interval_ms) return;
  for (const auto& message : own_) bus_.Broadcast(p2p::Channel::kConsensus, message);
  for (const auto& message : relay_) bus_.Broadcast(p2p::Channel::kConsensus, message);
}

// A transaction goes to the peers once, when it enters this pool; a link
// that resets at that moment loses it, and a node that never proposes (a
// full node) would then hold it while the others commit other entries
// (ChaosTest.SlowLossyLinks* found one so). So the pool's oldest
// transactions that have stayed pending a few intervals go out again,
// bounded (node/tx_regossip.h), whether or not the chain makes progress;
// a peer that holds one refuses it as a duplicate before any signature check.
void ConsensusHost::RegossipPendingTxs() {
  std::vector<ledger::EntryId> ids;
  const std::vector<ledger::Tx> oldest =
      mempool_.size() == 0 ? std::vector<ledger::Tx>{} : mempool_.Reap(kRegossipWindowTxs, p2p::kMaxPayloadBytes, &ids);
  for (std::size_t i : regossip_.Due(Now(), ids)) QueueTxGossip(ledger::EncodeTx(oldest[i]));
  FlushTxGossip();  // the gossip tick is the wait already
}

bool ConsensusHost::RateLimited(std::map<crypto::PublicKey, std::uint64_t>& last_ms, const crypto::PublicKey& peer) {
  const std::uint64_t now = Now();
  auto it = last_ms.find(peer);
  if (it != last_ms.end() && now < it->second + config_.gossip_interval_ms) return true;
  last_ms[peer] = now;
  return false;
}

void ConsensusHost::RequestBlocks(const crypto::PublicKey& peer) {
  if (RateLimited(last_request_ms_, peer)) return;
  bus_.SendTo(peer, p2p::Channel::kSync, EncodeSyncMessage(BlockRequest{NextHeight(), kMaxBlocksPerRequest}));
}

// At most one batch per peer per gossip interval, each block a payload of
// its own (a block fits p2p::kMaxPayloadBytes by the chain's parameters).
void ConsensusHost::ServeBlocks(const crypto::PublicKey& peer, std::uint64_t from, std::uint32_t count) {
  const std::uint64_t tip = store_.Tip().height;
  if (from == 0 || from > tip || RateLimited(last_serve_ms_, peer)) return;
  const std::uint64_t last = std::min<std::uint64_t>(tip, from + std::min(count, kMaxBlocksPerRequest) - 1);
  for (std::uint64_t h = from; h <= last; ++h) {
    auto block = store_.GetBlock(h);
    auto cert = store_.GetCertificate(h);
    if (!block.ok() || !cert.ok()) return;
    bus_.SendTo(peer, p2p::Channel::kSync, EncodeSyncMessage(CertifiedBlock{std::move(*block), std::move(*cert)}));
  }
}

// ---- Snapshots --------------------------------------------------------------

void ConsensusHost::UpdateSnapshot() {
  ConsensusStatus s;
  s.started = running_height_;
  s.height = NextHeight();
  s.round = running_height_ ? machine_->round() : 0;
  s.step = running_height_ ? StepName(machine_->step()) : "waiting";
  s.peers = bus_.ConnectedPeers();
  std::lock_guard lock(snapshot_mutex_);
  snapshot_ = std::move(s);
}

ConsensusStatus ConsensusHost::status() const {
  std::lock_guard lock(snapshot_mutex_);
  return snapshot_;
}

ConsensusFootprint ConsensusHost::footprint() const {
  ConsensusFootprint f;
  f.held_blocks = blocks_.size();
  f.relayed_messages = relay_.size();
  f.own_messages = own_.size();
  f.live_timers = timers_.size();
  f.decided_votes = decided_votes_.size();
  std::lock_guard lock(snapshot_mutex_);
  f.evidence = evidence_.size();
  return f;
}

std::vector<DuplicateVoteEvidence> ConsensusHost::evidence() const {
  std::lock_guard lock(snapshot_mutex_);
  return {evidence_.begin(), evidence_.end()};
}

}  // namespace jobcard::node
