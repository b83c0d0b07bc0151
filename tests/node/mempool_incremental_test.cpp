// The mempool's incremental re-check after a block (Update's prefix and
// out-of-order paths, spec/consensus.md §Mempool re-check after a block)
// against the full re-check: random pools and random committed blocks (the
// pool's prefix, reordered or partial blocks, blocks with transactions this
// pool never saw and conflicting ones, subsets of the pool in pool order or
// shuffled, key revocations that take effect a few heights later, new
// employer keys, subject key recoveries that turn an older pending dispute
// invalid once they commit ahead of it, employers suspended and reactivated,
// a clock that steps back) must leave both pools with the same pending
// transactions in the same order, the same dropped set, and the same answer
// to every later Add. Seeded.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "ledger/entry_builder.h"
#include "ledger/memory_state.h"
#include "node/mempool.h"
#include "tests/support/fixtures.h"

namespace jobcard::node {
namespace {

using jobcard::testing::SmallGenesis;
using jobcard::testing::SubjectFromByte;
using jobcard::testing::TestEmployer;
using jobcard::testing::KeyFromByte;
using jobcard::testing::kTestChainId;
using ledger::EntryId;
using ledger::Tx;
using ledger::TxKind;

constexpr std::uint64_t kStartSeconds = 1775034000;  // 2026-04-01T09:00:00Z
constexpr int kSubjects = 6;

class RandomChain {
 public:
  explicit RandomChain(std::uint32_t seed) : random_(seed), registrar_(KeyFromByte(1)), employer_(TestEmployer()) {
    std::vector<crypto::PublicKey> keys;
    for (std::uint8_t k = 3; k <= 6; ++k) {
      employer_keys_.push_back(k);
      keys.push_back(KeyFromByte(k).public_key());
    }
    genesis_ = SmallGenesis((kStartSeconds - 3600) * 1000, keys);
    committed_ = ledger::MemoryState::FromGenesis(genesis_);
  }

  ledger::TxContext Ctx() const { return ledger::TxContext{genesis_, height_ + 1, time_ms_}; }

  // One random transaction; many are invalid or conflict with others on purpose.
  Tx RandomTx() {
    const int roll = Pick(0, 99);
    if (roll < 18) return Enroll(static_cast<std::uint8_t>(Pick(1, kSubjects)));
    if (roll < 26 && !hires_.empty()) return Correction(RandomHire());
    if (roll < 31) return Revoke();
    if (roll < 36) return AddKey();
    if (roll < 46 && !hires_.empty()) return Dispute(RandomHire());
    if (roll < 54) return Recover(static_cast<std::uint8_t>(Pick(1, kSubjects)));
    if (roll < 56) return ToggleEmployerStatus();
    Tx hire = Entry(TxKind::kHire, static_cast<std::uint8_t>(Pick(1, kSubjects)), {});
    hires_.push_back(ledger::TxId(kTestChainId, hire));
    return hire;
  }

  int Pick(int low, int high) { return std::uniform_int_distribution<int>(low, high)(random_); }
  std::mt19937& random() { return random_; }
  ledger::MemoryState& committed() { return committed_; }

  // Executes `txs` as the next block (at Ctx()) and returns it.
  ledger::BlockExecution Commit(const std::vector<Tx>& txs) {
    ledger::BlockExecution block = ledger::ExecuteTxs(committed_, txs, Ctx());
    committed_.Apply(block.delta);
    ++height_;
    // The clock mostly moves on, sometimes stands still or steps back a little.
    const int step = Pick(-8, 10);
    time_ms_ = static_cast<std::uint64_t>(static_cast<std::int64_t>(time_ms_) + step * 1000);
    return block;
  }

 private:
  Tx Enroll(std::uint8_t n) {
    Tx tx;
    tx.kind = TxKind::kEnrollSubject;
    tx.nonce = static_cast<std::uint64_t>(Pick(0, 1));  // two enrollments of one subject conflict
    tx.body = ledger::EnrollSubject{Subject(n), SubjectKey(n).public_key()};
    SignTx(tx, kTestChainId, registrar_);
    return tx;
  }

  const EntryId& RandomHire() { return hires_[static_cast<std::size_t>(Pick(0, static_cast<int>(hires_.size()) - 1))]; }

