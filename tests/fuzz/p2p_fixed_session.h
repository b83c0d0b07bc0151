// The handshake of spec/vectors/p2p.json's first vector ("two validators"),
// run once between a real initiator and a real responder: the p2p fuzz
// targets attack one side of it and compare with the honest messages, and
// the seeds (fuzz_seeds.cpp) are that vector's bytes.
#pragma once

#include "node/p2p/handshake.h"
#include "tests/fuzz/fuzz_check.h"

namespace jobcard::fuzz {

struct FixedHandshake {
  crypto::SigningKey initiator_key = crypto::SigningKey::FromSeed(Bytes(32, 0x51)).value();
  crypto::SigningKey responder_key = crypto::SigningKey::FromSeed(Bytes(32, 0x52)).value();
  Bytes message1, message2, message3;
  node::p2p::LinkSession initiator_session, responder_session;

  static FixedBytes<32> Ephemeral(std::uint8_t b) {
    FixedBytes<32> secret{};
    secret.fill(b);
    return secret;
  }
  // Each side allows only the other.
  node::p2p::HandshakeSettings SettingsFor(node::p2p::Handshake::Role role) const {
    const bool initiator = role == node::p2p::Handshake::Role::kInitiator;
    node::p2p::HandshakeSettings s;
    s.chain_id = std::string(kFuzzChainId);
    s.node_key = initiator ? &initiator_key : &responder_key;
    const crypto::PublicKey other = initiator ? responder_key.public_key() : initiator_key.public_key();
    s.is_allowed = [other](const crypto::PublicKey& key) { return key == other; };
    if (initiator) s.expected_peer = other;
    return s;
  }
  node::p2p::Handshake Make(node::p2p::Handshake::Role role) const {
    return node::p2p::Handshake(role, SettingsFor(role),
                                Ephemeral(role == node::p2p::Handshake::Role::kInitiator ? 0x61 : 0x62));
  }

  FixedHandshake() {
    auto initiator = Make(node::p2p::Handshake::Role::kInitiator);
    auto responder = Make(node::p2p::Handshake::Role::kResponder);
    message1 = initiator.Start();
    message2 = responder.Receive(message1).value();
    message3 = initiator.Receive(message2).value();
    FUZZ_CHECK(responder.Receive(message3).value().empty());
    FUZZ_CHECK(initiator.complete() && responder.complete());
    initiator_session = initiator.session();
    responder_session = responder.session();
  }
};

inline const FixedHandshake& Fixed() {
  static const FixedHandshake fixed;
  return fixed;
}

}  // namespace jobcard::fuzz
