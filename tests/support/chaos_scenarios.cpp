#include "tests/support/chaos_scenarios.h"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <thread>

#include "crypto/keystore.h"
#include "ledger/genesis.h"
#include "ledger/json_fields.h"
#include "tests/support/table_file_damage.h"

namespace jobcard::testing {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

std::string Seconds(std::chrono::milliseconds duration) {
  return std::to_string(duration.count() / 1000) + "." + std::to_string(duration.count() % 1000 / 100) + " s";
}

constexpr const char* kRotatedKeyFile = "keys/validator-rotated.key";

std::string Name(DevnetCluster& cluster, std::size_t i) { return cluster.Home(i).filename().string(); }

std::size_t CountOf(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
  return count;
}

// The whole line of `text` that contains offset `at`.
std::string LineAt(const std::string& text, std::size_t at) {
  const std::size_t begin = at == 0 ? 0 : text.rfind('\n', at - 1) + 1;  // npos + 1 == 0
  const std::size_t end = text.find('\n', at);
  return text.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
}

std::uintmax_t BytesUnder(const fs::path& dir) {
  std::uintmax_t total = 0;
  std::error_code ec;
  for (const auto& entry : fs::recursive_directory_iterator(dir, ec)) {
    if (entry.is_regular_file(ec)) total += entry.file_size(ec);
  }
  return total;
}

// Writes zeros to `path` until the file system says it is full.
std::string FillUp(const fs::path& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return "cannot create " + path.string() + ": " + std::strerror(errno);
  std::vector<char> zeros(1 << 20, 0);
  int last_error = 0;
  // Large writes first, then page-sized ones to take the last pages too.
  for (std::size_t chunk : {zeros.size(), std::size_t{4096}}) {
    for (;;) {
      ssize_t n = ::write(fd, zeros.data(), chunk);
      if (n > 0) continue;
      last_error = errno;
      break;
    }
  }
  ::close(fd);
  return last_error == ENOSPC ? "" : std::string("filling stopped on ") + std::strerror(last_error) + ", not ENOSPC";
}

}  // namespace

ChaosHarness::ChaosHarness(ChaosOptions options) : options_(std::move(options)) {
  DevnetClusterOptions cluster_options;
  cluster_options.jobcard_binary = options_.jobcard_binary;
  cluster_options.validators = 4;
  cluster_options.full_nodes = options_.spare_full_node ? 2 : 1;
  cluster_options.through_relay = true;
  cluster_ = std::make_unique<DevnetCluster>(cluster_options);
  runs_.assign(cluster_->size(), 0);
}

ChaosHarness::~ChaosHarness() {
  // The nodes go first, then our mounts, then the directory they were in.
  cluster_->StopAll();
  for (auto it = tmpfs_mounts_.rbegin(); it != tmpfs_mounts_.rend(); ++it) ::umount2(it->c_str(), MNT_DETACH);
}

std::string ChaosHarness::Setup() {
  std::string error = cluster_->Init();
  if (!error.empty()) return error;
  auto genesis = ledger::LoadGenesisFile((cluster_->Home(0) / "genesis.json").string());
  if (!genesis.ok()) return genesis.error().message;
  for (const auto& v : genesis->validators) genesis_validators_.push_back(ToHex(v.key));
  if (options_.rotate_key_of) {
    // The operator's next key, made ahead. Nobody lists it in node.json:
    // peers let it connect once its admission is committed (the allow-list
    // follows the validator set).
    const crypto::SigningKey next = crypto::SigningKey::Generate();
    crypto::KeystoreWriteOptions write;
    write.label = "rotated validator key";
    Status written = crypto::WriteKeystore(cluster_->Home(*options_.rotate_key_of) / kRotatedKeyFile, next, AsBytes("devnet"), write);
    if (!written.ok()) return written.error().message;
    rotated_key_ = ToHex(next.public_key());
  }
  if (options_.spare_full_node) {
    // The spare is a new operator nobody was told of: devnet init made its
    // node key an observer everywhere, which would let it in without the set change.
    auto spare_key = crypto::ReadKeystorePublic(cluster_->Home(Spare()) / "keys" / "node.key");
    if (!spare_key.ok()) return spare_key.error().message;
    error = cluster_->ForgetPeerKey(spare_key->public_key);
    if (!error.empty()) return error;
  }
  std::set<std::size_t> started;
  for (std::size_t i = 0; i < cluster_->size(); ++i) {
    if (options_.spare_full_node && i == Spare()) continue;
    error = cluster_->Start(i);
    if (!error.empty()) return error;
    started.insert(i);
  }
  if (!cluster_->WaitUntil([&] { return cluster_->FullyConnected(started); }, 60s)) {
    return "the nodes did not all connect\n" + cluster_->Logs();
  }
  return "";
}

ChaosOutcome ChaosHarness::Begin(const std::string& name, const std::string& injected) {
  entries_.clear();
  ChaosOutcome outcome;
  outcome.scenario = name;
  outcome.injected = injected;
  std::uint64_t lowest = UINT64_MAX;
  for (std::size_t i = 0; i < cluster_->size(); ++i) {
    if (Follows(i)) lowest = std::min(lowest, cluster_->Height(i));
  }
  outcome.checked_from = std::max<std::uint64_t>(1, lowest == UINT64_MAX ? 1 : lowest);
  return outcome;
}

