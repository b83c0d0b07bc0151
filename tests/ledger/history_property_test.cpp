// Property tests (seeded): random valid career histories commit in full,
// and random mutations of a valid next transaction are rejected.
//
// A small model of the world (who is enrolled, which secondments and side
// jobs are open, which entries can still be corrected) drives a generator
// that only makes valid transactions; ExecuteTxs must accept every one. Then
// each mutation breaks exactly one rule and must be refused.
#include <gtest/gtest.h>

#include <random>

#include "ledger/chain_store.h"
#include "ledger/entry_builder.h"
#include "ledger/execution.h"
#include "ledger/memory_state.h"
#include "node/solo_producer.h"
#include "tests/support/chain_fixture.h"
#include "tests/support/fixtures.h"
#include "tests/support/temp_dir.h"

namespace jobcard::ledger {
namespace {

constexpr int kSeeds = 30;
constexpr int kStepsPerSeed = 60;

struct World {
  testing::TestChain chain = testing::MakeTestChain();
  MemoryState state = MemoryState::FromGenesis(chain.genesis);
  std::uint64_t height = 0;
  std::uint64_t nonce = 1;
  std::vector<SubjectId> enrolled;
  std::vector<EntryId> correctable;     // entries not yet superseded, not disputes
  std::vector<EntryId> open_secondments;
  std::vector<EntryId> open_side_jobs;  // all recorded by employer A
  std::uint64_t now() const { return chain.genesis.genesis_time_ms / 1000 + height * 60; }
};

EntryDraft Draft(World& w, TxKind kind, const SubjectId& subject) {
  EntryDraft d;
  d.kind = kind;
  d.employer = w.chain.a;
  d.subject = subject;
  d.recorded_at = w.now();
  d.effective_date = Date::FromUnixSeconds(d.recorded_at);
  d.nonce = w.nonce++;
  d.payload.salt.fill(static_cast<std::uint8_t>(d.nonce));
  d.payload.fields = {{PayloadFieldId::kPosition, "staff"}};
  d.subject_key = w.chain.subject_key.public_key();
  d.employer_key = w.chain.employer_a.public_key();
  d.host_key = w.chain.employer_b.public_key();
  if (kind == TxKind::kSecondmentStart || kind == TxKind::kSecondmentEnd) d.host_employer = w.chain.b;
  if (kind == TxKind::kSecondmentStart) d.expected_end = d.effective_date;
  if (kind == TxKind::kCorrection || kind == TxKind::kDispute) d.reason = 1;
  return d;
}

Tx Sign(World& w, const EntryDraft& d) {
  Tx tx = std::move(BuildEntry(d)).value();
  const auto& id = w.chain.genesis.chain_id;
  if (d.kind == TxKind::kDispute) {
    SignTx(tx, id, testing::SubjectSigningKey(d.subject));
  } else {
    SignTx(tx, id, w.chain.employer_a);
    if (d.kind == TxKind::kSecondmentStart || d.kind == TxKind::kSecondmentEnd) SignTx(tx, id, w.chain.employer_b);
  }
  return tx;
}

template <typename T>
T Take(std::vector<T>& v, std::mt19937_64& rng) {
  std::size_t i = rng() % v.size();
  T out = v[i];
  v.erase(v.begin() + static_cast<std::ptrdiff_t>(i));
  return out;
}

// A valid next transaction, and what it does to the model once committed.
Tx NextValid(World& w, std::mt19937_64& rng, std::function<void(const EntryId&)>& on_commit) {
  const int choice = w.enrolled.empty() ? 0 : static_cast<int>(rng() % 8);
  const SubjectId subject = w.enrolled.empty() ? SubjectId{} : w.enrolled[rng() % w.enrolled.size()];
  switch (choice) {
    case 0: {
      SubjectId fresh = testing::SyntheticSubject(w.nonce * 7919 + rng() % 1000);
      Tx tx{TxKind::kEnrollSubject, w.nonce++, EnrollSubject{fresh, testing::SubjectSigningKey(fresh).public_key()}, {}};
      SignTx(tx, w.chain.genesis.chain_id, w.chain.registrar);
      on_commit = [&w, fresh](const EntryId&) { w.enrolled.push_back(fresh); };
      return tx;
    }
    case 1:
    case 2: {
      TxKind kind = choice == 1 ? TxKind::kHire : TxKind::kPositionChange;
      on_commit = [&w](const EntryId& id) { w.correctable.push_back(id); };
      return Sign(w, Draft(w, kind, subject));
    }
    case 3: {
      on_commit = [&w](const EntryId& id) { w.open_secondments.push_back(id); };
      return Sign(w, Draft(w, TxKind::kSecondmentStart, subject));
    }
    case 4: {
      on_commit = [&w](const EntryId& id) { w.open_side_jobs.push_back(id); };
      return Sign(w, Draft(w, TxKind::kSideJobStart, subject));
    }
    case 5:
    case 6:
    case 7: {
      // Close, correct or dispute something, if anything qualifies.
      std::vector<EntryId>* pool = choice == 5 ? &w.open_secondments : choice == 6 ? &w.open_side_jobs : &w.correctable;
      if (pool->empty()) return NextValid(w, rng, on_commit);
      EntryId target = Take(*pool, rng);
      auto rec = w.state.GetEntry(target);
      TxKind kind = choice == 5 ? TxKind::kSecondmentEnd : choice == 6 ? TxKind::kSideJobEnd : TxKind::kCorrection;
      if (choice == 7 && rng() % 2) {
        kind = TxKind::kDispute;
        w.correctable.push_back(target);  // a dispute does not supersede
      }
      EntryDraft d = Draft(w, kind, rec->subject);
      d.references = {target};
      on_commit = [&w, kind](const EntryId& id) {
        if (kind == TxKind::kCorrection) w.correctable.push_back(id);
      };
      return Sign(w, d);
    }
  }
  return Tx{};
}

// Validates `tx` as the next block without changing anything.
Status Check(const World& w, const Tx& tx) {
  TxContext ctx{w.chain.genesis, w.height + 1, (w.chain.genesis.genesis_time_ms / 1000 + (w.height + 1) * 60) * 1000};
  return ExecuteTxs(w.state, {tx}, ctx).outcomes[0].status;
}

Status Commit(World& w, const Tx& tx) {
  ++w.height;
  TxContext ctx{w.chain.genesis, w.height, w.now() * 1000};
  BlockExecution ex = ExecuteTxs(w.state, {tx}, ctx);
  if (ex.outcomes[0].status.ok()) w.state.Apply(ex.delta);
  return ex.outcomes[0].status;
}

TEST(HistoryProperty, RandomValidHistoriesCommitInFull) {
  for (int seed = 0; seed < kSeeds; ++seed) {
    World w;
    std::mt19937_64 rng(seed);
    std::size_t entries = 0;
    for (int step = 0; step < kStepsPerSeed; ++step) {
      std::function<void(const EntryId&)> on_commit;
      Tx tx = NextValid(w, rng, on_commit);
      Status s = Commit(w, tx);
      ASSERT_TRUE(s.ok()) << "seed " << seed << " step " << step << " " << TxKindName(tx.kind) << ": " << s.error().message;
      on_commit(TxId(w.chain.genesis.chain_id, tx));
      entries += IsCareerEntry(tx.kind);
    }
    // The subjects' records hold exactly the committed career entries.
    std::size_t recorded = 0;
    for (const auto& subject : w.enrolled) recorded += w.state.GetSubject(subject)->entries.size();
    EXPECT_EQ(recorded, entries) << "seed " << seed;
  }
}

// The store keeps an entry record's row only once a later entry marked it
// (format 7) and makes any other from its transaction. Random histories,
// committed to a store one block per transaction, read every entry there as
// the model has it, and the store's record rows are exactly the marked ones.
TEST(HistoryProperty, TheStoreReadsEveryEntryAsTheModelHasIt) {
  constexpr int kStoreSeeds = 6;
  std::size_t marked = 0, unmarked = 0;
  for (int seed = 0; seed < kStoreSeeds; ++seed) {
    World w;
    testing::TempDir dir;
    auto store = ChainStore::Open((dir.path() / "db").string(), w.chain.genesis);
    ASSERT_TRUE(store.ok()) << store.error().message;
    std::mt19937_64 rng(1000 + seed);
    std::vector<EntryId> committed;
    for (int step = 0; step < kStepsPerSeed; ++step) {
      std::function<void(const EntryId&)> on_commit;
      Tx tx = NextValid(w, rng, on_commit);
      ASSERT_TRUE(Commit(w, tx).ok()) << "seed " << seed << " step " << step;
      auto block = node::ProduceSoloBlock(**store, {tx}, w.now() * 1000, w.chain.validator);
      ASSERT_TRUE(block.ok()) << block.error().message;
      ASSERT_TRUE(block->rejected.empty()) << "seed " << seed << " step " << step;
      const EntryId id = TxId(w.chain.genesis.chain_id, tx);
      on_commit(id);
      committed.push_back(id);
    }
    for (const EntryId& id : committed) {
      const std::optional<EntryRecord> expected = w.state.GetEntry(id);
      EXPECT_EQ((*store)->GetEntry(id), expected) << "seed " << seed << " entry " << ToHex(id);
      const auto row = (*store)->ReadRow(StoreFamily::kState, AsBytes("N" + std::string(id.begin(), id.end())));
      ASSERT_TRUE(row.ok());
      const bool is_marked = expected && IsMarked(*expected);
      EXPECT_EQ(row->has_value(), is_marked) << "seed " << seed << " entry " << ToHex(id);
      marked += is_marked;
      unmarked += expected && !is_marked;
    }
    EXPECT_FALSE((*store)->GetEntry(EntryId{3}).has_value());
  }
  // Both kinds of record were read.
  EXPECT_GT(marked, 10u);
  EXPECT_GT(unmarked, 10u);
}

// Each mutation breaks one rule of a valid transaction.
struct Mutation {
  const char* name;
  std::function<bool(World&, Tx&, std::mt19937_64&)> apply;  // false: not applicable to this tx
};

const std::vector<Mutation>& Mutations() {
  static const std::vector<Mutation> kMutations = {
      {"flip a body byte", [](World&, Tx& tx, std::mt19937_64& rng) {
         tx.nonce ^= 1ull << (rng() % 64);  // any body change invalidates the signatures
         return true;
       }},
      {"drop the signatures", [](World&, Tx& tx, std::mt19937_64&) {
         tx.signatures.clear();
         return true;
       }},
      {"sign with a stranger", [](World& w, Tx& tx, std::mt19937_64&) {
         tx.signatures.clear();
         SignTx(tx, w.chain.genesis.chain_id, testing::KeyFromByte(0x99));
         return true;
       }},
      {"sign for another chain", [](World& w, Tx& tx, std::mt19937_64&) {
         Tx resigned = tx;
         resigned.signatures.clear();
         SignTx(resigned, "another-chain", w.chain.employer_a);
         tx = resigned;
         return IsCareerEntry(tx.kind) && tx.kind != TxKind::kDispute;
       }},
      {"unknown subject", [](World& w, Tx& tx, std::mt19937_64&) {
         auto* e = std::get_if<CareerEntry>(&tx.body);
         if (!e) return false;
         e->subject = testing::SyntheticSubject(999999999);
         tx.signatures.clear();
         const crypto::SigningKey subject_key = testing::SubjectSigningKey(e->subject);
         SignTx(tx, w.chain.genesis.chain_id, tx.kind == TxKind::kDispute ? subject_key : w.chain.employer_a);
         if (tx.kind == TxKind::kSecondmentStart || tx.kind == TxKind::kSecondmentEnd) SignTx(tx, w.chain.genesis.chain_id, w.chain.employer_b);
         return true;
       }},
      {"dangling reference", [](World& w, Tx& tx, std::mt19937_64&) {
         auto* e = std::get_if<CareerEntry>(&tx.body);
         if (!e || e->references.empty()) return false;
         e->references[0][0] ^= 0xff;
         tx.signatures.clear();
         const crypto::SigningKey subject_key = testing::SubjectSigningKey(e->subject);
         SignTx(tx, w.chain.genesis.chain_id, tx.kind == TxKind::kDispute ? subject_key : w.chain.employer_a);
         if (tx.kind == TxKind::kSecondmentEnd) SignTx(tx, w.chain.genesis.chain_id, w.chain.employer_b);
         return true;
       }},
  };
  return kMutations;
}

TEST(HistoryProperty, RandomMutationsOfAValidNextTxAreRejected) {
  int tried = 0;
  for (int seed = 0; seed < kSeeds; ++seed) {
    World w;
    std::mt19937_64 rng(1000 + seed);
    for (int step = 0; step < kStepsPerSeed; ++step) {
      std::function<void(const EntryId&)> on_commit;
      Tx valid = NextValid(w, rng, on_commit);
      const Mutation& m = Mutations()[rng() % Mutations().size()];
      Tx mutated = valid;
      if (m.apply(w, mutated, rng)) {
        Status s = Check(w, mutated);
        EXPECT_FALSE(s.ok()) << "seed " << seed << " step " << step << ": '" << m.name << "' on "
                             << TxKindName(valid.kind) << " was accepted";
        ++tried;
      }
      ASSERT_TRUE(Commit(w, valid).ok()) << "seed " << seed << " step " << step;
      on_commit(TxId(w.chain.genesis.chain_id, valid));
    }
  }
  EXPECT_GT(tried, kSeeds * kStepsPerSeed / 2);
}

}  // namespace
}  // namespace jobcard::ledger
