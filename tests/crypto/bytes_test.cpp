#include "crypto/bytes.h"

#include <gtest/gtest.h>

namespace jobcard {
namespace {

TEST(Hex, RoundTrips) {
  Bytes data = {0x00, 0x01, 0xab, 0xff};
  EXPECT_EQ(ToHex(data), "0001abff");
  auto back = FromHex("0001ABff");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, data);
}

TEST(Hex, RejectsOddLengthAndBadDigits) {
  EXPECT_EQ(FromHex("abc").error().code, "hex.odd_length");
  EXPECT_EQ(FromHex("zz").error().code, "hex.invalid_digit");
  EXPECT_EQ(FixedFromHex<2>("aabbcc").error().code, "hex.length");
}

}  // namespace
}  // namespace jobcard
