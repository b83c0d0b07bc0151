#include "node/p2p/frame_codec.h"

#include <cassert>

namespace jobcard::node::p2p {

namespace {

FixedBytes<kFrameHeaderBytes> EncodeHeader(std::size_t body_bytes) {
  const auto length = static_cast<std::uint32_t>(body_bytes);
  return {static_cast<std::uint8_t>(length >> 24), static_cast<std::uint8_t>(length >> 16),
          static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length)};
}

}  // namespace

Result<Bytes> FrameSealer::Seal(std::uint8_t channel, ByteView payload) {
  assert(payload.size() <= kMaxPayloadBytes);
  if (counter_ >= max_frames_) {
    return MakeError("p2p.frame.exhausted", "this link sent its last frame under its key; reconnect");
  }
  const auto header = EncodeHeader(1 + payload.size() + kAeadTagBytes);
  Bytes plaintext;
  plaintext.reserve(1 + payload.size());
  plaintext.push_back(channel);
  plaintext.insert(plaintext.end(), payload.begin(), payload.end());
  Bytes body = AeadSeal(key_, counter_++, header, plaintext);
  Bytes frame(header.begin(), header.end());
  frame.insert(frame.end(), body.begin(), body.end());
  return frame;
}

Result<std::size_t> FrameOpener::BodyLength(ByteView header) {
  assert(header.size() == kFrameHeaderBytes);
  const std::size_t length = (std::size_t{header[0]} << 24) | (std::size_t{header[1]} << 16) |
                             (std::size_t{header[2]} << 8) | std::size_t{header[3]};
  if (length > kMaxFrameBodyBytes) {
    return MakeError("p2p.frame.oversize", "frame of " + std::to_string(length) + " bytes, the limit is " +
                                               std::to_string(kMaxFrameBodyBytes));
  }
  if (length < kMinFrameBodyBytes) {
    return MakeError("p2p.frame.undersize", "frame of " + std::to_string(length) + " bytes, the least is " +
                                                std::to_string(kMinFrameBodyBytes));
  }
  return length;
}

Result<OpenedFrame> FrameOpener::Open(ByteView header, ByteView body) {
  auto length = BodyLength(header);
  if (!length.ok()) return length.error();
  if (*length != body.size()) {
    return MakeError("p2p.frame.undersize", "frame body of " + std::to_string(body.size()) + " bytes, header says " +
                                                std::to_string(*length));
  }
  if (counter_ >= max_frames_) {
    return MakeError("p2p.frame.exhausted", "the peer sent more frames than one key allows");
  }
  auto plaintext = AeadOpen(key_, counter_, header, body);
  if (!plaintext) {
    return MakeError("p2p.frame.auth", "frame " + std::to_string(counter_) +
                                           " failed authentication (tampered, replayed, reordered or dropped)");
  }
  ++counter_;
  OpenedFrame frame;
  frame.channel = (*plaintext)[0];
  frame.payload.assign(plaintext->begin() + 1, plaintext->end());
  return frame;
}

}  // namespace jobcard::node::p2p
