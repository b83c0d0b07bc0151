#include "node/p2p/handshake.h"

#include <cassert>
#include <tuple>

#include "crypto/hash.h"

namespace jobcard::node::p2p {

namespace {

Error HandshakeError(const char* what, std::string message) {
  return MakeError(std::string("p2p.handshake.") + what, std::move(message));
}

Hash32 InitialHash(const std::string& chain_id) {
  crypto::Sha256Hasher hasher;
  hasher.Update(crypto::DomainPrefix(kTranscriptTag));
  const auto length = static_cast<std::uint32_t>(chain_id.size());
  const std::uint8_t length_bytes[4] = {static_cast<std::uint8_t>(length >> 24), static_cast<std::uint8_t>(length >> 16),
                                        static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length)};
  hasher.Update(ByteView(length_bytes, 4));
  hasher.Update(chain_id);
  return hasher.Finish();
}

FixedBytes<32> Take32(ByteView bytes) {
  FixedBytes<32> out{};
  std::copy(bytes.begin(), bytes.begin() + 32, out.begin());
  return out;
}

}  // namespace

Handshake::Handshake(Role role, HandshakeSettings settings, const FixedBytes<32>& ephemeral_secret)
    : role_(role), settings_(std::move(settings)), ephemeral_(X25519FromSecret(ephemeral_secret)) {
  assert(settings_.node_key != nullptr && settings_.is_allowed);
  hash_ = InitialHash(settings_.chain_id);
  chaining_ = hash_;
  if (role_ == Role::kResponder) step_ = Step::kAwaitMessage1;
}

Bytes Handshake::Start() {
  if (role_ == Role::kResponder) return {};
  assert(step_ == Step::kIdle);
  Bytes message{kHandshakeVersion};
  message.insert(message.end(), ephemeral_.public_key.begin(), ephemeral_.public_key.end());
  MixHash(message);
  step_ = Step::kAwaitMessage2;
  return message;
}

std::size_t Handshake::ExpectedBytes() const {
  switch (step_) {
    case Step::kAwaitMessage1: return kHandshakeMessage1Bytes;
    case Step::kAwaitMessage2: return kHandshakeMessage2Bytes;
    case Step::kAwaitMessage3: return kHandshakeMessage3Bytes;
    default: return 0;
  }
}

const LinkSession& Handshake::session() const {
  assert(complete());
  return session_;
}

Result<Bytes> Handshake::Receive(ByteView message) {
  const std::size_t expected = ExpectedBytes();
  if (expected == 0) return Fail(HandshakeError("state", "no handshake message is expected now"));
  if (message.size() != expected) {
    return Fail(HandshakeError("size", "handshake message of " + std::to_string(message.size()) +
                                           " bytes, expected " + std::to_string(expected)));
  }
  switch (step_) {
    case Step::kAwaitMessage1: return ReceiveMessage1(message);
    case Step::kAwaitMessage2: return ReceiveMessage2(message);
    default: return ReceiveMessage3(message);
  }
}

Result<Bytes> Handshake::ReceiveMessage1(ByteView message) {
  if (message[0] != kHandshakeVersion) {
    return Fail(HandshakeError("version", "handshake version " + std::to_string(message[0]) + " is not supported"));
  }
  MixHash(message);
  Bytes reply(ephemeral_.public_key.begin(), ephemeral_.public_key.end());
  MixHash(reply);
  if (Status mixed = MixEphemeralDh(Take32(message.subspan(1))); !mixed.ok()) return Fail(mixed.error());
  const Bytes sealed = SealIdentity(0, kResponderProofTag);
  MixHash(sealed);
  reply.insert(reply.end(), sealed.begin(), sealed.end());
  step_ = Step::kAwaitMessage3;
  return reply;
}

