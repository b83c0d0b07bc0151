// CheckChain (`jobcard node check`): a consistent chain passes, and each kind
// of damage, written into the database with RocksDB directly as a bad disk
// or a bug would leave it, is found and named with its height.
#include "ledger/chain_check.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <algorithm>
#include <functional>
#include <map>

#include "ledger/encoding.h"
#include "tests/support/chain_fixture.h"
#include "tests/support/fixtures.h"
#include "tests/support/temp_dir.h"

namespace jobcard {
namespace {

using namespace ledger;

constexpr std::uint64_t kBlocks = 6;
constexpr std::uint64_t kSubjectsPerBlock = 4;
constexpr std::uint64_t kValidatorChangeHeight = 3;  // block 3 adds a second validator

Bytes HeightKey(std::uint64_t h) {
  Writer w;
  w.U64(h);
  return std::move(w).take();
}
rocksdb::Slice AsSlice(ByteView b) { return rocksdb::Slice(reinterpret_cast<const char*>(b.data()), b.size()); }
ByteView AsView(const std::string& s) { return ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()); }

CommitCertificate Certify(const std::string& chain_id, std::uint64_t height, const Hash32& block_hash,
                          const std::vector<const crypto::SigningKey*>& signers) {
  CommitCertificate cert{height, 0, block_hash, {}};
  for (const auto* key : signers) cert.signatures.push_back(SignPrecommit(chain_id, height, 0, block_hash, *key));
  std::sort(cert.signatures.begin(), cert.signatures.end(),
            [](const CommitSignature& x, const CommitSignature& y) { return x.validator < y.validator; });
  return cert;
}

// The chain every test starts from: kBlocks blocks of synthetic enrolments
// and career entries; block 3 also adds a second validator of equal power,
// so blocks 4 onwards need both signatures (the set in force changed).
class ChainCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = ChainStore::Open(dir(), chain_.genesis);
    ASSERT_TRUE(store.ok()) << store.error().message;
    for (std::uint64_t h = 1; h <= kBlocks; ++h) {
      auto txs = testing::SyntheticBlockTxs(chain_, h, kSubjectsPerBlock);
      if (h == kValidatorChangeHeight) {
        Tx add{TxKind::kAddValidator, 900000 + h, AddValidator{second_.public_key(), 1, "validator-1"}, {}};
        SignTx(add, chain_.genesis.chain_id, chain_.registrar);
        txs.push_back(std::move(add));
      }
      auto prepared = (*store)->PrepareBlock(txs, testing::SyntheticBlockTimeMs(chain_, h), chain_.validator.public_key());
      ASSERT_TRUE(prepared.ok()) << prepared.error().message;
      ASSERT_TRUE(prepared->rejected.empty()) << "block " << h << " rejected a transaction";
      std::vector<const crypto::SigningKey*> signers{&chain_.validator};
      if (h > kValidatorChangeHeight) signers.push_back(&second_);
      auto cert = Certify(chain_.genesis.chain_id, h, prepared->block_hash, signers);
      ASSERT_TRUE((*store)->Commit(*prepared, cert).ok()) << "block " << h;
    }
  }

  std::string dir() const { return (dir_.path() / "data").string(); }

  // Opens the closed database with RocksDB itself, every column family, and
  // lets `damage` write into it.
  void Damage(const std::function<void(rocksdb::DB&, std::map<std::string, rocksdb::ColumnFamilyHandle*>&)>& damage) {
    std::vector<std::string> names;
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir(), &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const auto& n : names) descriptors.emplace_back(n, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), dir(), descriptors, &handles, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    std::map<std::string, rocksdb::ColumnFamilyHandle*> families;
    for (std::size_t i = 0; i < names.size(); ++i) families[names[i]] = handles[i];
    damage(*db, families);
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  }

  // The first row of a family (with a key prefix), read directly.
  static std::pair<std::string, std::string> FirstRow(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* cf, const std::string& prefix = "") {
    std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(rocksdb::ReadOptions(), cf));
    it->Seek(prefix);
    EXPECT_TRUE(it->Valid() && it->key().starts_with(prefix)) << "no row with prefix " << prefix;
    if (!it->Valid()) return {};
    return {it->key().ToString(), it->value().ToString()};
  }
  static void FlipByte(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* cf, const std::string& key, std::size_t offset) {
    std::string value;
    ASSERT_TRUE(db.Get(rocksdb::ReadOptions(), cf, key, &value).ok());
    ASSERT_LT(offset, value.size());
    value[offset] = static_cast<char>(value[offset] ^ 0x01);
    ASSERT_TRUE(db.Put(rocksdb::WriteOptions(), cf, key, value).ok());
  }

  ChainCheckReport Check(std::vector<std::string>* progress = nullptr) {
    auto stored = ChainStore::Open(dir(), chain_.genesis);
    EXPECT_TRUE(stored.ok()) << stored.error().message;
    if (!stored.ok()) return {};
    testing::TempDir replay_dir;
    auto replay = ChainStore::Open((replay_dir.path() / "replay").string(), chain_.genesis);
    EXPECT_TRUE(replay.ok());
    if (!replay.ok()) return {};
    ChainCheckOptions options;
    options.progress_every_blocks = 2;
    if (progress) options.progress = [progress](const std::string& line) { progress->push_back(line); };
    auto report = CheckChain(**stored, **replay, options);
    EXPECT_TRUE(report.ok()) << report.error().message;
    return report.ok() ? *report : ChainCheckReport{};
  }

  testing::TempDir dir_;
  testing::TestChain chain_ = testing::MakeTestChain();
  crypto::SigningKey second_ = testing::KeyFromByte(0x31);
};

