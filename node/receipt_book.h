// The node's access receipts (spec/bundle.md §8): node-local, never on the
// ledger. An append-only file of one JSON receipt per line, synced after each
// append and read back whole at start (a torn last line, from a crash in the
// middle of an append, is dropped). Receipts are indexed by bundle hash: the
// worker who made a bundle asks for its receipts by that hash.
//
// Thread-safe: the API threads add and read concurrently.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "ledger/receipt.h"

namespace jobcard::node {

inline constexpr std::size_t kMaxReceipts = 100000;
inline constexpr std::size_t kMaxReceiptsPerBundle = 1000;

class ReceiptBook {
 public:
  // Errors: receipts.io, receipts.corrupt (a line other than the last does not parse),
  // receipts.too_large (longer than kMaxReceipts lines of kMaxReceiptJsonBytes: refused unread).
  static Result<std::unique_ptr<ReceiptBook>> Open(const std::filesystem::path& file);
  ~ReceiptBook();

  // Appends durably. Errors: receipts.full, receipts.io.
  Status Add(const ledger::AccessReceipt& receipt);
  std::vector<ledger::AccessReceipt> ForBundle(const Hash32& bundle_hash) const;
  std::size_t size() const;

 private:
  ReceiptBook(int fd, std::multimap<Hash32, ledger::AccessReceipt> loaded);
  int fd_;
  mutable std::mutex mutex_;
  std::multimap<Hash32, ledger::AccessReceipt> by_bundle_;
};

}  // namespace jobcard::node