void ChaosHarness::NoteAcknowledgements() {
  for (Entry& e : entries_) {
    if (e.acknowledged || !cluster_->Running(e.through) || paused_.count(e.through) || runs_[e.through] != e.through_run) continue;
    if (cluster_->Committed(e.through, e.id)) e.acknowledged = true;
  }
}

void ChaosHarness::Stream(std::chrono::milliseconds duration) {
  const auto deadline = Clock::now() + duration;
  do {
    const auto tick = Clock::now();
    for (std::size_t tries = 0; tries < cluster_->size(); ++tries) {
      const std::size_t through = next_through_++ % cluster_->size();
      if (!Follows(through)) continue;
      const std::string id = cluster_->Submit(through);
      if (!id.empty()) entries_.push_back({id, through, runs_[through], false});
      break;
    }
    NoteAcknowledgements();
    cluster_->Drain();
    const auto next = tick + options_.submit_interval;
    if (Clock::now() < next) std::this_thread::sleep_until(next);
  } while (Clock::now() < deadline);
}

double ChaosHarness::CatchUp(const std::set<std::size_t>& faulted, Clock::time_point since, std::uint64_t above) {
  const auto deadline = Clock::now() + options_.recover_timeout;
  while (Clock::now() < deadline) {
    std::uint64_t slowest_faulted = UINT64_MAX, slowest_other = UINT64_MAX;
    for (std::size_t i = 0; i < cluster_->size(); ++i) {
      if (!Follows(i)) continue;
      const std::uint64_t h = cluster_->Height(i);
      auto& slowest = faulted.count(i) ? slowest_faulted : slowest_other;
      slowest = std::min(slowest, h);
    }
    const auto now = Clock::now();
    if (slowest_faulted != UINT64_MAX && slowest_faulted > above &&
        (slowest_other == UINT64_MAX || slowest_faulted >= slowest_other)) {
      return std::chrono::duration<double, std::milli>(now - since).count();
    }
    Stream(options_.submit_interval);
  }
  return -1;
}

void ChaosHarness::Finish(ChaosOutcome& outcome) {
  auto live_pending = [&] {
    std::size_t pending = 0;
    for (const Entry& e : entries_) {
      if (!e.acknowledged && cluster_->Running(e.through) && !retired_.count(e.through) && runs_[e.through] == e.through_run) ++pending;
    }
    return pending;
  };
  cluster_->WaitUntil([&] {
    NoteAcknowledgements();
    return live_pending() == 0;
  }, options_.recover_timeout);
  if (std::size_t pending = live_pending(); pending > 0) {
    outcome.failures.push_back(std::to_string(pending) + " entries accepted by a node still running were not committed within " +
                               Seconds(options_.recover_timeout));
  }
  outcome.submitted = entries_.size();
  // The nodes that have not committed `e` (retired ones excepted), named
  // with their heights; empty when every node has it.
  auto missing_on = [&](const Entry& e) {
    std::string names;
    for (std::size_t i = 0; i < cluster_->size(); ++i) {
      if (!retired_.count(i) && !cluster_->Committed(i, e.id)) {
        names += " " + Name(*cluster_, i) + " (height " + std::to_string(cluster_->Height(i)) + ")";
      }
    }
    return names;
  };
  // An entry is acknowledged once the node it went through has committed it;
  // the others may apply that block a moment later (a full node learns it by
  // sync). Give them the recovery time, then count: a CI run failed here when
  // the last block, committed on node1 and node0, was not yet on a third node.
  // A commit is for good, so an entry found everywhere is not asked for again.
  std::vector<std::string> missing(entries_.size());
  std::vector<bool> everywhere(entries_.size(), false);
  cluster_->WaitUntil([&] {
    bool all = true;
    for (std::size_t k = 0; k < entries_.size(); ++k) {
      if (!entries_[k].acknowledged || everywhere[k]) continue;
      missing[k] = missing_on(entries_[k]);
      everywhere[k] = missing[k].empty();
      all = all && everywhere[k];
    }
    return all;
  }, options_.recover_timeout);
  for (std::size_t k = 0; k < entries_.size(); ++k) {
    const Entry& e = entries_[k];
    if (!e.acknowledged) continue;
    ++outcome.acknowledged;
    if (everywhere[k]) {
      ++outcome.present;
    } else {
      outcome.failures.push_back("acknowledged entry " + e.id.substr(0, 16) + " (through " + Name(*cluster_, e.through) +
                                 ") is missing on" + missing[k]);
    }
  }
  // One chain: the same block at every height since the scenario began.
  // A retired node (its key left the set, peers refuse it) stops following:
  // it must agree up to its own height.
  std::uint64_t common = UINT64_MAX;
  std::map<std::size_t, std::uint64_t> retired_heights;
  for (std::size_t i = 0; i < cluster_->size(); ++i) {
    if (retired_.count(i)) {
      retired_heights[i] = cluster_->Height(i);
    } else {
      common = std::min(common, cluster_->Height(i));
    }
  }
  outcome.checked_to = common;
  for (std::uint64_t h = outcome.checked_from; h <= common; ++h) {
    std::set<std::string> hashes;
    for (std::size_t i = 0; i < cluster_->size(); ++i) {
      if (!retired_.count(i) || h <= retired_heights[i]) hashes.insert(cluster_->BlockHash(i, h));
    }
    if (hashes.size() != 1 || hashes.begin()->empty()) {
      ++outcome.forks;
      outcome.failures.push_back("the nodes disagree (or one cannot say) on block " + std::to_string(h));
    }
  }
  std::set<std::string> roots;
  for (std::size_t i = 0; i < cluster_->size(); ++i) {
    if (!retired_.count(i)) roots.insert(cluster_->StateRoot(i, common));
  }
  if (roots.size() != 1 || roots.begin()->empty()) {
    ++outcome.forks;
    outcome.failures.push_back("the state roots differ at height " + std::to_string(common));
  }
  if (outcome.recover_ms < 0 && outcome.skipped.empty()) outcome.failures.push_back("the faulted node(s) did not catch up");
}

