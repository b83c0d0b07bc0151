#include "ledger/smt_page_update.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ledger/byte_bounded_cache.h"

namespace jobcard::ledger {
namespace {

constexpr std::size_t kPageLevels = kSmtDepth / kSmtPageLevels + 1;  // 0..64

// The page key of the page holding `at`, packed (PackSmtPageKey's form)
// without making SmtPageKey's bytes first: the walk asks for one on every
// node it reads or places.
SmtPageRowKey PackedPageKeyOf(const SmtNodePosition& at) {
  const std::size_t level = at.depth / kSmtPageLevels;
  const std::size_t bits = level * kSmtPageLevels;
  SmtPageRowKey key{};
  key[0] = static_cast<std::uint8_t>(level);
  const std::size_t whole = bits / 8;
  std::memcpy(key.data() + 1, at.path.data(), whole);
  if (bits % 8 != 0) key[1 + whole] = static_cast<std::uint8_t>(at.path[whole] & (0xFFu << (8 - bits % 8)));
  return key;
}

// The pages one update touches, decoded once from `rows` and edited in
// place: the walk's node store and its position sink at once. One object
// per update; not thread-safe.
class PageWorkspace final : public SmtNodeStore, public SmtPositionSink {
 public:
  explicit PageWorkspace(const SmtPageRows& rows) : rows_(rows) {}

  Result<SmtNode> GetNode(const Hash32& hash, const SmtNodePosition& at) const override {
    ++nodes_read_;
    const SmtPageRowKey key = PackedPageKeyOf(at);
    auto page = PageAt(key);
    if (!page.ok()) return page.error();
    return CheckedSmtPageNode(&(*page)->page, SmtPageKeyBytes(key), SmtPageSlot(at), hash);
  }

  // The walk vacates a position right after reading it, so its page is
  // already here; PageAt would read it otherwise.
  void Vacate(const SmtNodePosition& at) override { Edit(at, nullptr); }

  void Place(const SmtNodePosition& at, const Hash32&, const SmtNode& node) override {
    ++nodes_placed_;
    Edit(at, &node);
  }

  // The first error an edit met (a page that could not be read), which
  // makes the whole update fail.
  const std::optional<Error>& edit_error() const { return edit_error_; }
  std::uint64_t nodes_read() const { return nodes_read_; }
  std::uint64_t nodes_placed() const { return nodes_placed_; }

  // Every edited page's row, sorted by key. The packed keys order as the
  // keys do: the level byte first, and keys of one level have one length.
  SmtPageWrites Writes() const {
    std::vector<std::pair<SmtPageRowKey, const WorkPage*>> edited;
    for (const auto& [key, page] : index_) {
      if (page->edited) edited.emplace_back(key, page);
    }
    std::sort(edited.begin(), edited.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    SmtPageWrites writes;
    writes.reserve(edited.size());
    for (const auto& [key, work] : edited) {
      const ByteView bytes = SmtPageKeyBytes(key);
      writes.emplace_back(Bytes(bytes.begin(), bytes.end()),
                          work->page.empty() ? std::nullopt : std::optional<Bytes>(EncodeSmtPage(work->page)));
    }
    return writes;
  }

 private:
  struct WorkPage {
    SmtPage page;  // as stored (empty when there is no row), then edited
    bool edited = false;
  };

  void Edit(const SmtNodePosition& at, const SmtNode* node) {
    auto page = PageAt(PackedPageKeyOf(at));
    if (!page.ok()) {
      if (!edit_error_) edit_error_ = page.error();
      return;
    }
    auto& slot = (*page)->page.slots[SmtPageSlot(at)];
    if (node == nullptr) {
      slot.reset();
    } else {
      slot = *node;
    }
    (*page)->edited = true;
  }

  // The page `key` names, read and decoded on first use. The last page used
  // at each level is remembered, since the walk reads and edits a page's
  // nodes one after another.
  Result<WorkPage*> PageAt(const SmtPageRowKey& key) const {
    auto& last = last_[key[0]];
    if (last.second != nullptr && last.first == key) return last.second;
    WorkPage* page = nullptr;
    if (const auto it = index_.find(key); it != index_.end()) {
      page = it->second;
    } else {
      // Read straight into the arena's page (empty when there is no row).
      page = NewPage();
      auto found = rows_.ReadPageInto(SmtPageKeyBytes(key), page->page);
      if (!found.ok()) return found.error();
      index_.emplace(key, page);
    }
    last = {key, page};
    return page;
  }

  // A page from the arena: chunks of pages that never move, so the index
  // and `last_` can point at them (a deque of ~1 KB pages would allocate
  // each on its own).
  WorkPage* NewPage() const {
    if (chunks_.empty() || used_in_last_chunk_ == kChunkPages) {
      chunks_.push_back(std::make_unique<std::array<WorkPage, kChunkPages>>());
      used_in_last_chunk_ = 0;
    }
    return &(*chunks_.back())[used_in_last_chunk_++];
  }

  static constexpr std::size_t kChunkPages = 64;
  const SmtPageRows& rows_;
  mutable std::vector<std::unique_ptr<std::array<WorkPage, kChunkPages>>> chunks_;
  mutable std::size_t used_in_last_chunk_ = 0;
  mutable std::unordered_map<SmtPageRowKey, WorkPage*, KeyBytesHash<SmtPageRowKey>> index_;
  mutable std::array<std::pair<SmtPageRowKey, WorkPage*>, kPageLevels> last_{};
  mutable std::uint64_t nodes_read_ = 0;
  std::uint64_t nodes_placed_ = 0;
  std::optional<Error> edit_error_;
};

}  // namespace

Result<SmtPageUpdate> SmtApplyToPages(const SmtPageRows& rows, const Hash32& old_root, const SmtChanges& changes) {
  PageWorkspace pages(rows);
  auto root = SmtApplyByPosition(pages, old_root, changes, pages);
  if (!root.ok()) return root.error();
  if (pages.edit_error()) return *pages.edit_error();
  return SmtPageUpdate{*root, pages.Writes(), pages.nodes_read(), pages.nodes_placed()};
}

}  // namespace jobcard::ledger