std::string Describe(const ChainCheckReport& r) {
  if (!r.problem) return "no problem";
  return "height " + std::to_string(r.problem->height) + ": " + r.problem->what + "\n  expected " + r.problem->expected +
         "\n  found    " + r.problem->found;
}

TEST_F(ChainCheckTest, AConsistentChainPasses) {
  std::vector<std::string> progress;
  const ChainCheckReport r = Check(&progress);
  EXPECT_TRUE(r.ok()) << Describe(r);
  EXPECT_EQ(r.tip_height, kBlocks);
  EXPECT_EQ(r.blocks_checked, kBlocks);
  // Every row of every family matched: at least the blocks, their
  // certificates and hash rows, and every transaction.
  EXPECT_GT(r.rows_compared, 3 * kBlocks + kBlocks * kSubjectsPerBlock);
  EXPECT_NE(std::find(progress.begin(), progress.end(), "checked block 2 of 6"), progress.end());
  EXPECT_NE(std::find(progress.begin(), progress.end(), "checked block 6 of 6"), progress.end());
}

// Format 6 keeps no `by_subject` rows (a subject's record lists its
// entries): one left behind, as format 5 wrote them, is an extra row.
TEST_F(ChainCheckTest, ASubjectIndexRowInAFormat6StoreIsFound) {
  std::string tx_id;
  Damage([&](rocksdb::DB& db, auto& cf) {
    const auto [employer_key, tile] = FirstRow(db, cf["by_employer"]);
    const std::string id = tile.substr(1, 32);  // a career entry's id: the tile's first (employer_tile.h)
    ASSERT_EQ(id.size(), 32u);
    tx_id = ToHex(AsView(id));
    // Any 8 bytes as the log index: the row is extra whatever they say.
    const std::string key = "s" + std::string(32, '\x01') + employer_key.substr(employer_key.size() - 8);
    ASSERT_TRUE(db.Put(rocksdb::WriteOptions(), cf["by_subject"], key, id).ok());
  });
  const ChainCheckReport r = Check();
  ASSERT_TRUE(r.problem) << "the stray row was not found";
  EXPECT_NE(r.problem->what.find("by_subject family: subject index row"), std::string::npos) << Describe(r);
  EXPECT_NE(r.problem->what.find("an extra row"), std::string::npos) << Describe(r);
  EXPECT_EQ(r.problem->expected, "no row");
  EXPECT_EQ(r.problem->found, tx_id);
  // The row names a career entry, and those start in block 2.
  EXPECT_GE(r.problem->height, 2u);
  EXPECT_LE(r.problem->height, kBlocks);
  EXPECT_EQ(r.blocks_checked, kBlocks) << "every block itself is intact";
}