std::string ChaosHarness::RestartAndReconnect(std::size_t victim) {
  std::string error = cluster_->Start(victim);
  if (!error.empty()) return error;
  return cluster_->WaitUntil([&] { return cluster_->FullyConnected({victim}); }, 30s) ? "" : Name(*cluster_, victim) + " did not reconnect";
}

ChaosOutcome ChaosHarness::KillAndRestart(std::size_t victim) {
  const std::string name = Name(*cluster_, victim);
  ChaosOutcome outcome = Begin("kill -9 and restart", "SIGKILL " + name + " mid-stream, restart " + Seconds(options_.fault_duration) + " later");
  Stream(options_.stream_before);
  const int code = cluster_->Stop(victim, SIGKILL);
  ++runs_[victim];
  if (code != 128 + SIGKILL) outcome.failures.push_back(name + " ended with " + std::to_string(code) + ", not by SIGKILL");
  Stream(options_.fault_duration);
  const auto restarted = Clock::now();
  if (std::string error = cluster_->Start(victim); !error.empty()) {
    outcome.failures.push_back(error);
    return outcome;
  }
  outcome.recover_ms = CatchUp({victim}, restarted);
  Finish(outcome);
  return outcome;
}

ChaosOutcome ChaosHarness::PauseAndResume(std::size_t victim) {
  const std::string name = Name(*cluster_, victim);
  ChaosOutcome outcome = Begin("pause (SIGSTOP/SIGCONT)", "SIGSTOP " + name + " for " + Seconds(options_.fault_duration) + ", then SIGCONT");
  Stream(options_.stream_before);
  cluster_->Signal(victim, SIGSTOP);
  paused_.insert(victim);
  Stream(options_.fault_duration);
  cluster_->Signal(victim, SIGCONT);
  paused_.erase(victim);
  outcome.recover_ms = CatchUp({victim}, Clock::now());
  Finish(outcome);
  return outcome;
}

ChaosOutcome ChaosHarness::PartitionOne(std::size_t victim) {
  const std::string name = Name(*cluster_, victim);
  ChaosOutcome outcome = Begin("partition one node", "cut every link of " + name + " for " + Seconds(options_.fault_duration) + ", then heal");
  Stream(options_.stream_before);
  auto majority_height = [&] {
    std::uint64_t lowest = UINT64_MAX;
    for (std::size_t i = 0; i < cluster_->size(); ++i) {
      if (i != victim) lowest = std::min(lowest, cluster_->Height(i));
    }
    return lowest;
  };
  const std::uint64_t majority_before = majority_height();
  cluster_->Isolate({victim});
  const auto cut = Clock::now();
  Stream(options_.fault_duration);
  // The relay drops live connections: the node must have lost every peer.
  if (std::size_t peers = cluster_->PeerCount(victim); peers != 0) {
    outcome.failures.push_back(name + " still had " + std::to_string(peers) + " peers while cut off");
  }
  // Three validators of four are a quorum: the others must go on without it,
  // though when it was the round's proposer only after a round or two of timeouts.
  while (majority_height() <= majority_before && Clock::now() - cut < options_.recover_timeout) Stream(options_.submit_interval);
  if (majority_height() <= majority_before) {
    outcome.failures.push_back("the other nodes made no progress in " + Seconds(options_.recover_timeout) + " while " + name + " was cut off");
  }
  cluster_->HealAll();
  outcome.recover_ms = CatchUp({victim}, Clock::now());
  Finish(outcome);
  return outcome;
}

ChaosOutcome ChaosHarness::PartitionHalves() {
  const std::set<std::size_t> side_a = {0, 1, cluster_->validators()};  // two validators and the full node
  const std::set<std::size_t> side_b = {2, 3};
  ChaosOutcome outcome = Begin("partition 2|2", "cut node0 node1 full0 | node2 node3 for " + Seconds(options_.fault_duration) + ", then heal");
  Stream(options_.stream_before);
  cluster_->Partition(side_a, side_b);
  // A block whose votes were already in flight may still commit: give it a second.
  Stream(1500ms);
  // node2 sees only node3 across the cut.
  if (std::size_t peers = cluster_->PeerCount(2); peers != 1) {
    outcome.failures.push_back("node2 had " + std::to_string(peers) + " peers across a 2|2 partition, not 1");
  }
  std::vector<std::uint64_t> stalled;
  std::size_t acknowledged_before = 0;
  NoteAcknowledgements();
  for (const Entry& e : entries_) acknowledged_before += e.acknowledged;
  for (std::size_t i = 0; i < cluster_->size(); ++i) stalled.push_back(cluster_->Height(i));
  Stream(options_.fault_duration);
  std::size_t acknowledged_after = 0;
  for (const Entry& e : entries_) acknowledged_after += e.acknowledged;
  std::uint64_t highest_stalled = 0;
  for (std::size_t i = 0; i < cluster_->size(); ++i) {
    const std::uint64_t h = cluster_->Height(i);
    if (h != stalled[i]) {
      outcome.failures.push_back(Name(*cluster_, i) + " went from height " + std::to_string(stalled[i]) + " to " +
                                 std::to_string(h) + " without a quorum");
    }
    highest_stalled = std::max(highest_stalled, stalled[i]);
  }
  if (acknowledged_after != acknowledged_before) outcome.failures.push_back("entries were acknowledged without a quorum");
  cluster_->HealAll();
  // Every node is faulted here: recovered when all have a new block and agree on the height.
  outcome.recover_ms = CatchUp(cluster_->All(), Clock::now(), highest_stalled);
  Finish(outcome);
  return outcome;
}

