#include "node/receipt_book.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "ledger/json_fields.h"

namespace jobcard::node {

namespace {

Error Io(const std::string& what) { return MakeError("receipts.io", what + ": " + std::strerror(errno)); }

}  // namespace

Result<std::unique_ptr<ReceiptBook>> ReceiptBook::Open(const std::filesystem::path& file) {
  std::multimap<Hash32, ledger::AccessReceipt> loaded;
  // Bounded before anything is read: no more lines than the book holds, each
  // no longer than a receipt may be.
  constexpr std::uintmax_t kMaxFileBytes = std::uintmax_t{kMaxReceipts} * (ledger::kMaxReceiptJsonBytes + 1);
  std::error_code size_error;
  if (const std::uintmax_t bytes = std::filesystem::file_size(file, size_error); !size_error && bytes > kMaxFileBytes) {
    return MakeError("receipts.too_large", file.string() + " is larger than " + std::to_string(kMaxFileBytes) +
                                               " bytes: more than a receipt book holds");
  }
  std::string text;
  {
    std::ifstream in(file, std::ios::binary);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  // Only whole lines count: a crash in the middle of an append leaves a
  // last line without its newline, which is cut off so appends stay aligned.
  const std::size_t whole = text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1;
  if (whole != text.size()) {
    std::error_code ec;
    std::filesystem::resize_file(file, whole, ec);
    if (ec) return MakeError("receipts.io", "cannot cut a torn receipt from " + file.string() + ": " + ec.message());
  }
  std::size_t line_number = 0;
  for (std::size_t at = 0; at < whole;) {
    const std::size_t next = text.find('\n', at);
    if (++line_number > kMaxReceipts) {
      return MakeError("receipts.too_large", file.string() + " holds more than " + std::to_string(kMaxReceipts) + " receipts");
    }
    auto json = ledger::ParseJson(std::string_view(text).substr(at, next - at), ledger::kMaxReceiptJsonBytes);
    auto receipt = json.ok() ? ledger::ReceiptFromJson(*json) : Result<ledger::AccessReceipt>(json.error());
    if (!receipt.ok()) {
      return MakeError("receipts.corrupt", file.string() + " line " + std::to_string(line_number) + ": " + receipt.error().message);
    }
    loaded.emplace(receipt->bundle_hash, std::move(*receipt));
    at = next + 1;
  }
  const int fd = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Io("cannot open " + file.string());
  return std::unique_ptr<ReceiptBook>(new ReceiptBook(fd, std::move(loaded)));
}

ReceiptBook::ReceiptBook(int fd, std::multimap<Hash32, ledger::AccessReceipt> loaded)
    : fd_(fd), by_bundle_(std::move(loaded)) {}

ReceiptBook::~ReceiptBook() { ::close(fd_); }

Status ReceiptBook::Add(const ledger::AccessReceipt& receipt) {
  std::lock_guard lock(mutex_);
  if (by_bundle_.size() >= kMaxReceipts || by_bundle_.count(receipt.bundle_hash) >= kMaxReceiptsPerBundle) {
    return MakeError("receipts.full", "this node keeps no more receipts");
  }
  const std::string line = ledger::ReceiptToJson(receipt).dump() + "\n";
  const off_t before = ::lseek(fd_, 0, SEEK_END);
  std::size_t written = 0;
  while (written < line.size()) {
    const ssize_t n = ::write(fd_, line.data() + written, line.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      Error e = Io("cannot append a receipt");
      // Cut what was written so later appends start on a line of their own.
      if (before >= 0 && ::ftruncate(fd_, before) != 0) return Io("cannot cut a torn receipt");
      return e;
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd_) != 0) return Io("cannot sync the receipts file");
  by_bundle_.emplace(receipt.bundle_hash, receipt);
  return Status::Ok();
}

std::vector<ledger::AccessReceipt> ReceiptBook::ForBundle(const Hash32& bundle_hash) const {
  std::lock_guard lock(mutex_);
  std::vector<ledger::AccessReceipt> out;
  auto [begin, end] = by_bundle_.equal_range(bundle_hash);
  for (auto it = begin; it != end; ++it) out.push_back(it->second);
  return out;
}

std::size_t ReceiptBook::size() const {
  std::lock_guard lock(mutex_);
  return by_bundle_.size();
}

}  // namespace jobcard::node
