// Frames (node/p2p/frame_codec.h): they round-trip, and a tampered,
// replayed, reordered, truncated or oversize frame is refused.
#include <gtest/gtest.h>

#include "node/p2p/frame_codec.h"

namespace jobcard::node::p2p {
namespace {

LinkKey KeyOf(std::uint8_t b) {
  LinkKey key{};
  key.fill(b);
  return key;
}

ByteView Header(const Bytes& frame) { return ByteView(frame).first(kFrameHeaderBytes); }
ByteView Body(const Bytes& frame) { return ByteView(frame).subspan(kFrameHeaderBytes); }

TEST(FrameCodec, RoundTripsInOrder) {
  FrameSealer sealer(KeyOf(7));
  FrameOpener opener(KeyOf(7));
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{1000}, std::size_t{70000}}) {
    Bytes payload(size);
    for (std::size_t i = 0; i < size; ++i) payload[i] = static_cast<std::uint8_t>(i * 13 + size);
    auto frame = sealer.Seal(static_cast<std::uint8_t>(Channel::kTxs), payload);
    ASSERT_TRUE(frame.ok());
    EXPECT_EQ(frame->size(), kFrameHeaderBytes + 1 + size + kAeadTagBytes);
    auto length = FrameOpener::BodyLength(Header(*frame));
    ASSERT_TRUE(length.ok());
    EXPECT_EQ(*length, frame->size() - kFrameHeaderBytes);
    auto opened = opener.Open(Header(*frame), Body(*frame));
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    EXPECT_EQ(opened->channel, static_cast<std::uint8_t>(Channel::kTxs));
    EXPECT_EQ(opened->payload, payload);
  }
  EXPECT_EQ(sealer.frames_sealed(), 4u);
  EXPECT_EQ(opener.frames_opened(), 4u);
}

TEST(FrameCodec, TamperedBodyOrHeaderFails) {
  FrameSealer sealer(KeyOf(7));
  auto frame = sealer.Seal(1, AsBytes("a vote"));
  ASSERT_TRUE(frame.ok());
  for (std::size_t i = kFrameHeaderBytes; i < frame->size(); ++i) {
    FrameOpener opener(KeyOf(7));
    Bytes tampered = *frame;
    tampered[i] ^= 0x20;
    auto opened = opener.Open(Header(tampered), Body(tampered));
    ASSERT_FALSE(opened.ok()) << "byte " << i;
    EXPECT_EQ(opened.error().code, "p2p.frame.auth");
  }
  // The length is authenticated too (it is the associated data): a frame
  // re-framed with another length does not open even when sizes agree.
  FrameOpener opener(KeyOf(7));
  Bytes reframed = *frame;
  reframed[3] += 1;
  reframed.push_back(0);
  auto opened = opener.Open(Header(reframed), Body(reframed));
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code, "p2p.frame.auth");
}

TEST(FrameCodec, ReplayedAndReorderedFramesFail) {
  FrameSealer sealer(KeyOf(9));
  auto first = sealer.Seal(1, AsBytes("first"));
  auto second = sealer.Seal(1, AsBytes("second"));
  ASSERT_TRUE(first.ok() && second.ok());

  FrameOpener replay(KeyOf(9));
  ASSERT_TRUE(replay.Open(Header(*first), Body(*first)).ok());
  auto replayed = replay.Open(Header(*first), Body(*first));
  ASSERT_FALSE(replayed.ok());
  EXPECT_EQ(replayed.error().code, "p2p.frame.auth");

  FrameOpener reorder(KeyOf(9));
  auto out_of_order = reorder.Open(Header(*second), Body(*second));
  ASSERT_FALSE(out_of_order.ok());
  EXPECT_EQ(out_of_order.error().code, "p2p.frame.auth");
}

TEST(FrameCodec, WrongKeyFails) {
  FrameSealer sealer(KeyOf(1));
  FrameOpener opener(KeyOf(2));
  auto frame = sealer.Seal(1, AsBytes("x"));
  ASSERT_TRUE(frame.ok());
  EXPECT_FALSE(opener.Open(Header(*frame), Body(*frame)).ok());
}

TEST(FrameCodec, LengthIsCheckedBeforeTheBody) {
  const std::uint8_t oversize[4] = {0x7f, 0xff, 0xff, 0xff};
  auto length = FrameOpener::BodyLength(ByteView(oversize, 4));
  ASSERT_FALSE(length.ok());
  EXPECT_EQ(length.error().code, "p2p.frame.oversize");

  const std::size_t one_past = kMaxFrameBodyBytes + 1;
  const std::uint8_t just_over[4] = {static_cast<std::uint8_t>(one_past >> 24), static_cast<std::uint8_t>(one_past >> 16),
                                     static_cast<std::uint8_t>(one_past >> 8), static_cast<std::uint8_t>(one_past)};
  EXPECT_EQ(FrameOpener::BodyLength(ByteView(just_over, 4)).error().code, "p2p.frame.oversize");
  const std::uint8_t at_limit[4] = {static_cast<std::uint8_t>(kMaxFrameBodyBytes >> 24),
                                    static_cast<std::uint8_t>(kMaxFrameBodyBytes >> 16),
                                    static_cast<std::uint8_t>(kMaxFrameBodyBytes >> 8),
                                    static_cast<std::uint8_t>(kMaxFrameBodyBytes)};
  EXPECT_TRUE(FrameOpener::BodyLength(ByteView(at_limit, 4)).ok());

  const std::uint8_t too_small[4] = {0, 0, 0, kMinFrameBodyBytes - 1};
  EXPECT_EQ(FrameOpener::BodyLength(ByteView(too_small, 4)).error().code, "p2p.frame.undersize");
}

TEST(FrameCodec, LargestPayloadFits) {
  FrameSealer sealer(KeyOf(3));
  FrameOpener opener(KeyOf(3));
  Bytes payload(kMaxPayloadBytes, 0x5a);
  auto frame = sealer.Seal(3, payload);
  ASSERT_TRUE(frame.ok());
  EXPECT_EQ(frame->size(), kFrameHeaderBytes + kMaxFrameBodyBytes);
  auto opened = opener.Open(Header(*frame), Body(*frame));
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(opened->payload.size(), kMaxPayloadBytes);
}

TEST(FrameCodec, CounterLimitEndsTheDirection) {
  FrameSealer sealer(KeyOf(4), /*max_frames=*/2);
  FrameOpener opener(KeyOf(4), /*max_frames=*/2);
  for (int i = 0; i < 2; ++i) {
    auto frame = sealer.Seal(1, AsBytes("ok"));
    ASSERT_TRUE(frame.ok());
    ASSERT_TRUE(opener.Open(Header(*frame), Body(*frame)).ok());
  }
  auto third = sealer.Seal(1, AsBytes("one too many"));
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().code, "p2p.frame.exhausted");
  // An opener refuses past its limit as well, whatever the sender does.
  FrameSealer unlimited(KeyOf(4));
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(unlimited.Seal(1, AsBytes("ok")).ok());
  auto beyond = unlimited.Seal(1, AsBytes("beyond"));
  ASSERT_TRUE(beyond.ok());
  EXPECT_EQ(opener.Open(Header(*beyond), Body(*beyond)).error().code, "p2p.frame.exhausted");
}

}  // namespace
}  // namespace jobcard::node::p2p