  // Signed by the subject's latest key (one whose recovery may still be
  // pending, or not yet issued), sometimes by its first key.
  Tx Dispute(const EntryId& target) {
    auto entry = committed_.GetEntry(target);
    const std::uint8_t n = entry ? entry->subject[0] : static_cast<std::uint8_t>(Pick(1, kSubjects));
    const crypto::SigningKey signer = Pick(0, 3) == 0 ? SubjectKey(n) : KeyFromByte(subject_key_bytes_[n]);
    ledger::EntryDraft d = Draft(TxKind::kDispute, n, signer.public_key());
    d.references = {target};
    d.reason = static_cast<std::uint8_t>(ledger::DisputeReason::kInaccurate);
    d.employer_key = KeyFromByte(employer_keys_.front()).public_key();
    Tx tx = std::move(ledger::BuildEntry(d)).value();
    SignTx(tx, kTestChainId, signer);
    return tx;
  }

  // A new key for a subject: a pending dispute signed with the old one turns
  // invalid when the recovery commits before it.
  Tx Recover(std::uint8_t n) {
    const auto byte = static_cast<std::uint8_t>(150 + (next_recovery_key_++ % 90));
    Tx tx;
    tx.kind = TxKind::kRecoverSubjectKey;
    tx.body = ledger::RecoverSubjectKey{Subject(n), KeyFromByte(byte).public_key()};
    SignTx(tx, kTestChainId, registrar_);
    subject_key_bytes_[n] = byte;
    return tx;
  }

  // Suspends or reactivates the employer: every pending entry it signs
  // depends on its status without writing it.
  Tx ToggleEmployerStatus() {
    suspended_ = !suspended_;
    Tx tx;
    tx.kind = TxKind::kSetEmployerStatus;
    tx.body = ledger::SetEmployerStatus{employer_, suspended_ ? ledger::EmployerStatus::kSuspended : ledger::EmployerStatus::kActive};
    SignTx(tx, kTestChainId, registrar_);
    return tx;
  }

  Tx Correction(const EntryId& target) {
    ledger::SubjectId subject{};
    auto entry = committed_.GetEntry(target);
    subject = entry ? entry->subject : Subject(static_cast<std::uint8_t>(Pick(1, kSubjects)));
    return Entry(TxKind::kCorrection, subject[0], target);
  }

  ledger::EntryDraft Draft(TxKind kind, std::uint8_t n, const crypto::PublicKey& subject_key) {
    ledger::EntryDraft d;
    d.kind = kind;
    d.employer = employer_;
    d.subject = Subject(n);
    d.effective_date = *ledger::Date::Make(2026, 4, 1);
    // Often near the skew limit: a clock that steps back can invalidate it.
    const auto skew = static_cast<int>(genesis_.params.max_clock_skew_seconds);
    d.recorded_at = static_cast<std::uint64_t>(static_cast<int>(time_ms_ / 1000) + (Pick(0, 1) ? -60 : Pick(skew - 10, skew + 2)));
    d.nonce = next_nonce_++;
    d.payload.salt = Hash32{};
    d.payload.fields = {{ledger::PayloadFieldId::kPosition, "課長"}};
    d.subject_key = subject_key;
    return d;
  }

  Tx Entry(TxKind kind, std::uint8_t n, const EntryId& target) {
    ledger::EntryDraft d = Draft(kind, n, SubjectKey(n).public_key());
    if (kind == TxKind::kCorrection) {
      d.references = {target};
      d.reason = static_cast<std::uint8_t>(ledger::CorrectionReason::kClerical);
    }
    const crypto::SigningKey signer = RandomEmployerKey();
    d.employer_key = signer.public_key();
    Tx tx = std::move(ledger::BuildEntry(d)).value();
    SignTx(tx, kTestChainId, signer);
    return tx;
  }

  // Revokes a random key from a height at most 3 blocks ahead: pending
  // entries it signed turn invalid when the chain reaches that height.
  Tx Revoke() {
    Tx tx;
    tx.kind = TxKind::kRevokeEmployerKey;
    // Often the newest key, whose add may still be pending (revoke_before_added).
    const crypto::SigningKey key = Pick(0, 1) ? KeyFromByte(employer_keys_.back()) : RandomEmployerKey();
    tx.body = ledger::RevokeEmployerKey{employer_, key.public_key(), height_ + 1 + static_cast<std::uint64_t>(Pick(0, 3))};
    SignTx(tx, kTestChainId, registrar_);
    return tx;
  }

