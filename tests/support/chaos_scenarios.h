// Fault injection with real processes (issue 6, RELIABILITY.md): a
// DevnetCluster of 4 validators and 1 full node whose peer links all go
// through a TcpRelay, a steady stream of enrolments submitted through the
// nodes in turn, and one fault per scenario: kill -9 and restart, SIGSTOP
// then SIGCONT, one validator partitioned away, a 2|2 partition (no
// quorum), a full disk under one validator. After each scenario every
// entry *acknowledged* (its node reported it committed) must be committed
// on every node, every node must have the same block hash at every height
// since the scenario began, and the state roots must be equal at the
// common height.
//
// Three more change the network itself: a validator-set change (a fifth
// validator admitted, one of the four removed) with a kill -9 and a
// partition around the change heights; a validator's key rotated under load,
// then a process started with the old (stolen) key; and every link slow and
// unreliable (jitter, random resets and stalls). These need a harness whose
// spare full node is not started by Setup (ChaosOptions::spare_full_node),
// and each changes the set for good: one per harness.
//
// A corrupted RocksDB file: a validator stopped cleanly (its memtables
// flushed to table files), one byte of a block flipped in its table file; the
// node must refuse to start (store.corrupt, the file, the hint to run
// `jobcard node check`) while the other three keep committing, then the
// operator's recovery (the data directory moved aside, an empty one) must
// bring it back by block sync.
//
// Used by tests/cli/chaos_test.cpp (each scenario once, short) and by the
// `jobcard_chaos` runner (`make chaos`: each scenario N times, a table).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/devnet_cluster.h"

namespace jobcard::testing {

// What the full-disk scenario puts on a small tmpfs: the node's whole home
// (the consensus WAL is then the first write refused, in every run so far),
// or only its RocksDB directory (the store is refused first: store.no_space).
enum class DiskScope { kHome, kStore };

struct ChaosOutcome {
  std::string scenario;
  std::string injected;           // what was done, for a person
  std::size_t submitted = 0;      // accepted (202) by the node they were sent to
  std::size_t acknowledged = 0;   // reported committed by the node they were sent to
  std::size_t present = 0;        // of the acknowledged, committed on every node
  std::size_t forks = 0;          // heights where two nodes differ, plus unequal state roots
  std::uint64_t checked_from = 0; // the heights compared
  std::uint64_t checked_to = 0;
  double recover_ms = -1;         // heal/restart to the faulted node(s) at the others' height
  std::vector<std::string> failures;
  std::string skipped;            // why the scenario could not run, when it could not
  std::string note;               // what else a person should see (the full-disk log line)
  bool passed() const { return failures.empty(); }
};

struct ChaosOptions {
  std::string jobcard_binary;
  std::chrono::milliseconds stream_before{2000};     // entries flowing before the fault
  std::chrono::milliseconds fault_duration{4000};    // how long a pause or partition lasts
  std::chrono::milliseconds submit_interval{200};    // one entry every interval
  std::chrono::milliseconds recover_timeout{60000};  // for catch-up and for entries to commit
  // A second full node (full1) made by devnet init but not started by Setup:
  // the fifth validator of ValidatorSetChange, the thief of KeyRotation.
  bool spare_full_node = false;
  // KeyRotation's victim: its new key is made, and allowed to connect to
  // every validator (p2p_observer_keys), before the nodes start.
  std::optional<std::size_t> rotate_key_of;
  std::chrono::milliseconds impaired_duration{10000};  // LossyNetwork: how long every link misbehaves
  LinkImpairment impairment{50, 200, 0.1, 0.1, 500};    // LossyNetwork: what each link does meanwhile
  std::uint64_t seed = 1;                               // the relay's random delays, resets and stalls
};

class ChaosHarness {
 public:
  explicit ChaosHarness(ChaosOptions options);
  ~ChaosHarness();
  ChaosHarness(const ChaosHarness&) = delete;
  ChaosHarness& operator=(const ChaosHarness&) = delete;

  // devnet init through the relay, every node started and connected; "" on success.
  std::string Setup();
  DevnetCluster& cluster() { return *cluster_; }
  void set_seed(std::uint64_t seed) { options_.seed = seed; }

  ChaosOutcome KillAndRestart(std::size_t victim);
  ChaosOutcome PauseAndResume(std::size_t victim);
  ChaosOutcome PartitionOne(std::size_t victim);
  ChaosOutcome PartitionHalves();
  // Needs mount(2) (root): skipped, with the reason, where it is refused.
  ChaosOutcome FullDisk(std::size_t victim, DiskScope scope = DiskScope::kHome);
  // Needs spare_full_node: the spare joins by sync and is admitted as a
  // validator while node1 is killed (-9) and restarted; then node3 is removed
  // while node2 is cut off. The new set must certify the blocks after.
  ChaosOutcome ValidatorSetChange();
  // Needs spare_full_node and rotate_key_of: the victim's new key is added,
  // the victim restarted with it, the old key removed; then the spare starts
  // as a validator with the old key, which must never sign a block after.
  ChaosOutcome KeyRotation();
  // Every link delayed (jitter), reset and stalled at random for impaired_duration.
  ChaosOutcome LossyNetwork();
  // Stops `victim` (SIGTERM), flips a bit of one of its blocks in the table
  // file that holds it, restarts it: it must exit 1 with store.corrupt, the
  // file and the `jobcard node check` hint, serving nothing, while the
  // others commit; then its data directory is moved aside and it starts on
  // an empty one and catches up by block sync. The victim's data directory
  // must not be a mount point (FullDisk's kStore victim's is).
  ChaosOutcome CorruptStore(std::size_t victim);

