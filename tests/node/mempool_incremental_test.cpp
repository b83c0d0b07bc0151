// The mempool's incremental re-check after a block (Update's prefix path,
// spec/consensus.md §Mempool re-check after a block) against the full
// re-check: random pools and random committed blocks (the pool's prefix,
// reordered or partial blocks, blocks with transactions this pool never saw
// and conflicting ones, key revocations that take effect a few heights
// later, new employer keys, a clock that steps back) must leave both pools
// with the same pending transactions in the same order, the same dropped
// set, and the same answer to every later Add. Seeded.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "ledger/entry_builder.h"
#include "ledger/memory_state.h"
#include "node/mempool.h"
#include "tests/support/fixtures.h"

namespace jobcard::node {
namespace {

using jobcard::testing::Corp;
using jobcard::testing::KeyFromByte;
using jobcard::testing::kTestChainId;
using ledger::EntryId;
using ledger::Tx;
using ledger::TxKind;

constexpr std::uint64_t kStartSeconds = 1775034000;  // 2026-04-01T09:00:00Z
constexpr int kSubjects = 6;

class RandomChain {
 public:
  explicit RandomChain(std::uint32_t seed) : random_(seed), registrar_(KeyFromByte(1)), employer_(Corp(430001023581)) {
    genesis_.chain_id = kTestChainId;
    genesis_.genesis_time_ms = (kStartSeconds - 3600) * 1000;
    genesis_.registrar_keys = {registrar_.public_key()};
    genesis_.validators = {{KeyFromByte(2).public_key(), 1, "validator-0"}};
    std::vector<crypto::PublicKey> keys;
    for (std::uint8_t k = 3; k <= 6; ++k) {
      employer_keys_.push_back(k);
      keys.push_back(KeyFromByte(k).public_key());
    }
    genesis_.employers = {{employer_, "北海道精密工業株式会社", keys}};
    committed_ = ledger::MemoryState::FromGenesis(genesis_);
  }

  ledger::TxContext Ctx() const { return ledger::TxContext{genesis_, height_ + 1, time_ms_}; }

  // One random transaction; many are invalid or conflict with others on purpose.
  Tx RandomTx() {
    const int roll = Pick(0, 99);
    if (roll < 20) return Enroll(static_cast<std::uint8_t>(Pick(1, kSubjects)));
    if (roll < 30 && !hires_.empty()) return Correction(hires_[static_cast<std::size_t>(Pick(0, static_cast<int>(hires_.size()) - 1))]);
    if (roll < 36) return Revoke();
    if (roll < 42) return AddKey();
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

  Tx Correction(const EntryId& target) {
    ledger::SubjectId subject{};
    auto entry = committed_.GetEntry(target);
    subject = entry ? entry->subject : Subject(static_cast<std::uint8_t>(Pick(1, kSubjects)));
    return Entry(TxKind::kCorrection, subject[0], target);
  }

  Tx Entry(TxKind kind, std::uint8_t n, const EntryId& target) {
    ledger::EntryDraft d;
    d.kind = kind;
    d.employer = employer_;
    d.subject = Subject(n);
    d.effective_date = *ledger::Date::Make(2026, 4, 1);
    // Often near the skew limit: a clock that steps back can invalidate it.
    const auto skew = static_cast<int>(genesis_.params.max_clock_skew_seconds);
    d.recorded_at = static_cast<std::uint64_t>(static_cast<int>(time_ms_ / 1000) + (Pick(0, 1) ? -60 : Pick(skew - 10, skew + 2)));
    d.nonce = next_nonce_++;
    if (kind == TxKind::kCorrection) {
      d.references = {target};
      d.reason = static_cast<std::uint8_t>(ledger::CorrectionReason::kClerical);
    }
    d.payload.salt = Hash32{};
    d.payload.fields = {{ledger::PayloadFieldId::kPosition, "課長"}};
    d.subject_key = SubjectKey(n).public_key();
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

  static ledger::SubjectId Subject(std::uint8_t n) {
    ledger::SubjectId id{};
    id.fill(n);
    return id;
  }
  static crypto::SigningKey SubjectKey(std::uint8_t n) { return KeyFromByte(static_cast<std::uint8_t>(100 + n)); }

  std::mt19937 random_;
  crypto::SigningKey registrar_;
  ledger::CorporateNumber employer_;
  std::vector<std::uint8_t> employer_keys_;  // KeyFromByte seeds
  ledger::Genesis genesis_;
  ledger::MemoryState committed_;
  std::vector<EntryId> hires_;
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
};

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

    // The block: usually the pool's oldest transactions (the proposer's
    // case), else a reordered or partial selection mixed with foreign ones.
    std::vector<Tx> block = incremental.Reap(static_cast<std::size_t>(chain.Pick(0, 8)), SIZE_MAX);
    if (chain.Pick(0, 3) == 0) {
      std::shuffle(block.begin(), block.end(), chain.random());
      for (Tx& tx : foreign) block.push_back(std::move(tx));
      if (!block.empty() && chain.Pick(0, 1) == 0) block.pop_back();
    }
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
    ASSERT_EQ(Summary(dropped_incremental), Summary(dropped_full));
    ASSERT_EQ(PendingIds(incremental), PendingIds(full));
    ASSERT_EQ(incremental.bytes(), full.bytes());
  }
}

TEST(MempoolIncrementalTest, EqualsAFullRecheckOnRandomPoolsAndBlocks) {
  Paths paths;
  for (std::uint32_t seed = 1; seed <= 24; ++seed) {
    ASSERT_NO_FATAL_FAILURE(RunSeed(seed, paths));
  }
  // Both paths ran: the comparison is not one of a full re-check with itself.
  EXPECT_GT(paths.incremental, 200);
  EXPECT_GT(paths.full, 50);
  std::printf("incremental updates %d, full re-checks %d\n", paths.incremental, paths.full);
}

}  // namespace
}  // namespace jobcard::node