  Tx AddKey() {
    const auto byte = static_cast<std::uint8_t>(40 + employer_keys_.size());
    const crypto::SigningKey key = KeyFromByte(byte);
    Tx tx;
    tx.kind = TxKind::kAddEmployerKey;
    tx.body = ledger::AddEmployerKey{employer_, key.public_key()};
    SignTx(tx, kTestChainId, registrar_);
    if (employer_keys_.size() < 40) employer_keys_.push_back(byte);
    return tx;
  }

  // Any key the employer has or may get (one whose add is not committed signs in vain).
  crypto::SigningKey RandomEmployerKey() {
    return KeyFromByte(employer_keys_[static_cast<std::size_t>(Pick(0, static_cast<int>(employer_keys_.size()) - 1))]);
  }

  static ledger::SubjectId Subject(std::uint8_t n) { return SubjectFromByte(n); }
  static crypto::SigningKey SubjectKey(std::uint8_t n) { return KeyFromByte(static_cast<std::uint8_t>(100 + n)); }
  static std::map<std::uint8_t, std::uint8_t> InitialSubjectKeys() {
    std::map<std::uint8_t, std::uint8_t> keys;
    for (int n = 1; n <= kSubjects; ++n) keys[static_cast<std::uint8_t>(n)] = static_cast<std::uint8_t>(100 + n);
    return keys;
  }