// Format 7 keeps an `'N'` entry record only once a later entry marked it;
// the synthetic chain marks none, so an unmarked record, as format 6 wrote
// one for every entry, is an extra row.
TEST_F(ChainCheckTest, AnUnmarkedEntryRecordInAFormat7StoreIsFound) {
  std::string record_key;
  Damage([&](rocksdb::DB& db, auto& cf) {
    const auto [employer_key, tile] = FirstRow(db, cf["by_employer"]);
    const std::string id = tile.substr(1, 32);  // a career entry's id: the tile's first (employer_tile.h)
    ASSERT_EQ(id.size(), 32u);
    EntryRecord record;
    record.id = EntryId{};
    std::copy(id.begin(), id.end(), record.id.begin());
    record.employer = chain_.a;
    const Bytes value = EncodeEntry(record);
    record_key = ToHex(record.id);
    ASSERT_TRUE(db.Put(rocksdb::WriteOptions(), cf["state"], "N" + id, AsSlice(value)).ok());
  });
  const ChainCheckReport r = Check();
  ASSERT_TRUE(r.problem) << "the unmarked record was not found";
  EXPECT_NE(r.problem->what.find("state family: entry record " + record_key), std::string::npos) << Describe(r);
  EXPECT_NE(r.problem->what.find("an extra row"), std::string::npos) << Describe(r);
  EXPECT_EQ(r.problem->expected, "no row");
  EXPECT_EQ(r.blocks_checked, kBlocks) << "every block itself is intact";
}

TEST_F(ChainCheckTest, ADeletedKeyToSubjectIndexRowIsFound) {
  Damage([&](rocksdb::DB& db, auto& cf) {
    ASSERT_TRUE(db.Delete(rocksdb::WriteOptions(), cf["state"], FirstRow(db, cf["state"], "k").first).ok());
  });
  const ChainCheckReport r = Check();
  ASSERT_TRUE(r.problem);
  EXPECT_NE(r.problem->what.find("state family: subject key index row (key -> subject)"), std::string::npos) << Describe(r);
  EXPECT_NE(r.problem->what.find("is missing"), std::string::npos) << Describe(r);
}

TEST_F(ChainCheckTest, AnExtraEmployerIndexRowIsFound) {
  Damage([&](rocksdb::DB& db, auto& cf) {
    auto [key, value] = FirstRow(db, cf["by_employer"]);
    key.back() = static_cast<char>(key.back() ^ 0x40);  // another tile (of 256 log indexes), same employer
    ASSERT_TRUE(db.Put(rocksdb::WriteOptions(), cf["by_employer"], key, value).ok());
  });
  const ChainCheckReport r = Check();
  ASSERT_TRUE(r.problem);
  EXPECT_NE(r.problem->what.find("by_employer family: employer index tile"), std::string::npos) << Describe(r);
  EXPECT_NE(r.problem->what.find("an extra row"), std::string::npos) << Describe(r);
  EXPECT_EQ(r.problem->expected, "no row");
}

TEST_F(ChainCheckTest, AnAlteredBlockHeaderIsFoundAtItsHeight) {
  constexpr std::size_t kStateRootOffset = 8 + 8 + 32 + 32 + 4;  // height, time, previous, tx root, tx count
  Damage([&](rocksdb::DB& db, auto& cf) { FlipByte(db, cf["blocks"], std::string(reinterpret_cast<const char*>(HeightKey(3).data()), 8), kStateRootOffset); });
  const ChainCheckReport r = Check();
  ASSERT_TRUE(r.problem);
  EXPECT_EQ(r.problem->height, 3u) << Describe(r);
  EXPECT_EQ(r.problem->what, "block 3: state_root differs from re-execution");
  EXPECT_NE(r.problem->expected, r.problem->found);
  EXPECT_EQ(r.problem->expected.size(), 64u);
  EXPECT_EQ(r.blocks_checked, 2u);
}

TEST_F(ChainCheckTest, AnAlteredTransactionIsFoundInItsBlock) {
  Damage([&](rocksdb::DB& db, auto& cf) {
    auto [key, value] = FirstRow(db, cf["txs"]);
    FlipByte(db, cf["txs"], key, 8 + 4 + 8 + 12);  // inside the body, after the location
  });
  const ChainCheckReport r = Check();
  ASSERT_TRUE(r.problem);
  EXPECT_GE(r.problem->height, 1u);
  EXPECT_NE(r.problem->what.find(": transaction "), std::string::npos) << Describe(r);
  EXPECT_EQ(r.problem->what.find("block " + std::to_string(r.problem->height) + ": "), 0u) << Describe(r);
}

