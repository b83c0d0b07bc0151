#include "ledger/encoding.h"

#include <gtest/gtest.h>

namespace jobcard::ledger {
namespace {

TEST(Encoding, IntegersAreBigEndianFixedWidth) {
  Writer w;
  w.U8(1).U16(0x0203).U32(0x04050607).U64(0x08090a0b0c0d0e0f);
  EXPECT_EQ(ToHex(w.bytes()), "0102030405060708090a0b0c0d0e0f");
  Reader r(w.bytes());
  std::uint8_t a;
  std::uint16_t b;
  std::uint32_t c;
  std::uint64_t d;
  EXPECT_TRUE(r.U8(a) && r.U16(b) && r.U32(c) && r.U64(d));
  EXPECT_TRUE(r.Finish().ok());
  EXPECT_EQ(d, 0x08090a0b0c0d0e0fu);
}

TEST(Encoding, TrailingBytesRejected) {
  Bytes in = {0, 1, 2};
  Reader r(in);
  std::uint16_t v;
  ASSERT_TRUE(r.U16(v));
  EXPECT_EQ(r.Finish().error().code, "encoding.trailing_bytes");
}

TEST(Encoding, TruncationRejectedAtEveryLength) {
  Writer w;
  w.U32(7).Text("hello").U64(1);
  const Bytes& full = w.bytes();
  for (std::size_t len = 0; len < full.size(); ++len) {
    Reader r(ByteView(full.data(), len));
    std::uint32_t a;
    std::string s;
    std::uint64_t b;
    bool ok = r.U32(a) && r.Text(s, 100, "s") && r.U64(b);
    EXPECT_FALSE(ok && r.Finish().ok()) << "length " << len;
    EXPECT_EQ(r.error().code, "encoding.truncated");
  }
}

TEST(Encoding, OversizeLengthRejectedWithoutAllocating) {
  Writer w;
  w.U32(0xffffffff);  // claims 4 GiB follow
  Reader r(w.bytes());
  Bytes out;
  EXPECT_FALSE(r.VarBytes(out, 1024, "payload"));
  EXPECT_EQ(r.error().code, "encoding.oversize");
  EXPECT_TRUE(out.empty());
}

TEST(Encoding, BoolMustBeZeroOrOne) {
  Bytes in = {2};
  Reader r(in);
  bool b;
  EXPECT_FALSE(r.Bool(b));
  EXPECT_EQ(r.error().code, "encoding.bad_bool");
}

TEST(Encoding, TextRejectsInvalidUtf8AndControls) {
  for (const std::string& bad : {std::string("\xc0\xaf"), std::string("\xed\xa0\x80"),
                                 std::string("a\x01"), std::string("\xf4\x90\x80\x80")}) {
    Writer w;
    w.Text(bad);
    Reader r(w.bytes());
    std::string out;
    EXPECT_FALSE(r.Text(out, 100, "t")) << ToHex(AsBytes(bad));
  }
  Writer w;
  w.Text("課長 (section head)");
  Reader r(w.bytes());
  std::string out;
  EXPECT_TRUE(r.Text(out, 100, "t"));
  EXPECT_EQ(out, "課長 (section head)");
}

TEST(Encoding, CountBounded) {
  Writer w;
  w.Count(5);
  Reader r(w.bytes());
  std::size_t n;
  EXPECT_FALSE(r.Count(n, 4, "refs"));
  EXPECT_EQ(r.error().code, "encoding.too_many");
}

}  // namespace
}  // namespace jobcard::ledger