  // The log line a node prints when it stops on a full disk.
  static constexpr const char* kDiskFullLogLine = "disk full; stopping";
  // What `node start` prints when it refuses a damaged database (cli/node_start.cpp).
  static constexpr const char* kCorruptStoreHint = "run `jobcard node check --home";

 private:
  struct Entry {
    std::string id;
    std::size_t through = 0;
    std::uint64_t through_run = 0;  // the run of that node's process it went to
    bool acknowledged = false;
  };
  using Clock = std::chrono::steady_clock;

  // Begins a scenario: a fresh stream and the height checks start from.
  ChaosOutcome Begin(const std::string& name, const std::string& injected);
  // Submits one entry every interval through the running, unpaused nodes in
  // turn and notes acknowledgements, for `duration`.
  void Stream(std::chrono::milliseconds duration);
  void NoteAcknowledgements();
  // Streams until each of `faulted` is above `above` and at least at the
  // height of every other running node; the milliseconds from `since`, or
  // -1 at the timeout.
  double CatchUp(const std::set<std::size_t>& faulted, Clock::time_point since, std::uint64_t above = 0);
  // Waits for every entry whose node process still runs to be acknowledged,
  // then checks presence everywhere, one chain and the state roots.
  void Finish(ChaosOutcome& outcome);
  std::string RestartAndReconnect(std::size_t victim);
  // Submits a registrar governance command (`registrar add-validator ...`)
  // through node0 without waiting; its transaction id, or "" with a failure noted.
  std::string SubmitGovernance(ChaosOutcome& outcome, const std::vector<std::string>& command);
  // Streams until transaction `id` is committed on `through`; its height, 0 at the timeout.
  std::uint64_t StreamUntilCommitted(std::size_t through, const std::string& id);
  // Streams until every running node is past `height`; false at the timeout.
  bool StreamPast(std::uint64_t height);
  // Each block in (from, to] must be certified by signers of `set` only, with more
  // than 2/3 of it (power 1 each); counts how many of them `wanted` signed.
  std::size_t CheckSigners(ChaosOutcome& outcome, std::uint64_t from, std::uint64_t to, const std::set<std::string>& set,
                           const std::string& wanted);
  // The genesis set certifies up to `added_at`, with `added` up to
  // `removed_at`, without `removed` after (to checked_to); how many blocks
  // `added` signed before and after the removal.
  std::pair<std::size_t, std::size_t> CheckSetChange(ChaosOutcome& outcome, std::uint64_t added_at, const std::string& added,
                                                     std::uint64_t removed_at, const std::string& removed);
  std::string ValidatorKeyHex(std::size_t i) const;
  // Running, not paused, not retired: a node the stream and the catch-up count.
  bool Follows(std::size_t i) const { return cluster_->Running(i) && !paused_.count(i) && !retired_.count(i); }
  // Node `i`, whose key `key_hex` left the validator set, stops counting; then
  // every node that follows must drop its links (none lists it as a peer) and
  // it must be left with no peer, within recover_timeout; "" when they did.
  std::string Retire(std::size_t i, const std::string& key_hex);
  std::size_t Spare() const { return cluster_->validators() + 1; }  // full1
  // Moves `dir` (the node stopped) onto a tmpfs of its size + `spare_bytes`;
  // "skip: ..." when mount(2) is refused.
  std::string MoveToTmpfs(const std::filesystem::path& dir, std::uintmax_t spare_bytes);

  ChaosOptions options_;
  std::unique_ptr<DevnetCluster> cluster_;
  std::vector<Entry> entries_;
  std::vector<std::uint64_t> runs_;  // per node: incremented each time its process ends
  std::set<std::size_t> paused_;
  std::set<std::size_t> retired_;  // their key left the set: peers refuse them, they no longer follow
  std::size_t next_through_ = 0;
  std::vector<std::filesystem::path> tmpfs_mounts_;  // tmpfs we mounted, unmounted last first
  std::size_t data_dirs_set_aside_ = 0;               // CorruptStore's recoveries: data.corrupt-<n>
  std::vector<std::string> genesis_validators_;  // hex keys, node0..node3
  std::string rotated_key_;                      // hex: the new key of rotate_key_of
};

}  // namespace jobcard::testing