std::string ChaosHarness::ValidatorKeyHex(std::size_t i) const { return i < genesis_validators_.size() ? genesis_validators_[i] : ""; }

std::string ChaosHarness::SubmitGovernance(ChaosOutcome& outcome, const std::vector<std::string>& command) {
  std::vector<std::string> args = {"registrar"};
  args.insert(args.end(), command.begin(), command.end());
  args.insert(args.end(), {"--home", cluster_->Home(0).string(), "--no-wait", "--json"});
  const DevnetCluster::CliResult r = cluster_->RunCli(0, args);
  auto parsed = ledger::ParseJson(r.out, 1 << 20);
  const std::string id = r.exit_code == 0 && parsed.ok() && parsed->is_object() ? parsed->value("id", "") : "";
  if (id.empty()) outcome.failures.push_back("registrar " + command[0] + " failed (" + std::to_string(r.exit_code) + "): " + r.err + r.out);
  return id;
}

std::uint64_t ChaosHarness::StreamUntilCommitted(std::size_t through, const std::string& id) {
  const auto deadline = Clock::now() + options_.recover_timeout;
  std::uint64_t height = 0;
  while (!id.empty() && (height = cluster_->CommittedHeight(through, id)) == 0 && Clock::now() < deadline) {
    Stream(options_.submit_interval);
  }
  return height;
}

bool ChaosHarness::StreamPast(std::uint64_t height) {
  const auto deadline = Clock::now() + options_.recover_timeout;
  for (;;) {
    bool past = true;
    for (std::size_t i = 0; i < cluster_->size() && past; ++i) {
      if (Follows(i)) past = cluster_->Height(i) > height;
    }
    if (past) return true;
    if (Clock::now() > deadline) return false;
    Stream(options_.submit_interval);
  }
}

std::size_t ChaosHarness::CheckSigners(ChaosOutcome& outcome, std::uint64_t from, std::uint64_t to, const std::set<std::string>& set,
                                       const std::string& wanted) {
  std::size_t signed_by_wanted = 0;
  for (std::uint64_t h = from + 1; h <= to; ++h) {
    const std::vector<std::string> signers = cluster_->Signers(0, h);
    std::size_t members = 0;
    for (const std::string& key : signers) {
      if (set.count(key)) {
        ++members;
      } else {
        outcome.failures.push_back("block " + std::to_string(h) + " carries a signature of " + key.substr(0, 16) +
                                   ", not a validator at that height");
      }
      signed_by_wanted += key == wanted;
    }
    if (3 * members <= 2 * set.size()) {
      outcome.failures.push_back("block " + std::to_string(h) + " is certified by " + std::to_string(members) + " of the " +
                                 std::to_string(set.size()) + " validators, not more than 2/3");
    }
  }
  return signed_by_wanted;
}

std::pair<std::size_t, std::size_t> ChaosHarness::CheckSetChange(ChaosOutcome& outcome, std::uint64_t added_at, const std::string& added,
                                                                  std::uint64_t removed_at, const std::string& removed) {
  std::set<std::string> set(genesis_validators_.begin(), genesis_validators_.end());
  CheckSigners(outcome, outcome.checked_from - 1, added_at, set, "");
  set.insert(added);
  const std::size_t during = CheckSigners(outcome, added_at, removed_at, set, added);
  set.erase(removed);
  return {during, CheckSigners(outcome, removed_at, outcome.checked_to, set, added)};
}

std::string ChaosHarness::Retire(std::size_t i, const std::string& key_hex) {
  retired_.insert(i);
  const auto deadline = Clock::now() + options_.recover_timeout;
  for (;;) {
    std::vector<std::string> still;
    for (std::size_t j = 0; j < cluster_->size(); ++j) {
      if (!Follows(j)) continue;
      const std::vector<std::string> peers = cluster_->Peers(j);
      if (std::find(peers.begin(), peers.end(), key_hex) != peers.end()) still.push_back(Name(*cluster_, j));
    }
    const std::size_t own_peers = cluster_->PeerCount(i);
    if (still.empty() && own_peers == 0) return "";
    if (Clock::now() > deadline) {
      std::string who;
      for (const std::string& name : still) who += " " + name;
      return Name(*cluster_, i) + " kept " + std::to_string(own_peers) + " peers; still linked to it:" + who;
    }
    Stream(options_.submit_interval);
  }
}

