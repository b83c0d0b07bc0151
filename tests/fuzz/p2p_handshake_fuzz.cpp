// The p2p handshake (node/p2p/handshake.cpp) as either side reads it from a
// peer it has not authenticated yet: every message decoder and both state
// machines, fed arbitrary bytes, with the keys and ephemerals of the first
// p2p vector (p2p_fixed_session.h).
// Input: byte 0 picks the side under attack (even: responder, odd:
// initiator). Responder: byte 1 is n, the next n bytes are "message 1", the
// rest "message 3". Initiator: it sends its real message 1, the rest of the
// input is "message 2", then the input again as one more message.
// Invariants: a reply has exactly the size the protocol says; nothing is
// accepted after a failure or after completion; a side completes only on the
// honest peer's exact messages (the peer's identity cannot be forged, and
// each message has one encoding), and then agrees with the honest session.
#include "tests/fuzz/p2p_fixed_session.h"

using namespace jobcard;
using node::p2p::Handshake;

namespace {

void AttackResponder(ByteView input) {
  const auto& fixed = fuzz::Fixed();
  if (input.empty()) return;
  const std::size_t n1 = std::min<std::size_t>(input[0], input.size() - 1);
  const ByteView message1 = input.subspan(1, n1);
  const ByteView message3 = input.subspan(1 + n1);

  Handshake responder = fixed.Make(Handshake::Role::kResponder);
  FUZZ_CHECK(responder.ExpectedBytes() == node::p2p::kHandshakeMessage1Bytes);
  auto reply = responder.Receive(message1);
  if (!reply.ok()) {
    FUZZ_CHECK(!responder.Receive(message3).ok());  // dead after a failure
    return;
  }
  FUZZ_CHECK(reply->size() == node::p2p::kHandshakeMessage2Bytes);
  FUZZ_CHECK(responder.ExpectedBytes() == node::p2p::kHandshakeMessage3Bytes);
  auto done = responder.Receive(message3);
  if (!done.ok()) {
    FUZZ_CHECK(!responder.complete());
    FUZZ_CHECK(!responder.Receive(fixed.message3).ok());
    return;
  }
  FUZZ_CHECK(done->empty());
  FUZZ_CHECK(responder.complete());
  FUZZ_CHECK(Bytes(message1.begin(), message1.end()) == fixed.message1);
  FUZZ_CHECK(Bytes(message3.begin(), message3.end()) == fixed.message3);
  FUZZ_CHECK(responder.session().remote_key == fixed.initiator_key.public_key());
  FUZZ_CHECK(responder.session().transcript_hash == fixed.responder_session.transcript_hash);
  FUZZ_CHECK(!responder.Receive(message3).ok());  // nothing after completion
}

void AttackInitiator(ByteView input) {
  const auto& fixed = fuzz::Fixed();
  Handshake initiator = fixed.Make(Handshake::Role::kInitiator);
  FUZZ_CHECK(initiator.ExpectedBytes() == 0);
  FUZZ_CHECK(!initiator.Receive(input).ok());  // before Start it expects nothing
  Handshake fresh = fixed.Make(Handshake::Role::kInitiator);
  FUZZ_CHECK(fresh.Start() == fixed.message1);
  FUZZ_CHECK(fresh.ExpectedBytes() == node::p2p::kHandshakeMessage2Bytes);
  auto reply = fresh.Receive(input);
  if (!reply.ok()) {
    FUZZ_CHECK(!fresh.complete());
    FUZZ_CHECK(!fresh.Receive(fixed.message2).ok());
    return;
  }
  FUZZ_CHECK(fresh.complete());
  FUZZ_CHECK(Bytes(input.begin(), input.end()) == fixed.message2);
  FUZZ_CHECK(*reply == fixed.message3);
  FUZZ_CHECK(fresh.session().remote_key == fixed.responder_key.public_key());
  FUZZ_CHECK(fresh.session().send_key == fixed.initiator_session.send_key);
  FUZZ_CHECK(!fresh.Receive(input).ok());
}

}  // namespace

JOBCARD_FUZZ_TARGET {
  const ByteView input = fuzz::Input(data, size);
  if (input.empty()) return 0;
  if (input[0] % 2 == 0) {
    AttackResponder(input.subspan(1));
  } else {
    AttackInitiator(input.subspan(1));
  }
  return 0;
}