TEST_F(ChainCheckTest, AWrongCertificateSignatureIsFound) {
  Damage([&](rocksdb::DB& db, auto& cf) {
    const std::string key(reinterpret_cast<const char*>(HeightKey(5).data()), 8);
    std::string value;
    ASSERT_TRUE(db.Get(rocksdb::ReadOptions(), cf["certs"], key, &value).ok());
    FlipByte(db, cf["certs"], key, value.size() - 1);  // the last signature's last byte
  });
  const ChainCheckReport r = Check();
  ASSERT_TRUE(r.problem);
  EXPECT_EQ(r.problem->height, 5u) << Describe(r);
  EXPECT_EQ(r.problem->what, "block 5: the certificate does not verify against the validator set in force");
  EXPECT_NE(r.problem->found.find("[certificate."), std::string::npos) << Describe(r);
  EXPECT_EQ(r.blocks_checked, 4u);
}

// After block 3 the set has two validators: a certificate the first one
// signed alone was enough before and is not any more.
TEST_F(ChainCheckTest, ACertificateOfTheOldValidatorSetIsRefusedAfterTheChange) {
  Damage([&](rocksdb::DB& db, auto& cf) {
    const std::string key(reinterpret_cast<const char*>(HeightKey(5).data()), 8);
    std::string value;
    ASSERT_TRUE(db.Get(rocksdb::ReadOptions(), cf["certs"], key, &value).ok());
    auto cert = DecodeCertificate(AsView(value));
    ASSERT_TRUE(cert.ok());
    ASSERT_EQ(cert->signatures.size(), 2u);
    auto alone = Certify(chain_.genesis.chain_id, 5, cert->block_hash, {&chain_.validator});
    ASSERT_TRUE(db.Put(rocksdb::WriteOptions(), cf["certs"], key, AsSlice(EncodeCertificate(alone))).ok());
  });
  const ChainCheckReport r = Check();
  ASSERT_TRUE(r.problem);
  EXPECT_EQ(r.problem->height, 5u) << Describe(r);
  EXPECT_NE(r.problem->what.find("certificate does not verify"), std::string::npos) << Describe(r);
  EXPECT_NE(r.problem->expected.find("2-validator set"), std::string::npos) << Describe(r);
}

TEST_F(ChainCheckTest, AnAlteredStateIndexPageIsFound) {
  // The setup's last pages still wait as changes rows (smt_page_backlog.h):
  // an open writes them, so the root page on disk is the tip's.
  ASSERT_TRUE(ChainStore::Open(dir(), chain_.genesis).ok());
  std::string page_key;
  Damage([&](rocksdb::DB& db, auto& cf) {
    page_key = FirstRow(db, cf["smt_pages"]).first;  // the root's page: depth 0, no path
    FlipByte(db, cf["smt_pages"], page_key, 5);
  });
  const ChainCheckReport r = Check();
  ASSERT_TRUE(r.problem);
  EXPECT_EQ(page_key, std::string(1, '\0'));
  EXPECT_EQ(r.problem->what, "smt_pages family: state index page (depth 0, path ) differs (first at byte 5)");
  EXPECT_EQ(r.problem->height, kBlocks) << "a state row is checked at the tip";
  EXPECT_NE(r.problem->expected, r.problem->found);
}

TEST_F(ChainCheckTest, AnAlteredSubjectRecordIsFound) {
  Damage([&](rocksdb::DB& db, auto& cf) { FlipByte(db, cf["state"], FirstRow(db, cf["state"], "S").first, 40); });
  const ChainCheckReport r = Check();
  ASSERT_TRUE(r.problem);
  EXPECT_NE(r.problem->what.find("state family: subject record "), std::string::npos) << Describe(r);
  EXPECT_NE(r.problem->what.find("differs (first at byte 40)"), std::string::npos) << Describe(r);
}

TEST_F(ChainCheckTest, TheReplayStoreMustBeNew) {
  auto stored = ChainStore::Open(dir(), chain_.genesis);
  ASSERT_TRUE(stored.ok());
  auto report = CheckChain(**stored, **stored);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().code, "check.replay_not_empty");
}

}  // namespace
}  // namespace jobcard