ChaosOutcome ChaosHarness::ValidatorSetChange() {
  const std::size_t newcomer = Spare(), killed = 1, cut = 2, removed = 3;
  ChaosOutcome outcome = Begin("validator-set change", "full1 (a key no node.json lists) admitted as a 5th validator while node1 is "
                                                       "killed (-9), then joins; node3 removed while node2 is cut off " +
                                                           Seconds(options_.fault_duration));
  if (!options_.spare_full_node || cluster_->Running(newcomer)) {
    outcome.skipped = "needs a harness with a spare full node that has not run";
    return outcome;
  }
  auto newcomer_key = crypto::ReadKeystorePublic(cluster_->Home(newcomer) / "keys" / "node.key");
  if (!newcomer_key.ok()) {
    outcome.failures.push_back(newcomer_key.error().message);
    return outcome;
  }
  const std::string newcomer_hex = ToHex(newcomer_key->public_key);
  Stream(options_.stream_before);
  const std::string add = SubmitGovernance(outcome, {"add-validator", "--validator-pub", newcomer_hex, "--power", "1", "--name", "chaos-newcomer"});
  // kill -9 right after the change is submitted: it commits during the outage.
  const int code = cluster_->Stop(killed, SIGKILL);
  ++runs_[killed];
  if (code != 128 + SIGKILL) outcome.failures.push_back("node1 ended with " + std::to_string(code) + ", not by SIGKILL");
  const std::uint64_t added_at = StreamUntilCommitted(0, add);
  if (added_at == 0) outcome.failures.push_back("add-validator was not committed");
  // A new operator: its own process and key, which no node.json lists. The
  // peers let it connect only because the committed set now holds it (their
  // allow-list follows the set, without a restart): it syncs as a follower.
  // Until it votes, or node1 is back, the five have 3 signers: nothing commits.
  const auto joined = Clock::now();
  std::string error = cluster_->Start(newcomer);
  if (!error.empty() || CatchUp({newcomer}, joined, added_at > 0 ? added_at - 1 : 0) < 0) {
    outcome.failures.push_back("full1 did not join after its admission (are peers still refusing its key?): " + error + "\n" +
                               cluster_->Logs(2000));
    return outcome;
  }
  // Synced past its admission: the operator restarts its node as a validator.
  cluster_->Stop(newcomer, SIGTERM);
  ++runs_[newcomer];
  error = cluster_->PromoteToValidator(newcomer, "keys/node.key");
  if (error.empty()) error = cluster_->Start(newcomer);
  if (!error.empty()) {
    outcome.failures.push_back("full1 did not restart as a validator: " + error);
    return outcome;
  }
  Stream(options_.fault_duration);
  if (error = cluster_->Start(killed); !error.empty()) {
    outcome.failures.push_back(error);
    return outcome;
  }
  const std::string remove = SubmitGovernance(outcome, {"remove-validator", "--validator-pub", ValidatorKeyHex(removed)});
  // Partition right after the removal is submitted: it commits while node2 is away.
  cluster_->Isolate({cut});
  Stream(options_.fault_duration);
  cluster_->HealAll();
  const auto healed = Clock::now();
  const std::uint64_t removed_at = StreamUntilCommitted(0, remove);
  if (removed_at == 0) outcome.failures.push_back("remove-validator was not committed");
  // node3's key left the set: every peer drops it, it keeps running alone.
  if (error = Retire(removed, ValidatorKeyHex(removed)); !error.empty()) outcome.failures.push_back("node3 removed but not dropped: " + error);
  // Peers drop it on committing the removal, and hand it that block as
  // their last frame (spec/p2p.md): it learns of its removal either way.
  if (cluster_->Height(removed) < removed_at) outcome.failures.push_back("node3 never got the block that removed it");
  if (!cluster_->WaitForLog(removed, "left the validator set", 10s)) {
    outcome.failures.push_back("node3 did not log that its key left the validator set (its tip: " +
                               std::to_string(cluster_->Height(removed)) + ", removed at " + std::to_string(removed_at) + ")");
  }
  if (!StreamPast(removed_at + 4)) outcome.failures.push_back("no blocks after the removal");
  outcome.recover_ms = CatchUp({killed, cut}, healed);
  Finish(outcome);
  if (added_at == 0 || removed_at == 0) return outcome;
  const auto [newcomer_signed, newcomer_signed_after] = CheckSetChange(outcome, added_at, newcomer_hex, removed_at, ValidatorKeyHex(removed));
  const std::uint64_t to = outcome.checked_to;
  if (newcomer_signed + newcomer_signed_after == 0) outcome.failures.push_back("the admitted validator signed no block");
  outcome.note = "added at height " + std::to_string(added_at) + ", node3 removed at " + std::to_string(removed_at) + "; full1 signed " +
                 std::to_string(newcomer_signed + newcomer_signed_after) + " of the " + std::to_string(to - added_at) +
                 " blocks after; node3 none of the " + std::to_string(to - removed_at) + " after its removal, dropped by every peer at height " +
                 std::to_string(cluster_->Height(removed));
  return outcome;
}

