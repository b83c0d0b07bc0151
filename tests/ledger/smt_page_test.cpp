// The state index kept in pages (ledger/smt_page.h): keys and slots, the
// encoding, and seeded random histories applied both to a content-addressed
// memory store and to page rows, which must give the same roots and proofs
// and exactly the pages of the latest tree.
#include "ledger/smt_page.h"
#include "ledger/smt_page_backlog.h"
#include "ledger/smt_page_cache.h"
#include "ledger/smt_page_update.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "tests/ledger/smt_test_support.h"

namespace jobcard::ledger {
namespace {

using smt_test::InterestingKey;
using smt_test::RandomBatch;
using smt_test::RandomHash;
using smt_test::Tree;

// Page rows in memory: what the chain store keeps in its `smt_pages` family.
class MemoryPageRows final : public SmtPageRows {
 public:
  Result<std::optional<Bytes>> GetPageRow(ByteView key) const override {
    const auto it = rows.find(Bytes(key.begin(), key.end()));
    if (it == rows.end()) return std::optional<Bytes>();
    return std::optional<Bytes>(it->second);
  }
  void Apply(const SmtPageWrites& writes) {
    for (const auto& [key, page] : writes) {
      if (page) {
        rows[key] = *page;
      } else {
        ASSERT_EQ(rows.erase(key), 1u) << "a page deleted that was not stored: " << ToHex(key);
      }
    }
  }
  std::map<Bytes, Bytes> rows;
};

// The store asks SmtApply for positions only (as the chain store does): they
// must be those of the full update, with the by-hash views left empty.
std::vector<std::tuple<std::size_t, Hash32, Hash32>> Placed(const SmtUpdate& u) {
  std::vector<std::tuple<std::size_t, Hash32, Hash32>> out;
  for (const auto& p : u.placed) out.emplace_back(p.at.depth, p.at.path, p.hash);
  return out;
}
std::vector<std::pair<std::size_t, Hash32>> Vacated(const SmtUpdate& u) {
  std::vector<std::pair<std::size_t, Hash32>> out;
  for (const auto& at : u.vacated) out.emplace_back(at.depth, at.path);
  return out;
}
void ExpectTheSamePositions(const SmtUpdate& positions_only, const Result<SmtUpdate>& full) {
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(positions_only.root, full->root);
  EXPECT_EQ(Placed(positions_only), Placed(*full));
  EXPECT_EQ(Vacated(positions_only), Vacated(*full));
  EXPECT_TRUE(positions_only.writes.empty());
  EXPECT_TRUE(positions_only.stale.empty());
}

// A tree kept in pages, updated the way the chain store updates it
// (SmtApplyToPages), read through a page-row cache when given one
// (smt_page_cache.h), which then remembers each batch's writes. Each batch
// is also computed the way before it, SmtApply's positions then
// SmtPageChanges, which must give the same root and the same rows.
struct PagedTree {
  MemoryPageRows rows;
  Hash32 root = kSmtEmptyRoot;
  SmtPageRowCache* cache = nullptr;