  std::mt19937 random_;
  crypto::SigningKey registrar_;
  ledger::CorporateNumber employer_;
  std::vector<std::uint8_t> employer_keys_;  // KeyFromByte seeds
  ledger::Genesis genesis_;
  ledger::MemoryState committed_;
  std::vector<EntryId> hires_;
  std::map<std::uint8_t, std::uint8_t> subject_key_bytes_ = InitialSubjectKeys();  // subject -> latest key's seed
  int next_recovery_key_ = 0;
  bool suspended_ = false;
  std::uint64_t height_ = 0;
  std::uint64_t time_ms_ = kStartSeconds * 1000;
  std::uint64_t next_nonce_ = 1;
};

std::vector<EntryId> PendingIds(const Mempool& pool) {
  std::vector<EntryId> ids;
  pool.Reap(pool.size(), SIZE_MAX, &ids);
  return ids;
}

std::vector<std::pair<EntryId, std::string>> Summary(const std::vector<DroppedTx>& dropped) {
  std::vector<std::pair<EntryId, std::string>> out;
  for (const DroppedTx& d : dropped) out.emplace_back(d.id, d.reason.code);
  return out;
}

// Adds `tx` to both pools; they must answer alike.
void AddToBoth(Mempool& incremental, Mempool& full, const Tx& tx, const ledger::StateView& committed,
               const ledger::TxContext& ctx) {
  auto a = incremental.Add(tx, committed, ctx);
  auto b = full.Add(tx, committed, ctx);
  ASSERT_EQ(a.ok(), b.ok()) << (a.ok() ? b.error().code : a.error().code);
  if (!a.ok()) {
    EXPECT_EQ(a.error().code, b.error().code);
  }
}

struct Paths {
  int incremental = 0;
  int full = 0;
  // Blocks of pending transactions only, not the pool's prefix: how Update took them.
  int out_of_order_incremental = 0;
  int out_of_order_full = 0;
};

// A block of pending transactions only: a random subset of the pool, in pool
// order or shuffled (another proposer's order).
std::vector<Tx> PendingSubset(const Mempool& pool, RandomChain& chain) {
  std::vector<Tx> subset;
  for (Tx& tx : pool.Reap(pool.size(), SIZE_MAX)) {
    if (subset.size() < 8 && chain.Pick(0, 2) == 0) subset.push_back(std::move(tx));
  }
  if (chain.Pick(0, 1) == 0) std::shuffle(subset.begin(), subset.end(), chain.random());
  return subset;
}

// Whether every id of `block` is pending and they are not the pool's oldest in pool order.
bool OutOfOrderAndAllPending(const std::vector<EntryId>& block, const std::vector<EntryId>& pending) {
  for (const EntryId& id : block) {
    if (std::find(pending.begin(), pending.end(), id) == pending.end()) return false;
  }
  return !std::equal(block.begin(), block.end(), pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(std::min(block.size(), pending.size())));
}

void RunSeed(std::uint32_t seed, Paths& paths) {
  SCOPED_TRACE("seed " + std::to_string(seed));
  RandomChain chain(seed);
  Mempool incremental;
  Mempool full(MempoolLimits{50000, 64 * 1024 * 1024, false});
  for (int round = 0; round < 24; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const int arrivals = chain.Pick(0, 10);
    std::vector<Tx> foreign;  // other nodes' transactions this pool never saw
    for (int i = 0; i < arrivals; ++i) {
      Tx tx = chain.RandomTx();
      if (chain.Pick(0, 5) == 0) {
        foreign.push_back(std::move(tx));
      } else {
        ASSERT_NO_FATAL_FAILURE(AddToBoth(incremental, full, tx, chain.committed(), chain.Ctx()));
      }
    }
    ASSERT_EQ(PendingIds(incremental), PendingIds(full));

    // The block: often the pool's oldest transactions (the proposer's
    // case), else a reordered or partial selection mixed with foreign ones,
    // or pending transactions only, not the prefix (another proposer's).
    std::vector<Tx> block;
    const int shape = chain.Pick(0, 9);
    if (shape < 4) {
      block = incremental.Reap(static_cast<std::size_t>(chain.Pick(0, 8)), SIZE_MAX);
    } else if (shape < 6) {
      block = incremental.Reap(static_cast<std::size_t>(chain.Pick(0, 8)), SIZE_MAX);
      std::shuffle(block.begin(), block.end(), chain.random());
      for (Tx& tx : foreign) block.push_back(std::move(tx));
      if (!block.empty() && chain.Pick(0, 1) == 0) block.pop_back();
    } else {
      block = PendingSubset(incremental, chain);
    }
    const std::vector<EntryId> pending_before = PendingIds(incremental);
    ledger::BlockExecution executed = chain.Commit(block);
    std::vector<EntryId> rejected;
    for (const auto& outcome : executed.outcomes) {
      if (!outcome.status.ok()) rejected.push_back(outcome.id);
    }
    const std::vector<EntryId>& committed_ids = executed.delta.log_appends;
    // A submission that lands after the block is stored but before Update.
    if (chain.Pick(0, 7) == 0) {
      ASSERT_NO_FATAL_FAILURE(AddToBoth(incremental, full, chain.RandomTx(), chain.committed(), chain.Ctx()));
    }

    auto dropped_incremental = incremental.Update(chain.committed(), chain.Ctx(), committed_ids, rejected);
    auto dropped_full = full.Update(chain.committed(), chain.Ctx(), committed_ids, rejected);
    ASSERT_FALSE(full.last_update_incremental());
    (incremental.last_update_incremental() ? paths.incremental : paths.full)++;
    // A rejected transaction this pool holds forces the full re-check; one it
    // never saw (a foreign one) does not.
    const bool rejected_held = std::any_of(rejected.begin(), rejected.end(), [&](const EntryId& id) {
      return std::find(pending_before.begin(), pending_before.end(), id) != pending_before.end();
    });
    const bool out_of_order = !rejected_held && OutOfOrderAndAllPending(committed_ids, pending_before);
    if (out_of_order) (incremental.last_update_incremental() ? paths.out_of_order_incremental : paths.out_of_order_full)++;
    EXPECT_EQ(incremental.last_update_incremental() && incremental.last_update_reordered(),
              out_of_order && incremental.last_update_incremental());
    ASSERT_EQ(Summary(dropped_incremental), Summary(dropped_full));
    ASSERT_EQ(PendingIds(incremental), PendingIds(full));
    ASSERT_EQ(incremental.bytes(), full.bytes());
  }
}

TEST(MempoolIncrementalTest, EqualsAFullRecheckOnRandomPoolsAndBlocks) {
  Paths paths;
  for (std::uint32_t seed = 1; seed <= 40; ++seed) {
    ASSERT_NO_FATAL_FAILURE(RunSeed(seed, paths));
  }
  // Both paths ran: the comparison is not one of a full re-check with itself;
  // and out-of-order blocks took both (the conflict rules were exercised).
  EXPECT_GT(paths.incremental, 200);
  EXPECT_GT(paths.full, 50);
  EXPECT_GT(paths.out_of_order_incremental, 10);
  EXPECT_GT(paths.out_of_order_full, 20);
  std::printf("incremental updates %d, full re-checks %d; out of order: incremental %d, full %d\n", paths.incremental,
              paths.full, paths.out_of_order_incremental, paths.out_of_order_full);
}

}  // namespace
}  // namespace jobcard::node