ChaosOutcome ChaosHarness::KeyRotation() {
  const std::size_t thief = Spare();
  const std::size_t victim = options_.rotate_key_of.value_or(0);
  const std::string name = Name(*cluster_, victim);
  ChaosOutcome outcome = Begin("validator key rotation, stolen old key",
                               "add " + name + "'s new key, restart it with that key, remove the old one; then full1 starts "
                               "as a validator with the old key");
  if (!options_.spare_full_node || !options_.rotate_key_of || cluster_->Running(thief)) {
    outcome.skipped = "needs a harness with a spare full node and rotate_key_of";
    return outcome;
  }
  const std::string old_key = ValidatorKeyHex(victim);
  Stream(options_.stream_before);
  const std::string add = SubmitGovernance(outcome, {"add-validator", "--validator-pub", rotated_key_, "--power", "1", "--name", name + "-rotated"});
  const std::uint64_t added_at = StreamUntilCommitted(0, add);
  if (added_at == 0) outcome.failures.push_back("add-validator of the new key was not committed");
  // The victim's own store must hold the admission, or it refuses to start with the new key.
  if (StreamUntilCommitted(victim, add) == 0) outcome.failures.push_back(name + " did not commit the admission of its new key");
  // The operator restarts its node with the new key (SIGTERM: a clean stop).
  if (const int code = cluster_->Stop(victim, SIGTERM); code != 0) {
    outcome.failures.push_back(name + " did not stop cleanly on SIGTERM: " + std::to_string(code));
  }
  ++runs_[victim];
  std::string error = cluster_->SetValidatorKeyFile(victim, kRotatedKeyFile);
  const auto restarted = Clock::now();
  if (error.empty()) error = cluster_->Start(victim);
  if (!error.empty()) {
    outcome.failures.push_back(error);
    return outcome;
  }
  const std::string remove = SubmitGovernance(outcome, {"remove-validator", "--validator-pub", old_key});
  const std::uint64_t removed_at = StreamUntilCommitted(0, remove);
  if (removed_at == 0) outcome.failures.push_back("remove-validator of the old key was not committed");
  outcome.recover_ms = CatchUp({victim}, restarted);
  // The thief: a copy of the old key file, in a node of its own.
  std::error_code ec;
  fs::copy_file(cluster_->Home(victim) / "keys" / "validator.key", cluster_->Home(thief) / "keys" / "stolen.key", ec);
  if (ec) outcome.failures.push_back("cannot copy the old key: " + ec.message());
  error = cluster_->PromoteToValidator(thief, "keys/stolen.key");
  if (error.empty()) error = cluster_->Start(thief);
  if (!error.empty()) {
    outcome.failures.push_back("the thief's node did not start: " + error);
    return outcome;
  }
  // The old key left the set: peers refuse its handshake (the allow-list
  // follows the set), so the thief neither syncs nor reaches anyone to vote to.
  retired_.insert(thief);  // it must not follow: the stream and the catch-up leave it out
  const std::uint64_t thief_from = cluster_->Height(0);
  Stream(options_.fault_duration);
  if (!StreamPast(thief_from + 3)) outcome.failures.push_back("no blocks while the thief ran");
  if (error = Retire(thief, old_key); !error.empty()) outcome.failures.push_back("the thief was let in: " + error);
  if (const std::uint64_t h = cluster_->Height(thief); h > 0) {
    outcome.failures.push_back("the thief's node synced to height " + std::to_string(h) + " with a removed key");
  }
  Finish(outcome);
  if (added_at == 0 || removed_at == 0) return outcome;
  const auto [new_during, new_after] = CheckSetChange(outcome, added_at, rotated_key_, removed_at, old_key);
  const std::uint64_t to = outcome.checked_to;
  if (new_after == 0) outcome.failures.push_back("the new key signed no block after the old one was removed");
  outcome.note = "new key added at height " + std::to_string(added_at) + ", old removed at " + std::to_string(removed_at) +
                 "; the new key signed " + std::to_string(new_during + new_after) + " blocks; the old key, run by the thief from height " +
                 std::to_string(thief_from) + ", refused by every peer, none of the " + std::to_string(to - removed_at) + " after its removal";
  return outcome;
}

ChaosOutcome ChaosHarness::LossyNetwork() {
  const LinkImpairment& bad = options_.impairment;
  ChaosOutcome outcome = Begin("slow, lossy network", "every link: " + std::to_string(bad.delay_min_ms) + "-" + std::to_string(bad.delay_max_ms) +
                                                          " ms jitter, resets " + std::to_string(bad.resets_per_second).substr(0, 4) +
                                                          "/s and stalls of " + std::to_string(bad.stall_ms) + " ms " +
                                                          std::to_string(bad.stalls_per_second).substr(0, 4) + "/s per connection, for " +
                                                          Seconds(options_.impaired_duration) + "; seed " + std::to_string(options_.seed));
  Stream(options_.stream_before);
  auto lowest_height = [&] {
    std::uint64_t lowest = UINT64_MAX;
    for (std::size_t i = 0; i < cluster_->size(); ++i) {
      if (cluster_->Running(i)) lowest = std::min(lowest, cluster_->Height(i));
    }
    return lowest;
  };
  auto acknowledged = [&] {
    NoteAcknowledgements();
    return std::count_if(entries_.begin(), entries_.end(), [](const Entry& e) { return e.acknowledged; });
  };
  const std::uint64_t before = lowest_height();
  const auto acknowledged_before = acknowledged();
  const RelayCounts counts_before = cluster_->relay().Counts();
  cluster_->relay().SetSeed(options_.seed);
  cluster_->ImpairAll(bad);
  Stream(options_.impaired_duration);
  const std::uint64_t during = lowest_height();
  const auto acknowledged_during = acknowledged();
  const RelayCounts counts = cluster_->relay().Counts();
  cluster_->ImpairAll(LinkImpairment{});
  const auto cleared = Clock::now();
  if (during <= before + 1) {
    outcome.failures.push_back("blocks stopped: the lowest height went from " + std::to_string(before) + " to " + std::to_string(during) +
                               " in " + Seconds(options_.impaired_duration));
  }
  if (acknowledged_during <= acknowledged_before) outcome.failures.push_back("no entry was acknowledged while the links misbehaved");
  const std::uint64_t resets = counts.resets - counts_before.resets, stalls = counts.stalls - counts_before.stalls;
  if (bad.resets_per_second > 0 && resets == 0) outcome.failures.push_back("the relay reset no connection");
  if (bad.delay_max_ms > 0 && counts.delayed_chunks == counts_before.delayed_chunks) outcome.failures.push_back("the relay delayed nothing");
  outcome.recover_ms = CatchUp(cluster_->All(), cleared);
  Finish(outcome);
  outcome.note = "while impaired: heights " + std::to_string(before) + " -> " + std::to_string(during) + ", " +
                 std::to_string(acknowledged_during - acknowledged_before) + " entries acknowledged, " + std::to_string(resets) +
                 " connections reset, " + std::to_string(stalls) + " stalls, " +
                 std::to_string(counts.delayed_chunks - counts_before.delayed_chunks) + " chunks delayed";
  return outcome;
}