  void Apply(const SmtChanges& changes) {
    std::optional<CachedSmtPageRows> cached;
    if (cache) cached.emplace(rows, *cache);
    const SmtPageRows& read = cached ? static_cast<const SmtPageRows&>(*cached) : rows;
    PagedSmtNodeStore nodes(read);
    auto update = SmtApply(nodes, root, changes, SmtUpdateViews::kByPositionOnly);
    ASSERT_TRUE(update.ok()) << update.error().code << ": " << update.error().message;
    ExpectTheSamePositions(*update, SmtApply(nodes, root, changes));
    auto writes = SmtPageChanges(read, *update);
    ASSERT_TRUE(writes.ok()) << writes.error().message;
    auto on_pages = SmtApplyToPages(read, root, changes);
    ASSERT_TRUE(on_pages.ok()) << on_pages.error().code << ": " << on_pages.error().message;
    ASSERT_EQ(on_pages->root, update->root);
    ASSERT_EQ(on_pages->writes, *writes);
    EXPECT_EQ(on_pages->nodes_placed, update->placed.size());
    ASSERT_TRUE(std::is_sorted(on_pages->writes.begin(), on_pages->writes.end()));
    rows.Apply(on_pages->writes);
    if (cache) cache->Remember(on_pages->writes);
    root = on_pages->root;
  }
};

// The pages of `root`'s tree laid out from a content-addressed store: what
// the page rows must be, found without any page write.
std::map<Bytes, Bytes> ExpectedPages(const SmtNodeStore& nodes, const Hash32& root) {
  std::map<Bytes, Bytes> out;
  Status walked = ForEachSmtPage(nodes, root, [&](const Bytes& key, const SmtPage& page) {
    EXPECT_FALSE(page.empty());
    EXPECT_TRUE(out.emplace(key, EncodeSmtPage(page)).second) << "a page visited twice";
    return Status::Ok();
  });
  EXPECT_TRUE(walked.ok()) << walked.error().message;
  return out;
}

// Fifty random keys with random values, put into `paged`; the batch.
SmtChanges FiftyRandomKeys(std::mt19937_64& rng, PagedTree& paged) {
  SmtChanges batch;
  for (int i = 0; i < 50; ++i) batch.emplace_back(RandomHash(rng), RandomHash(rng));
  paged.Apply(batch);
  return batch;
}

SmtNodePosition At(std::size_t depth, const Hash32& path) { return SmtNodePosition{depth, path}; }

TEST(SmtPage, KeysAndSlots) {
  Hash32 path{};
  path[0] = 0b1011'0110;
  path[1] = 0b1100'0000;
  // The root's page: u8 0, no path byte.
  EXPECT_EQ(SmtPageKey(At(0, path)), Bytes{0});
  EXPECT_EQ(SmtPageSlot(At(0, path)), 0u);
  // Depths 1..3 share the root's page: slot 2^r - 1 + the r path bits.
  EXPECT_EQ(SmtPageKey(At(3, path)), Bytes{0});
  EXPECT_EQ(SmtPageSlot(At(1, path)), 1u + 1);
  EXPECT_EQ(SmtPageSlot(At(2, path)), 3u + 0b10);
  EXPECT_EQ(SmtPageSlot(At(3, path)), 7u + 0b101);
  // Depth 4 starts page 1, keyed by the first 4 bits, the rest zero.
  EXPECT_EQ(SmtPageKey(At(4, path)), (Bytes{1, 0b1011'0000}));
  EXPECT_EQ(SmtPageSlot(At(4, path)), 0u);
  EXPECT_EQ(SmtPageSlot(At(7, path)), 7u + 0b011);
  EXPECT_EQ(SmtPageKey(At(9, path)), (Bytes{2, 0b1011'0110}));
  EXPECT_EQ(SmtPageKey(At(12, path)), (Bytes{3, 0b1011'0110, 0b1100'0000}));
  EXPECT_EQ(SmtPageSlot(At(10, path)), 3u + 0b11);  // bits 8 and 9 of path[1]
  // The deepest leaf (depth 256) has a page of its own: u8 64 and the whole path.
  const Bytes deepest = SmtPageKey(At(256, path));
  ASSERT_EQ(deepest.size(), 33u);
  EXPECT_EQ(deepest[0], 64);
  EXPECT_TRUE(std::equal(path.begin(), path.end(), deepest.begin() + 1));
  EXPECT_EQ(SmtPageSlot(At(256, path)), 0u);
}

TEST(SmtPage, EncodingRoundTripsAndRejectsMalformedRows) {
  SmtPage page;
  page.slots[0] = SmtInternal{Hash32{1}, Hash32{2}};
  page.slots[14] = SmtLeaf{Hash32{3}, Hash32{4}};
  const Bytes bytes = EncodeSmtPage(page);
  ASSERT_EQ(bytes.size(), 2u + 2 * 65);
  // spec/storage.md: the u16 bitmap (slots 0 and 14), then each node in
  // slot order: u8 kind (1 internal, 0 leaf) and its two 32-byte fields.
  auto field = [](std::uint8_t first) {
    Bytes out(32, 0);
    out[0] = first;
    return out;
  };
  Bytes expected{0x40, 0x01, 0x01};
  for (const Bytes& part : {field(1), field(2), Bytes{0x00}, field(3), field(4)}) {
    expected.insert(expected.end(), part.begin(), part.end());
  }
  EXPECT_EQ(bytes, expected);
  auto decoded = DecodeSmtPage(bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(*decoded, page);

  auto code = [](Bytes b) {
    auto r = DecodeSmtPage(b);
    return r.ok() ? std::string("ok") : r.error().code;
  };
  EXPECT_EQ(code(Bytes{0, 0}), "smt.bad_page");  // no node
  Bytes slot15 = bytes;
  slot15[0] = static_cast<std::uint8_t>(slot15[0] | 0x80);
  EXPECT_EQ(code(slot15), "smt.bad_page");
  EXPECT_EQ(code(Bytes(bytes.begin(), bytes.end() - 1)), "encoding.truncated");
  Bytes trailing = bytes;
  trailing.push_back(0);
  EXPECT_EQ(code(trailing), "encoding.trailing_bytes");
  Bytes bad_kind = bytes;
  bad_kind[2] = 7;
  EXPECT_EQ(code(bad_kind), "smt.bad_node");
  EXPECT_EQ(code(Bytes{1}), "encoding.truncated");
}

// Decoding into a page that held other nodes (as a block's workspace reuses
// none, but a caller may): the slots the row does not name are cleared.
TEST(SmtPage, DecodingIntoAPageReplacesEverySlot) {
  SmtPage row_page;
  row_page.slots[1] = SmtLeaf{Hash32{5}, Hash32{6}};
  SmtPage full;
  for (auto& slot : full.slots) slot = SmtInternal{Hash32{1}, Hash32{2}};
  ASSERT_TRUE(DecodeSmtPageInto(EncodeSmtPage(row_page), full).ok());
  EXPECT_EQ(full, row_page);
  SmtPage untouched = row_page;
  EXPECT_EQ(DecodeSmtPageInto(Bytes{0, 0}, untouched).error().code, "smt.bad_page");
}

// 60 seeds of random inserts, updates and deletes (including keys sharing
// up to 255 bits, so pages down to depth 256): the paged tree has the
// content-addressed tree's root after every batch, the same proofs, and
// its rows are exactly the pages of the latest tree (none left behind).
// Seeds 1-40 read the rows directly; 41-60 through a page-row cache, large
// (every row stays) for odd seeds and small (rows are evicted) for even ones.
TEST(SmtPage, RandomHistoriesMatchTheNodeStore) {
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed);
    Tree tree;
    tree.prune = true;
    PagedTree paged;
    SmtPageRowCache cache(seed % 2 == 1 ? (1u << 20) : 4096);
    if (seed > 40) paged.cache = &cache;
    for (std::size_t batches = 0; batches < 40; ++batches) {
      const SmtChanges batch = RandomBatch(rng, tree.model, seed % 3 == 0 ? 1 : 16);
      tree.Apply(batch);
      paged.Apply(batch);
      ASSERT_FALSE(::testing::Test::HasFatalFailure());
      ASSERT_EQ(ToHex(paged.root), ToHex(tree.root));
      if (batches % 8 != 7) continue;
      ASSERT_EQ(paged.rows.rows, ExpectedPages(tree.store, tree.root));
      std::optional<CachedSmtPageRows> cached;
      if (paged.cache) cached.emplace(paged.rows, *paged.cache);
      PagedSmtNodeStore nodes(cached ? static_cast<const SmtPageRows&>(*cached) : paged.rows);
      for (int i = 0; i < 8; ++i) {
        const Hash32 key = InterestingKey(rng, tree.model);
        auto expected = SmtProve(tree.store, tree.root, key);
        auto got = SmtProve(nodes, paged.root, key);
        ASSERT_TRUE(expected.ok() && got.ok()) << (got.ok() ? "" : got.error().message);
        EXPECT_EQ(*got, *expected);
      }
    }
    // Emptied, the tree leaves no row behind.
    SmtChanges erase_all;
    for (const auto& [key, value] : tree.model) erase_all.emplace_back(key, std::nullopt);
    paged.Apply(erase_all);
    EXPECT_EQ(paged.root, kSmtEmptyRoot);
    EXPECT_TRUE(paged.rows.rows.empty());
  }
}

// The store's way (smt_page_backlog.h): each batch's page rows wait in a
// backlog that later batches read through (decoding its rows in place,
// BackloggedSmtPageRows::ReadPageInto), and are written back every few
// batches. 20 seeds: the root is the content-addressed tree's after every
// batch, proofs read through the backlog match, and after each write-back
// the rows are exactly the pages of the latest tree.
TEST(SmtPage, UpdatesReadThroughABacklogMatchTheNodeStore) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed);
    Tree tree;
    tree.prune = true;
    MemoryPageRows rows;
    SmtPageBacklog backlog;
    const BackloggedSmtPageRows read(backlog, rows);
    Hash32 root = kSmtEmptyRoot;
    const std::size_t write_back_every = 1 + seed % 5;
    for (std::size_t batches = 1; batches <= 40; ++batches) {
      const SmtChanges batch = RandomBatch(rng, tree.model, seed % 3 == 0 ? 1 : 16);
      tree.Apply(batch);
      auto update = SmtApplyToPages(read, root, batch);
      ASSERT_TRUE(update.ok()) << update.error().code << ": " << update.error().message;
      ASSERT_EQ(ToHex(update->root), ToHex(tree.root));
      root = update->root;
      backlog.Merge(update->writes);
      PagedSmtNodeStore nodes(read);
      const Hash32 key = InterestingKey(rng, tree.model);
      auto expected = SmtProve(tree.store, tree.root, key);
      auto got = SmtProve(nodes, root, key);
      ASSERT_TRUE(expected.ok() && got.ok()) << (got.ok() ? "" : got.error().message);
      EXPECT_EQ(*got, *expected);
      if (batches % write_back_every != 0) continue;
      // A page made and emptied again between two write-backs was never
      // written: its deletion finds no row, which a store's Delete allows.
      backlog.ForEach([&](const SmtPageRowKey& k, const std::optional<Bytes>& row) {
        const ByteView bytes = SmtPageKeyBytes(k);
        if (row) {
          rows.rows[Bytes(bytes.begin(), bytes.end())] = *row;
        } else {
          rows.rows.erase(Bytes(bytes.begin(), bytes.end()));
        }
      });
      backlog.Clear();
      ASSERT_EQ(rows.rows, ExpectedPages(tree.store, tree.root));
    }
  }
}

// A leaf moves up a level when its sibling goes, and down when a key joins
// it: by hash nothing changes for it, by position it must be moved. With
// keys 0x00.., 0x10.. (differing at bit 3) and 0x18.. (bit 4), the third
// key's arrival and departure move 0x10.. across the page boundary at depth 4.
TEST(SmtPage, LeavesThatMoveAcrossAPageBoundaryAreMoved) {
  Tree tree;
  tree.prune = true;
  PagedTree paged;
  Hash32 a{}, b{}, c{};
  b[0] = 0x10;
  c[0] = 0x18;
  const Hash32 v = smt_test::HashOf("value");
  for (const SmtChanges& batch : {SmtChanges{{a, v}, {b, v}}, SmtChanges{{c, v}}, SmtChanges{{c, std::nullopt}},
                                  SmtChanges{{a, std::nullopt}}}) {
    tree.Apply(batch);
    paged.Apply(batch);
    ASSERT_EQ(paged.root, tree.root);
    EXPECT_EQ(paged.rows.rows, ExpectedPages(tree.store, tree.root));
  }
  // Only b is left: the root is its leaf, alone in the root's page.
  ASSERT_EQ(paged.rows.rows.size(), 1u);
  EXPECT_EQ(paged.rows.rows.begin()->first, Bytes{0});
}

// Rows are found by position: a node that is there but hashes to something
// else than its parent names is refused (smt.node_mismatch), an empty slot
// or page is smt.missing_node.
TEST(SmtPage, ANodeThatDoesNotHashToWhatItsParentNamesIsRefused) {
  std::mt19937_64 rng(7);
  PagedTree paged;
  const SmtChanges batch = FiftyRandomKeys(rng, paged);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  const Hash32 key = batch.front().first;
  {
    PagedSmtNodeStore nodes(paged.rows);
    ASSERT_TRUE(SmtProve(nodes, paged.root, key).ok());
  }
  // Swap the values of two leaves somewhere below the root's page.
  auto& [page_key, page_bytes] = *paged.rows.rows.rbegin();
  auto page = DecodeSmtPage(page_bytes);
  ASSERT_TRUE(page.ok());
  for (auto& slot : page->slots) {
    if (slot && std::holds_alternative<SmtLeaf>(*slot)) {
      auto& byte = std::get<SmtLeaf>(*slot).value_hash[0];
      byte = static_cast<std::uint8_t>(byte ^ 1u);
    }
  }
  page_bytes = EncodeSmtPage(*page);
  MemoryPageRows& rows = paged.rows;
  std::size_t mismatches = 0;
  for (const auto& [k, v] : batch) {
    PagedSmtNodeStore nodes(rows);
    auto proof = SmtProve(nodes, paged.root, k);
    if (!proof.ok()) {
      EXPECT_EQ(proof.error().code, "smt.node_mismatch");
      ++mismatches;
    } else {
      EXPECT_TRUE(VerifySmtProof(paged.root, k, v, *proof).ok());
    }
  }
  EXPECT_GT(mismatches, 0u);
  // Every row gone: the root's node is missing.
  rows.rows.clear();
  PagedSmtNodeStore nodes(rows);
  auto proof = SmtProve(nodes, paged.root, key);
  ASSERT_FALSE(proof.ok());
  EXPECT_EQ(proof.error().code, "smt.missing_node");
}

// SmtApplyToPages refuses, with these codes, a node that does not hash to
// what its parent names, a missing page, a row that does not decode, a
// failed read (of a page the walk reads, and of a page only a place lands
// on), and two changes for one key.
class FailingPageRows final : public SmtPageRows {
 public:
  Result<std::optional<Bytes>> GetPageRow(ByteView) const override { return MakeError("store.io", "disk on fire"); }
};

// Rows from `rows`, and a failed read wherever `rows` has none.
class MissingRowsFail final : public SmtPageRows {
 public:
  explicit MissingRowsFail(const SmtPageRows& rows) : rows_(rows) {}
  Result<std::optional<Bytes>> GetPageRow(ByteView key) const override {
    auto row = rows_.GetPageRow(key);
    if (row.ok() && !row->has_value()) return MakeError("store.io", "no row, and the read fails");
    return row;
  }

 private:
  const SmtPageRows& rows_;
};

TEST(SmtPage, UpdatesOnPagesRefuseWhatTheWalkRefuses) {
  std::mt19937_64 rng(11);
  PagedTree paged;
  const SmtChanges batch = FiftyRandomKeys(rng, paged);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  const SmtChanges one{{batch.front().first, RandomHash(rng)}};
  auto code = [&](const SmtPageRows& rows, const SmtChanges& changes) {
    auto r = SmtApplyToPages(rows, paged.root, changes);
    return r.ok() ? std::string("ok") : r.error().code;
  };
  EXPECT_EQ(code(paged.rows, one), "ok");
  EXPECT_EQ(code(paged.rows, SmtChanges{one[0], one[0]}), "smt.duplicate_key");
  EXPECT_EQ(code(FailingPageRows(), one), "store.io");

  // The root's page altered in a node the walk reads: a mismatch.
  const Bytes root_key{0};
  MemoryPageRows altered = paged.rows;
  const auto altered_root = altered.rows.find(root_key);
  ASSERT_NE(altered_root, altered.rows.end());
  auto root_page = DecodeSmtPage(altered_root->second);
  ASSERT_TRUE(root_page.ok());
  ASSERT_TRUE(root_page->slots[0].has_value());
  auto& internal = std::get<SmtInternal>(*root_page->slots[0]);
  internal.left[0] = static_cast<std::uint8_t>(internal.left[0] ^ 1u);
  altered_root->second = EncodeSmtPage(*root_page);
  EXPECT_EQ(code(altered, one), "smt.node_mismatch");

  // A row that does not decode names its page.
  MemoryPageRows truncated = paged.rows;
  truncated.rows.find(root_key)->second.pop_back();
  auto bad = SmtApplyToPages(truncated, paged.root, one);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "encoding.truncated");
  EXPECT_NE(bad.error().message.find("state index page 00"), std::string::npos) << bad.error().message;

  // A read that fails only for a page not yet stored, which only a place
  // reaches: a key sharing 30 bits with a stored one puts new nodes down to
  // depth 31, in pages the walk never reads.
  Hash32 neighbour = batch.front().first;
  neighbour[3] = static_cast<std::uint8_t>(neighbour[3] ^ 0x02);  // bit 30
  const SmtChanges deep{{neighbour, RandomHash(rng)}};
  EXPECT_EQ(code(paged.rows, deep), "ok");
  EXPECT_EQ(code(MissingRowsFail(paged.rows), deep), "store.io");

  // No rows at all: the root's node is missing.
  EXPECT_EQ(code(MemoryPageRows(), one), "smt.missing_node");
}

// The walk's order, on which SmtApplyToPages's editing in place rests
// (sparse_merkle.h, SmtPositionSink), checked call by call: a position is
// vacated only after it was read and only once, never after it was placed;
// it is placed once, and only where the old tree had no node or its node was
// vacated; and it is never read after it was vacated or placed.
class WalkOrderChecker final : public SmtNodeStore, public SmtPositionSink {
 public:
  WalkOrderChecker(const SmtNodeStore& nodes, const SmtPageRows& old_rows) : nodes_(nodes), old_rows_(old_rows) {}

  Result<SmtNode> GetNode(const Hash32& hash, const SmtNodePosition& at) const override {
    const auto position = Name(at);
    EXPECT_FALSE(vacated_.count(position) || placed_.count(position)) << "read after an edit: " << Show(at);
    read_.insert(position);
    return nodes_.GetNode(hash, at);
  }
  void Vacate(const SmtNodePosition& at) override {
    const auto position = Name(at);
    EXPECT_TRUE(read_.count(position)) << "vacated unread: " << Show(at);
    EXPECT_FALSE(placed_.count(position)) << "vacated after a place: " << Show(at);
    EXPECT_TRUE(vacated_.insert(position).second) << "vacated twice: " << Show(at);
  }
  void Place(const SmtNodePosition& at, const Hash32& hash, const SmtNode& node) override {
    const auto position = Name(at);
    EXPECT_EQ(SmtNodeHash(node), hash);
    EXPECT_TRUE(vacated_.count(position) || !OccupiedBefore(at)) << "placed over a node still there: " << Show(at);
    EXPECT_TRUE(placed_.insert(position).second) << "placed twice: " << Show(at);
  }
  std::size_t places() const { return placed_.size(); }

 private:
  // A position, named by its page and slot (a path's bits past the depth vary).
  using Position = std::pair<Bytes, std::size_t>;
  static Position Name(const SmtNodePosition& at) { return {SmtPageKey(at), SmtPageSlot(at)}; }
  static std::string Show(const SmtNodePosition& at) {
    return "depth " + std::to_string(at.depth) + ", page " + ToHex(SmtPageKey(at)) + ", slot " + std::to_string(SmtPageSlot(at));
  }
  bool OccupiedBefore(const SmtNodePosition& at) const {
    auto page = ReadSmtPage(old_rows_, SmtPageKey(at));
    EXPECT_TRUE(page.ok());
    return page.ok() && page->has_value() && (**page).slots[SmtPageSlot(at)].has_value();
  }

  const SmtNodeStore& nodes_;
  const SmtPageRows& old_rows_;
  mutable std::set<Position> read_;
  std::set<Position> vacated_, placed_;
};

TEST(SmtPage, TheWalkVacatesBeforeItPlacesAndNeverReadsWhatItEdited) {
  std::size_t places = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed);
    Tree tree;
    PagedTree paged;
    for (std::size_t batches = 0; batches < 30; ++batches) {
      const SmtChanges batch = RandomBatch(rng, tree.model, seed % 2 == 0 ? 1 : 24);
      {
        PagedSmtNodeStore nodes(paged.rows);
        WalkOrderChecker checker(nodes, paged.rows);
        auto root = SmtApplyByPosition(checker, paged.root, batch, checker);
        ASSERT_TRUE(root.ok()) << root.error().message;
        places += checker.places();
      }
      tree.Apply(batch);
      paged.Apply(batch);
      ASSERT_FALSE(::testing::Test::HasFailure());
      ASSERT_EQ(paged.root, tree.root);
    }
  }
  EXPECT_GT(places, 1000u);  // the checks above ran on real work
}

}  // namespace
}  // namespace jobcard::ledger