Result<Bytes> Handshake::ReceiveMessage2(ByteView message) {
  const ByteView remote_ephemeral = message.first(kX25519Bytes);
  const ByteView sealed = message.subspan(kX25519Bytes);
  MixHash(remote_ephemeral);
  if (Status mixed = MixEphemeralDh(Take32(remote_ephemeral)); !mixed.ok()) return Fail(mixed.error());
  auto remote = OpenIdentity(0, kResponderProofTag, sealed);
  if (!remote.ok()) return Fail(remote.error());
  if (settings_.expected_peer && *settings_.expected_peer != *remote) {
    return Fail(HandshakeError("unexpected_peer", "the peer at this address proved key " + ToHex(*remote) +
                                                      ", not the configured " + ToHex(*settings_.expected_peer)));
  }
  MixHash(sealed);
  Bytes reply = SealIdentity(1, kInitiatorProofTag);
  MixHash(reply);
  session_.remote_key = *remote;
  Split();
  return reply;
}

Result<Bytes> Handshake::ReceiveMessage3(ByteView message) {
  auto remote = OpenIdentity(1, kInitiatorProofTag, message);
  if (!remote.ok()) return Fail(remote.error());
  MixHash(message);
  session_.remote_key = *remote;
  Split();
  return Bytes{};
}

void Handshake::MixHash(ByteView data) {
  crypto::Sha256Hasher hasher;
  hasher.Update(hash_);
  hasher.Update(data);
  hash_ = hasher.Finish();
}

Status Handshake::MixEphemeralDh(const FixedBytes<32>& remote_ephemeral) {
  auto shared = X25519Shared(ephemeral_.secret, remote_ephemeral);
  if (!shared) return HandshakeError("low_order", "the peer's ephemeral key is a low-order point");
  // The DH output feeds the chaining key (for the keys) and the transcript
  // hash (so both signatures cover it, not only the public values).
  std::tie(chaining_, handshake_key_) = Hkdf2(chaining_, *shared);
  MixHash(*shared);
  shared->fill(0);
  return Status::Ok();
}

Bytes Handshake::SealIdentity(std::uint64_t counter, std::string_view tag) {
  const crypto::PublicKey& own = settings_.node_key->public_key();
  const crypto::Signature proof = settings_.node_key->Sign(tag, hash_);
  return AeadSeal(handshake_key_, counter, hash_, Concat({own, proof}));
}

Result<crypto::PublicKey> Handshake::OpenIdentity(std::uint64_t counter, std::string_view tag, ByteView ciphertext) {
  auto opened = AeadOpen(handshake_key_, counter, hash_, ciphertext);
  if (!opened) {
    return HandshakeError("decrypt",
                          "the peer's identity did not decrypt (a different chain id, a tampered message, or a "
                          "man in the middle)");
  }
  crypto::PublicKey remote{};
  crypto::Signature proof{};
  std::copy(opened->begin(), opened->begin() + 32, remote.begin());
  std::copy(opened->begin() + 32, opened->end(), proof.begin());
  if (!crypto::Verify(remote, tag, hash_, proof)) {
    return HandshakeError("signature", "the peer's signature over the handshake transcript does not verify");
  }
  if (remote == settings_.node_key->public_key()) {
    return HandshakeError("self", "the peer proved this node's own key (a connection to itself or a reflection)");
  }
  if (!settings_.is_allowed(remote)) {
    return HandshakeError("unknown_peer", "key " + ToHex(remote) + " is neither a validator nor a configured observer");
  }
  return remote;
}

void Handshake::Split() {
  // The final transcript hash (both identities and proofs) goes into the
  // session keys as well, so keys and identities cannot be separated.
  auto [first, second] = Hkdf2(chaining_, hash_);
  const bool initiator = role_ == Role::kInitiator;
  session_.send_key = initiator ? first : second;
  session_.receive_key = initiator ? second : first;
  session_.transcript_hash = hash_;
  chaining_.fill(0);
  handshake_key_.fill(0);
  ephemeral_.secret.fill(0);
  step_ = Step::kComplete;
}

Result<Bytes> Handshake::Fail(Error error) {
  step_ = Step::kFailed;
  chaining_.fill(0);
  handshake_key_.fill(0);
  ephemeral_.secret.fill(0);
  return error;
}

}  // namespace jobcard::node::p2p