ChaosOutcome ChaosHarness::CorruptStore(std::size_t victim) {
  const std::string name = Name(*cluster_, victim);
  const fs::path data = cluster_->Home(victim) / "data";
  ChaosOutcome outcome = Begin("corrupted RocksDB file", "stop " + name + " (SIGTERM), flip a bit of its tip block in its table file, "
                                                         "restart it; then move its data directory aside and restart on an empty one");
  Stream(options_.stream_before);
  // The block to damage: the victim's tip, whose tx root (a hash stored in
  // that block's row only) finds it in a table file once the clean stop has
  // flushed the memtables.
  const std::uint64_t damaged_height = cluster_->Height(victim);
  nlohmann::json block = cluster_->Get(victim, "/v1/blocks/" + std::to_string(damaged_height));
  auto tx_root = FromHex(block.is_object() && block["header"].is_object() ? block["header"].value("tx_root", "") : "");
  if (damaged_height == 0 || !tx_root.ok() || tx_root->size() != 32) {
    outcome.failures.push_back(name + " has no block to damage (height " + std::to_string(damaged_height) + ")");
    return outcome;
  }
  if (const int code = cluster_->Stop(victim, SIGTERM); code != 0) {
    outcome.failures.push_back(name + " did not stop cleanly on SIGTERM: " + std::to_string(code));
  }
  ++runs_[victim];
  const auto [file, offset] = FindInTableFiles(data, std::string(tx_root->begin(), tx_root->end()));
  if (file.empty()) {
    outcome.failures.push_back("no table file of " + name + " holds 8 bytes of block " + std::to_string(damaged_height) + "'s tx root");
    return outcome;
  }
  if (std::string error = FlipBit(file, offset); !error.empty()) {
    outcome.failures.push_back(error);
    return outcome;
  }
  auto others_height = [&] {
    std::uint64_t lowest = UINT64_MAX;
    for (std::size_t i = 0; i < cluster_->size(); ++i) {
      if (i != victim && Follows(i)) lowest = std::min(lowest, cluster_->Height(i));
    }
    return lowest;
  };
  const std::uint64_t others_before = others_height();
  // The node must refuse before it serves anything: no API, exit 1, and say
  // what is wrong, where, and what to do.
  if (cluster_->Start(victim).empty()) {
    outcome.failures.push_back(name + " started and served on a damaged table file");
    cluster_->Stop(victim, SIGKILL);
  } else {
    const int code = cluster_->WaitForExit(victim, 30s);
    const std::string log = cluster_->Log(victim);
    const std::string tail = log.substr(log.size() > 3000 ? log.size() - 3000 : 0);
    if (code != 1) outcome.failures.push_back(name + " ended with " + std::to_string(code) + " on a damaged table file, not 1:\n" + tail);
    for (const std::string& said : {std::string("(store.corrupt)"), file.filename().string(), std::string(kCorruptStoreHint)}) {
      if (log.find(said) == std::string::npos) outcome.failures.push_back(name + " did not say '" + said + "':\n" + tail);
    }
    for (const char* crash : {"AddressSanitizer", "runtime error", "Assertion", "api listening"}) {
      if (log.find(crash) != std::string::npos) outcome.failures.push_back(name + " logged '" + crash + "'");
    }
    if (const auto at = log.find("(store.corrupt)"); at != std::string::npos) {
      outcome.note = name + " (block " + std::to_string(damaged_height) + " damaged in " + file.filename().string() + ") exited with " +
                     std::to_string(code) + ": " + LineAt(log, at);
    }
  }
  ++runs_[victim];
  // Meanwhile the other three are a quorum and go on.
  Stream(options_.fault_duration);
  const auto refused = Clock::now();
  while (others_height() <= others_before && Clock::now() - refused < options_.recover_timeout) Stream(options_.submit_interval);
  if (others_height() <= others_before) {
    outcome.failures.push_back("the other nodes made no progress while " + name + " was refused");
  }
  // The operator's recovery: keep the damaged directory for a look, start
  // on an empty one, and let block sync bring the chain back.
  std::error_code ec;
  fs::rename(data, data.string() + ".corrupt-" + std::to_string(++data_dirs_set_aside_), ec);
  if (ec) {
    outcome.failures.push_back("cannot move " + data.string() + " aside: " + ec.message());
    return outcome;
  }
  const auto restarted = Clock::now();
  if (std::string error = cluster_->Start(victim); !error.empty()) {
    outcome.failures.push_back("on an empty data directory: " + error);
    return outcome;
  }
  outcome.recover_ms = CatchUp({victim}, restarted, damaged_height);
  Finish(outcome);
  return outcome;
}

