// The node's access-receipt book: receipts survive a restart, a line torn by
// a crash in the middle of an append is cut (and later appends stay whole),
// a corrupt line elsewhere is refused, a file larger than the book can hold
// is refused before it is read, and receipts are listed per bundle.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "crypto/hash.h"
#include "node/receipt_book.h"
#include "tests/support/fixtures.h"
#include "tests/support/temp_dir.h"

namespace jobcard::node {
namespace {

ledger::AccessReceipt Receipt(const std::string& bundle, std::uint64_t time) {
  ledger::AccessReceipt r;
  r.bundle_hash = crypto::Sha256(AsBytes(bundle));
  r.time = time;
  r.purpose = "選考 " + std::to_string(time);
  r.valid = time % 2 == 0;
  ledger::SignReceipt(r, "jobcard-test", testing::KeyFromByte(0x50));
  return r;
}

TEST(ReceiptBook, ReceiptsSurviveARestartAndAreListedPerBundle) {
  testing::TempDir dir;
  const auto file = dir.path() / "receipts.jsonl";
  {
    auto book = ReceiptBook::Open(file);
    ASSERT_TRUE(book.ok()) << book.error().message;
    ASSERT_TRUE((*book)->Add(Receipt("a", 1)).ok());
    ASSERT_TRUE((*book)->Add(Receipt("b", 2)).ok());
    ASSERT_TRUE((*book)->Add(Receipt("a", 3)).ok());
  }
  auto book = ReceiptBook::Open(file);
  ASSERT_TRUE(book.ok());
  EXPECT_EQ((*book)->size(), 3u);
  const auto a = (*book)->ForBundle(crypto::Sha256(AsBytes("a")));
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0], Receipt("a", 1));
  EXPECT_EQ(a[1], Receipt("a", 3));
  EXPECT_TRUE((*book)->ForBundle(crypto::Sha256(AsBytes("c"))).empty());
}

TEST(ReceiptBook, ATornLastLineIsCutAndAppendsStayWhole) {
  testing::TempDir dir;
  const auto file = dir.path() / "receipts.jsonl";
  {
    auto book = ReceiptBook::Open(file);
    ASSERT_TRUE(book.ok());
    ASSERT_TRUE((*book)->Add(Receipt("a", 1)).ok());
  }
  std::ofstream(file, std::ios::app) << "{\"bundle_hash\": \"00";  // a crash mid-append
  {
    auto book = ReceiptBook::Open(file);
    ASSERT_TRUE(book.ok()) << book.error().message;
    EXPECT_EQ((*book)->size(), 1u);
    ASSERT_TRUE((*book)->Add(Receipt("a", 2)).ok());
  }
  auto book = ReceiptBook::Open(file);
  ASSERT_TRUE(book.ok()) << book.error().message;
  EXPECT_EQ((*book)->size(), 2u);
}

TEST(ReceiptBook, ACorruptLineIsRefused) {
  testing::TempDir dir;
  const auto file = dir.path() / "receipts.jsonl";
  std::ofstream(file) << "not json\n" << ledger::ReceiptToJson(Receipt("a", 1)).dump() << "\n";
  auto book = ReceiptBook::Open(file);
  ASSERT_FALSE(book.ok());
  EXPECT_EQ(book.error().code, "receipts.corrupt");
}

TEST(ReceiptBook, AFileLargerThanTheBookHoldsIsRefusedUnread) {
  testing::TempDir dir;
  const auto file = dir.path() / "receipts.jsonl";
  const std::uintmax_t bound = std::uintmax_t{kMaxReceipts} * (ledger::kMaxReceiptJsonBytes + 1);
  std::ofstream(file).close();
  std::filesystem::resize_file(file, bound + 1);  // sparse: no disk, and no newline to cut back to
  auto book = ReceiptBook::Open(file);
  ASSERT_FALSE(book.ok());
  EXPECT_EQ(book.error().code, "receipts.too_large");
  EXPECT_EQ(std::filesystem::file_size(file), bound + 1) << "left as it was, for an operator to look at";
}

TEST(Receipt, SignatureAndStrictJson) {
  const ledger::AccessReceipt r = Receipt("a", 7);
  EXPECT_TRUE(ledger::VerifyReceiptSignature(r, "jobcard-test").ok());
  EXPECT_FALSE(ledger::VerifyReceiptSignature(r, "another-chain").ok());
  ledger::AccessReceipt altered = r;
  altered.valid = !altered.valid;
  EXPECT_EQ(ledger::VerifyReceiptSignature(altered, "jobcard-test").error().code, "receipt.bad_signature");
  auto parsed = ledger::ReceiptFromJson(ledger::ReceiptToJson(r));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, r);
  nlohmann::json j = ledger::ReceiptToJson(r);
  j["extra"] = 1;
  EXPECT_FALSE(ledger::ReceiptFromJson(j).ok());
  j = ledger::ReceiptToJson(r);
  j["purpose"] = "line\x01";
  EXPECT_EQ(ledger::ReceiptFromJson(j).error().code, "receipt.bad_purpose");
  j["purpose"] = std::string(300, 'x');
  EXPECT_FALSE(ledger::ReceiptFromJson(j).ok());
}

}  // namespace
}  // namespace jobcard::node
