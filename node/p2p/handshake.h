// The p2p handshake (spec/p2p.md §Handshake) as a pure state machine: bytes
// in, bytes out, keys derived; no sockets, clock or randomness (the caller
// passes the ephemeral secret), so golden vectors pin it byte for byte.
//
// Three messages in the manner of Noise XX, with each static identity proven
// by an Ed25519 signature over the transcript (SIGMA-I):
//   1. initiator -> responder: version || e_i
//   2. responder -> initiator: e_r || AEAD(responder key || signature)
//   3. initiator -> responder: AEAD(initiator key || signature)
// The chain id seeds the transcript hash; every message and the ephemeral
// DH output are hashed into it; both sides check the other's key against
// their allowed set and reject their own key.
//
// Error codes (all end the connection): p2p.handshake.size,
// p2p.handshake.version, p2p.handshake.low_order, p2p.handshake.decrypt,
// p2p.handshake.signature, p2p.handshake.self, p2p.handshake.unknown_peer,
// p2p.handshake.unexpected_peer, p2p.handshake.state (a message when none
// is expected).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "crypto/sign.h"
#include "node/p2p/link_crypto.h"

namespace jobcard::node::p2p {

inline constexpr std::uint8_t kHandshakeVersion = 1;
inline constexpr std::size_t kHandshakeIdentityBytes = 32 + 64;  // Ed25519 key || signature
inline constexpr std::size_t kHandshakeMessage1Bytes = 1 + kX25519Bytes;
inline constexpr std::size_t kHandshakeMessage2Bytes = kX25519Bytes + kHandshakeIdentityBytes + kAeadTagBytes;
inline constexpr std::size_t kHandshakeMessage3Bytes = kHandshakeIdentityBytes + kAeadTagBytes;

// Signature tags, one per role, so one side's proof can never be reflected
// back as the other's.
inline constexpr std::string_view kInitiatorProofTag = "jobcard.v1.p2p.initiator";
inline constexpr std::string_view kResponderProofTag = "jobcard.v1.p2p.responder";
inline constexpr std::string_view kTranscriptTag = "jobcard.v1.p2p.handshake";

struct HandshakeSettings {
  std::string chain_id;
  const crypto::SigningKey* node_key = nullptr;  // not owned; outlives the handshake
  // Whether a remote node key may connect at all (a validator or observer).
  std::function<bool(const crypto::PublicKey&)> is_allowed;
  // Initiator only: the key the dialled address is configured with.
  std::optional<crypto::PublicKey> expected_peer;
};

// What a finished handshake yields.
struct LinkSession {
  crypto::PublicKey remote_key{};
  LinkKey send_key{};
  LinkKey receive_key{};
  Hash32 transcript_hash{};  // equal on both ends; names the session
};

class Handshake {
 public:
  enum class Role { kInitiator, kResponder };

  Handshake(Role role, HandshakeSettings settings, const FixedBytes<32>& ephemeral_secret);

  // The initiator's first message; empty for a responder. Call once, first.
  Bytes Start();
  // The exact size of the next message this side expects; 0 when it expects
  // none (complete, failed, or an initiator that has not started).
  std::size_t ExpectedBytes() const;
  // Consumes one whole message; returns the reply to send (possibly empty).
  // After an error the handshake is dead and must be dropped.
  Result<Bytes> Receive(ByteView message);

  bool complete() const { return step_ == Step::kComplete; }
  // Precondition: complete().
  const LinkSession& session() const;
  Role role() const { return role_; }

 private:
  enum class Step { kIdle, kAwaitMessage1, kAwaitMessage2, kAwaitMessage3, kComplete, kFailed };

  void MixHash(ByteView data);
  Status MixEphemeralDh(const FixedBytes<32>& remote_ephemeral);
  Bytes SealIdentity(std::uint64_t counter, std::string_view tag);
  Result<crypto::PublicKey> OpenIdentity(std::uint64_t counter, std::string_view tag, ByteView ciphertext);
  void Split();
  Result<Bytes> Fail(Error error);

  Result<Bytes> ReceiveMessage1(ByteView message);
  Result<Bytes> ReceiveMessage2(ByteView message);
  Result<Bytes> ReceiveMessage3(ByteView message);

  Role role_;
  HandshakeSettings settings_;
  X25519KeyPair ephemeral_;
  Step step_ = Step::kIdle;
  Hash32 hash_{};        // h: the transcript hash
  LinkKey chaining_{};   // ck
  LinkKey handshake_key_{};
  LinkSession session_;
};

}  // namespace jobcard::node::p2p
