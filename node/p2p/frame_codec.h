// Frames after the handshake (spec/p2p.md §Frames), pure: a sealer and an
// opener per direction, each with its own key and a counter that is the
// AEAD nonce, so a replayed, reordered, dropped or tampered frame fails to
// open and the connection ends.
//
//   frame = u32 length || ChaCha20-Poly1305(key, counter, ad = the 4 length
//           bytes, plaintext = u8 channel || payload)
//
// `length` counts the sealed bytes (channel, payload, 16-byte tag) and is
// checked against kMaxFrameBodyBytes before the body is read.
//
// Error codes: p2p.frame.oversize, p2p.frame.undersize, p2p.frame.auth,
// p2p.frame.exhausted (the direction sent its last allowed frame; the link
// must be re-established with a fresh handshake).
#pragma once

#include <cstdint>

#include "node/p2p/link_crypto.h"
#include "node/p2p/message_bus.h"

namespace jobcard::node::p2p {

inline constexpr std::size_t kFrameHeaderBytes = 4;
inline constexpr std::size_t kMinFrameBodyBytes = 1 + kAeadTagBytes;
inline constexpr std::size_t kMaxFrameBodyBytes = 1 + kMaxPayloadBytes + kAeadTagBytes;
// Frames per direction and key: far below the 2^64 nonces, far above what a
// link sends before it is restarted for any other reason. Reaching it ends
// the link (a new handshake gives new keys) instead of rekeying in place.
inline constexpr std::uint64_t kMaxFramesPerKey = std::uint64_t{1} << 40;

class FrameSealer {
 public:
  explicit FrameSealer(const LinkKey& key, std::uint64_t max_frames = kMaxFramesPerKey)
      : key_(key), max_frames_(max_frames) {}
  ~FrameSealer() { key_.fill(0); }
  FrameSealer(FrameSealer&&) = default;
  FrameSealer& operator=(FrameSealer&&) = default;

  // The whole frame, header included. Precondition: payload within kMaxPayloadBytes.
  Result<Bytes> Seal(std::uint8_t channel, ByteView payload);
  std::uint64_t frames_sealed() const { return counter_; }

 private:
  LinkKey key_;
  std::uint64_t counter_ = 0;
  std::uint64_t max_frames_;
};

struct OpenedFrame {
  std::uint8_t channel = 0;  // raw: the bus decides what an unknown channel means
  Bytes payload;
};

class FrameOpener {
 public:
  explicit FrameOpener(const LinkKey& key, std::uint64_t max_frames = kMaxFramesPerKey)
      : key_(key), max_frames_(max_frames) {}
  ~FrameOpener() { key_.fill(0); }
  FrameOpener(FrameOpener&&) = default;
  FrameOpener& operator=(FrameOpener&&) = default;

  // The body length announced by a 4-byte header, or why it is refused.
  static Result<std::size_t> BodyLength(ByteView header);
  // Opens the next frame; any failure is final for the link.
  Result<OpenedFrame> Open(ByteView header, ByteView body);
  std::uint64_t frames_opened() const { return counter_; }

 private:
  LinkKey key_;
  std::uint64_t counter_ = 0;
  std::uint64_t max_frames_;
};

}  // namespace jobcard::node::p2p
