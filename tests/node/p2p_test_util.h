// Shared helpers of the p2p tests: deterministic node keys, allowed-key
// predicates, and a driver that runs two pure handshakes against each other.
#pragma once

#include <set>

#include "node/p2p/handshake.h"
#include "tests/support/fixtures.h"

namespace jobcard::node::p2p::testing {

inline FixedBytes<32> EphemeralFromByte(std::uint8_t b) {
  FixedBytes<32> secret{};
  secret.fill(b);
  return secret;
}

inline std::function<bool(const crypto::PublicKey&)> AllowKeys(std::vector<crypto::PublicKey> keys) {
  std::set<crypto::PublicKey> allowed(keys.begin(), keys.end());
  return [allowed](const crypto::PublicKey& key) { return allowed.count(key) > 0; };
}

inline HandshakeSettings Settings(const crypto::SigningKey& own, std::vector<crypto::PublicKey> allowed,
                                  std::string chain_id = jobcard::testing::kTestChainId) {
  HandshakeSettings settings;
  settings.chain_id = std::move(chain_id);
  settings.node_key = &own;
  settings.is_allowed = AllowKeys(std::move(allowed));
  return settings;
}

struct HandshakeOutcome {
  Result<Bytes> initiator = Bytes{};  // the initiator's last result
  Result<Bytes> responder = Bytes{};  // the responder's last result
};

// Runs the three messages through; stops at the first error.
inline HandshakeOutcome RunHandshake(Handshake& initiator, Handshake& responder) {
  HandshakeOutcome outcome;
  const Bytes message1 = initiator.Start();
  outcome.responder = responder.Receive(message1);
  if (!outcome.responder.ok()) return outcome;
  outcome.initiator = initiator.Receive(*outcome.responder);
  if (!outcome.initiator.ok()) return outcome;
  outcome.responder = responder.Receive(*outcome.initiator);
  return outcome;
}

}  // namespace jobcard::node::p2p::testing