std::string ChaosHarness::MoveToTmpfs(const fs::path& dir, std::uintmax_t spare_bytes) {
  const fs::path parked = dir.string() + ".parked";
  std::error_code ec;
  fs::rename(dir, parked, ec);
  if (ec) return "cannot move " + dir.string() + ": " + ec.message();
  fs::create_directory(dir, ec);
  // Room for what the node holds now and a little more, no more: the rest
  // is filled on purpose.
  const std::uintmax_t size = (BytesUnder(parked) + spare_bytes) / 4096 * 4096;
  const std::string data = "size=" + std::to_string(size) + ",mode=0700";
  if (::mount("tmpfs", dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, data.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    fs::remove(dir, ec);
    fs::rename(parked, dir, ec);
    return "skip: mount -t tmpfs was refused (" + why + "); the full-disk scenario needs root or CAP_SYS_ADMIN";
  }
  tmpfs_mounts_.push_back(dir);
  fs::copy(parked, dir, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
  if (ec) return "cannot copy " + parked.string() + " onto the tmpfs: " + ec.message();
  return "";
}

ChaosOutcome ChaosHarness::FullDisk(std::size_t victim, DiskScope scope) {
  const std::string name = Name(*cluster_, victim);
  const bool store_only = scope == DiskScope::kStore;
  const std::string scenario = store_only ? "full disk, store first" : "full disk";
  // The home holds the database, the consensus WAL and the sign state; data/
  // only the database (node.json's data_dir, as devnet init writes it).
  const fs::path disk = store_only ? cluster_->Home(victim) / "data" : cluster_->Home(victim);
  if (std::find(tmpfs_mounts_.begin(), tmpfs_mounts_.end(), disk) == tmpfs_mounts_.end()) {
    const int code = cluster_->Stop(victim, SIGTERM);
    ++runs_[victim];
    // The store alone gets less spare room than RocksDB preallocates for its
    // WAL (about 70 MB, refused and undone on a tmpfs that cannot hold it), so
    // that no preallocated page hides the full disk, and more than the node's
    // free-space reserve (store_min_free_bytes, 8 MiB), so that it runs until
    // the ballast fills the tmpfs.
    const std::uintmax_t spare = store_only ? (32u << 20) : (64u << 20);
    std::string error = code == 0 ? MoveToTmpfs(disk, spare) : name + " did not stop cleanly on SIGTERM: " + std::to_string(code);
    if (error.empty()) error = RestartAndReconnect(victim);
    if (error.rfind("skip: ", 0) == 0) {
      ChaosOutcome skipped = Begin(scenario, "");
      skipped.skipped = error.substr(6);
      if (std::string restarted = cluster_->Start(victim); !restarted.empty()) skipped.failures.push_back(restarted);
      return skipped;
    }
    if (!error.empty()) {
      ChaosOutcome failed = Begin(scenario, "");
      failed.failures.push_back(error);
      return failed;
    }
    CatchUp({victim}, Clock::now());
  }
  ChaosOutcome outcome = Begin(scenario, "fill the tmpfs under " + name + (store_only ? "'s RocksDB directory" : "'s home") +
                                             " mid-stream; free it and restart");
  Stream(options_.stream_before);
  const fs::path ballast = disk / "ballast";
  if (std::string error = FillUp(ballast); !error.empty()) outcome.failures.push_back(error);
  // The node stops at its next write: the next block, which the stream brings.
  int code = -1;
  const auto deadline = Clock::now() + 30s;
  while (Clock::now() < deadline && (code = cluster_->Process(victim)->TryWait()) < 0) Stream(options_.submit_interval);
  if (code < 0) {
    outcome.failures.push_back(name + " kept running on a full disk for 30 s");
    code = cluster_->Stop(victim, SIGKILL);
  } else {
    code = cluster_->WaitForExit(victim, 5s);
  }
  ++runs_[victim];
  const std::string log = cluster_->Log(victim);
  if (code == 0 || code >= 128) {
    outcome.failures.push_back(name + " ended with " + std::to_string(code) + " on a full disk, not an error exit; its log ends:\n" +
                               log.substr(log.size() > 3000 ? log.size() - 3000 : 0));
  }
  if (const auto at = log.find(kDiskFullLogLine); at != std::string::npos) {
    outcome.note = name + " exited with " + std::to_string(code) + ", logging: " + LineAt(log, at);
  }
  if (CountOf(log, kDiskFullLogLine) != 1) {
    outcome.failures.push_back(name + " did not log '" + std::string(kDiskFullLogLine) + "' once:\n" +
                               log.substr(log.size() > 3000 ? log.size() - 3000 : 0));
  }
  // The store's own refusal, not the consensus WAL's, must be what stopped it.
  if (store_only && log.find("code=store.no_space") == std::string::npos) {
    outcome.failures.push_back(name + " did not stop on store.no_space:\n" + log.substr(log.size() > 3000 ? log.size() - 3000 : 0));
  }
  for (const char* crash : {"AddressSanitizer", "runtime error", "fatal: storage", "Assertion"}) {
    if (log.find(crash) != std::string::npos) outcome.failures.push_back(name + " logged '" + crash + "'");
  }
  Stream(options_.fault_duration);
  // Space returns: the node must open its database as it left it and catch up.
  std::error_code ec;
  fs::remove(ballast, ec);
  const auto restarted = Clock::now();
  if (std::string error = cluster_->Start(victim); !error.empty()) {
    outcome.failures.push_back("after space returned: " + error);
    return outcome;
  }
  outcome.recover_ms = CatchUp({victim}, restarted);
  Finish(outcome);
  return outcome;
}

}  // namespace jobcard::testing
