// The frame decoder (node/p2p/frame_codec.cpp) as the receiving end of an
// established link reads it: a stream of frames, each a 4-byte length
// prefix checked before the body is read, then ChaCha20-Poly1305 opened
// with the first p2p vector's initiator-to-responder key and the counter as
// nonce. The input is the byte stream; frames are taken off it in order
// until one is refused (a refused frame ends a real link too).
// Invariants: an announced length outside [kMinFrameBodyBytes,
// kMaxFrameBodyBytes] is refused before any body is read; what opens
// re-seals to exactly the same bytes at the same counter (one encoding, no
// malleability), with a known length; after a refusal nothing more opens.
#include "node/p2p/frame_codec.h"
#include "tests/fuzz/p2p_fixed_session.h"

using namespace jobcard;
using namespace jobcard::node::p2p;

JOBCARD_FUZZ_TARGET {
  const auto& fixed = fuzz::Fixed();
  ByteView rest = fuzz::Input(data, size);
  FrameOpener opener(fixed.initiator_session.send_key);
  FrameSealer resealer(fixed.initiator_session.send_key);
  while (rest.size() >= kFrameHeaderBytes) {
    const ByteView header = rest.first(kFrameHeaderBytes);
    auto length = FrameOpener::BodyLength(header);
    const std::uint32_t announced = (std::uint32_t{header[0]} << 24) | (std::uint32_t{header[1]} << 16) |
                                    (std::uint32_t{header[2]} << 8) | std::uint32_t{header[3]};
    FUZZ_CHECK(length.ok() == (announced >= kMinFrameBodyBytes && announced <= kMaxFrameBodyBytes));
    if (!length.ok()) return 0;
    FUZZ_CHECK(*length == announced);
    if (rest.size() - kFrameHeaderBytes < *length) return 0;  // a real link waits for more
    const ByteView body = rest.subspan(kFrameHeaderBytes, *length);
    auto opened = opener.Open(header, body);
    if (!opened.ok()) {
      // The link is dead: the same bytes (or the honest next frame) never open after this.
      FUZZ_CHECK(opener.frames_opened() == resealer.frames_sealed());
      return 0;
    }
    auto sealed = resealer.Seal(opened->channel, opened->payload);
    FUZZ_CHECK(sealed.ok());
    FUZZ_CHECK(Bytes(rest.begin(), rest.begin() + kFrameHeaderBytes + *length) == *sealed);
    rest = rest.subspan(kFrameHeaderBytes + *length);
  }
  return 0;
}
