// The pure handshake (node/p2p/handshake.h): both ends authenticated, and
// each way the spec says it must fail does fail, with its code.
#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <tuple>

#include "crypto/hash.h"
#include "tests/node/p2p_test_util.h"

namespace jobcard::node::p2p {
namespace {

using jobcard::testing::KeyFromByte;
using testing::EphemeralFromByte;
using testing::RunHandshake;
using testing::Settings;

// The transcript and key schedule of spec/p2p.md §Handshake written out with
// the link primitives, for a peer that sends what the Handshake class never
// would (a proof relayed from another session, or signed under the wrong tag).
class SpecTranscript {
 public:
  explicit SpecTranscript(std::string_view chain_id) {
    const auto n = static_cast<std::uint32_t>(chain_id.size());
    const Bytes length = {static_cast<std::uint8_t>(n >> 24), static_cast<std::uint8_t>(n >> 16),
                          static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)};
    hash_ = crypto::Sha256(Concat({crypto::DomainPrefix(kTranscriptTag), length, AsBytes(chain_id)}));
    chaining_ = hash_;
  }
  void MixHash(ByteView data) { hash_ = crypto::Sha256(Concat({hash_, data})); }
  void MixDh(const FixedBytes<32>& secret, ByteView remote_public) {
    FixedBytes<32> remote{};
    std::copy(remote_public.begin(), remote_public.end(), remote.begin());
    const auto shared = X25519Shared(secret, remote);
    ASSERT_TRUE(shared.has_value());
    std::tie(chaining_, key_) = Hkdf2(chaining_, *shared);
    MixHash(*shared);
  }
  Bytes Seal(std::uint64_t counter, ByteView plaintext) const { return AeadSeal(key_, counter, hash_, plaintext); }
  std::optional<Bytes> Open(std::uint64_t counter, ByteView ciphertext) const {
    return AeadOpen(key_, counter, hash_, ciphertext);
  }
  const Hash32& hash() const { return hash_; }

 private:
  Hash32 hash_{};
  LinkKey chaining_{};
  LinkKey key_{};
};

// Message 2 from a responder following the spec, with `identity` (key ||
// proof) in place of its own; `transcript` is left where the responder's is.
Bytes ScriptedMessage2(SpecTranscript& transcript, ByteView message1, const X25519KeyPair& ephemeral,
                       const std::function<Bytes(const Hash32&)>& identity) {
  transcript.MixHash(message1);
  transcript.MixHash(ephemeral.public_key);
  transcript.MixDh(ephemeral.secret, message1.subspan(1));
  return Concat({ephemeral.public_key, transcript.Seal(0, identity(transcript.hash()))});
}

class HandshakeTest : public ::testing::Test {
 protected:
  crypto::SigningKey alice_ = KeyFromByte(0xa1);
  crypto::SigningKey bob_ = KeyFromByte(0xb0);
  crypto::SigningKey mallory_ = KeyFromByte(0x66);
  std::vector<crypto::PublicKey> validators_ = {alice_.public_key(), bob_.public_key()};

  Handshake Initiator(const crypto::SigningKey& key, std::vector<crypto::PublicKey> allowed,
                      std::string chain_id = jobcard::testing::kTestChainId) {
    return Handshake(Handshake::Role::kInitiator, Settings(key, std::move(allowed), std::move(chain_id)),
                     EphemeralFromByte(0x11));
  }
  Handshake Responder(const crypto::SigningKey& key, std::vector<crypto::PublicKey> allowed,
                      std::string chain_id = jobcard::testing::kTestChainId) {
    return Handshake(Handshake::Role::kResponder, Settings(key, std::move(allowed), std::move(chain_id)),
                     EphemeralFromByte(0x22));
  }
};

TEST_F(HandshakeTest, BothSidesLearnTheOtherKeyAndAgreeOnKeys) {
  Handshake alice = Initiator(alice_, validators_);
  Handshake bob = Responder(bob_, validators_);
  auto outcome = RunHandshake(alice, bob);
  ASSERT_TRUE(outcome.initiator.ok()) << outcome.initiator.error().message;
  ASSERT_TRUE(outcome.responder.ok()) << outcome.responder.error().message;
  ASSERT_TRUE(alice.complete() && bob.complete());
  EXPECT_EQ(alice.session().remote_key, bob_.public_key());
  EXPECT_EQ(bob.session().remote_key, alice_.public_key());
  EXPECT_EQ(alice.session().send_key, bob.session().receive_key);
  EXPECT_EQ(alice.session().receive_key, bob.session().send_key);
  EXPECT_NE(alice.session().send_key, alice.session().receive_key);
  EXPECT_EQ(alice.session().transcript_hash, bob.session().transcript_hash);
  EXPECT_EQ(bob.ExpectedBytes(), 0u);
}

TEST_F(HandshakeTest, MessagesHaveTheDocumentedSizes) {
  Handshake alice = Initiator(alice_, validators_);
  Handshake bob = Responder(bob_, validators_);
  const Bytes m1 = alice.Start();
  EXPECT_EQ(m1.size(), kHandshakeMessage1Bytes);
  EXPECT_EQ(bob.ExpectedBytes(), kHandshakeMessage1Bytes);
  auto m2 = bob.Receive(m1);
  ASSERT_TRUE(m2.ok());
  EXPECT_EQ(m2->size(), kHandshakeMessage2Bytes);
  EXPECT_EQ(alice.ExpectedBytes(), kHandshakeMessage2Bytes);
  auto m3 = alice.Receive(*m2);
  ASSERT_TRUE(m3.ok());
  EXPECT_EQ(m3->size(), kHandshakeMessage3Bytes);
}

TEST_F(HandshakeTest, WrongChainIdFails) {
  Handshake alice = Initiator(alice_, validators_, "jobcard-other");
  Handshake bob = Responder(bob_, validators_);
  auto outcome = RunHandshake(alice, bob);
  ASSERT_FALSE(outcome.initiator.ok());
  EXPECT_EQ(outcome.initiator.error().code, "p2p.handshake.decrypt");
  EXPECT_FALSE(alice.complete());
  EXPECT_FALSE(bob.complete());
}

TEST_F(HandshakeTest, ResponderRejectsAnUnknownInitiator) {
  Handshake mallory = Initiator(mallory_, validators_);
  Handshake bob = Responder(bob_, validators_);
  auto outcome = RunHandshake(mallory, bob);
  ASSERT_TRUE(outcome.initiator.ok());  // the initiator learns of it by the closed link
  ASSERT_FALSE(outcome.responder.ok());
  EXPECT_EQ(outcome.responder.error().code, "p2p.handshake.unknown_peer");
  EXPECT_FALSE(bob.complete());
}

TEST_F(HandshakeTest, InitiatorRejectsAnUnknownResponder) {
  Handshake alice = Initiator(alice_, validators_);
  Handshake mallory = Responder(mallory_, validators_);
  auto outcome = RunHandshake(alice, mallory);
  ASSERT_FALSE(outcome.initiator.ok());
  EXPECT_EQ(outcome.initiator.error().code, "p2p.handshake.unknown_peer");
}

TEST_F(HandshakeTest, ConnectionToItselfIsRejected) {
  Handshake alice = Initiator(alice_, validators_);
  Handshake alice_again = Responder(alice_, validators_);
  auto outcome = RunHandshake(alice, alice_again);
  ASSERT_FALSE(outcome.initiator.ok());
  EXPECT_EQ(outcome.initiator.error().code, "p2p.handshake.self");
}

// Mallory is a validator too, but sits at the address where Alice expects Bob
// and answers with her own key: Alice refuses.
TEST_F(HandshakeTest, ManInTheMiddleWithItsOwnKeyIsRejected) {
  std::vector<crypto::PublicKey> all = {alice_.public_key(), bob_.public_key(), mallory_.public_key()};
  HandshakeSettings settings = Settings(alice_, all);
  settings.expected_peer = bob_.public_key();
  Handshake alice(Handshake::Role::kInitiator, settings, EphemeralFromByte(0x11));
  Handshake mallory = Responder(mallory_, all);
  auto outcome = RunHandshake(alice, mallory);
  ASSERT_FALSE(outcome.initiator.ok());
  EXPECT_EQ(outcome.initiator.error().code, "p2p.handshake.unexpected_peer");
}

// A relay that swaps in its own ephemeral key (to learn the session keys)
// cannot reuse Bob's proof: the transcript no longer matches.
TEST_F(HandshakeTest, RelaySubstitutingItsEphemeralKeyIsDetected) {
  Handshake alice = Initiator(alice_, validators_);
  Handshake bob = Responder(bob_, validators_);
  auto message2 = bob.Receive(alice.Start());
  ASSERT_TRUE(message2.ok());
  Bytes forged = *message2;
  const auto mallory_ephemeral = X25519FromSecret(EphemeralFromByte(0x77));
  std::copy(mallory_ephemeral.public_key.begin(), mallory_ephemeral.public_key.end(), forged.begin());
  auto reply = alice.Receive(forged);
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().code, "p2p.handshake.decrypt");
}

TEST_F(HandshakeTest, LowOrderEphemeralPointsAreRejected) {
  // All-zero, one, and a point of order 8 (the list libsodium blocks, RFC 7748 §6.1).
  const std::vector<std::string> low_order = {
      "0000000000000000000000000000000000000000000000000000000000000000",
      "0100000000000000000000000000000000000000000000000000000000000000",
      "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
      "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
      "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  };
  for (const auto& point_hex : low_order) {
    Handshake bob = Responder(bob_, validators_);
    Bytes message1{kHandshakeVersion};
    auto point = FromHex(point_hex);
    ASSERT_TRUE(point.ok());
    message1.insert(message1.end(), point->begin(), point->end());
    auto reply = bob.Receive(message1);
    ASSERT_FALSE(reply.ok()) << point_hex;
    EXPECT_EQ(reply.error().code, "p2p.handshake.low_order") << point_hex;
  }
  // And in the other direction, in message 2.
  Handshake alice = Initiator(alice_, validators_);
  alice.Start();
  Bytes message2(kHandshakeMessage2Bytes, 0);
  auto reply = alice.Receive(message2);
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().code, "p2p.handshake.low_order");
}

TEST_F(HandshakeTest, TruncatedOrOversizeMessagesFail) {
  Handshake bob = Responder(bob_, validators_);
  Bytes short_message(kHandshakeMessage1Bytes - 1, 0x01);
  auto reply = bob.Receive(short_message);
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().code, "p2p.handshake.size");
  // A failed handshake stays failed.
  EXPECT_EQ(bob.ExpectedBytes(), 0u);
  auto again = bob.Receive(Bytes(kHandshakeMessage1Bytes, 0x01));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "p2p.handshake.state");

  Handshake alice = Initiator(alice_, validators_);
  alice.Start();
  auto long_reply = alice.Receive(Bytes(kHandshakeMessage2Bytes + 1, 0x09));
  ASSERT_FALSE(long_reply.ok());
  EXPECT_EQ(long_reply.error().code, "p2p.handshake.size");
}

TEST_F(HandshakeTest, GarbageAndWrongVersionFail) {
  Handshake bob = Responder(bob_, validators_);
  Bytes message1 = Initiator(alice_, validators_).Start();
  message1[0] = 2;
  auto reply = bob.Receive(message1);
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().code, "p2p.handshake.version");

  Handshake alice = Initiator(alice_, validators_);
  alice.Start();
  Bytes garbage(kHandshakeMessage2Bytes);
  for (std::size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<std::uint8_t>(i * 37 + 5);
  auto garbage_reply = alice.Receive(garbage);
  ASSERT_FALSE(garbage_reply.ok());
  EXPECT_EQ(garbage_reply.error().code, "p2p.handshake.decrypt");
}

TEST_F(HandshakeTest, TamperedMessage3Fails) {
  Handshake alice = Initiator(alice_, validators_);
  Handshake bob = Responder(bob_, validators_);
  auto message2 = bob.Receive(alice.Start());
  ASSERT_TRUE(message2.ok());
  auto message3 = alice.Receive(*message2);
  ASSERT_TRUE(message3.ok());
  Bytes tampered = *message3;
  tampered[5] ^= 0x01;
  auto reply = bob.Receive(tampered);
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().code, "p2p.handshake.decrypt");
}

// A scripted responder that follows the spec with Bob's key is accepted (so
// the script is right), but not when it signs under the initiator's tag: the
// two roles' proofs cannot stand in for each other.
TEST_F(HandshakeTest, ProofsAreBoundToTheirRole) {
  for (const std::string_view tag : {kResponderProofTag, kInitiatorProofTag}) {
    Handshake alice = Initiator(alice_, validators_);
    SpecTranscript transcript(jobcard::testing::kTestChainId);
    const Bytes message2 =
        ScriptedMessage2(transcript, alice.Start(), X25519FromSecret(EphemeralFromByte(0x22)),
                         [&](const Hash32& h) { return Concat({bob_.public_key(), bob_.Sign(tag, h)}); });
    auto reply = alice.Receive(message2);
    if (tag == kResponderProofTag) {
      EXPECT_TRUE(reply.ok()) << reply.error().message;
    } else {
      ASSERT_FALSE(reply.ok());
      EXPECT_EQ(reply.error().code, "p2p.handshake.signature");
    }
  }
}

// Mallory sits between Alice and Bob with her own ephemeral key on each side,
// so she holds both sessions' keys, and hands Alice Bob's identity and proof
// from her session with him. The proof covers that other transcript: Alice
// refuses it, and Mallory cannot pass as Bob.
TEST_F(HandshakeTest, ProofRelayedFromAnotherSessionIsRejected) {
  Handshake alice = Initiator(alice_, validators_);
  Handshake bob = Responder(bob_, validators_);
  const auto mallory_ephemeral = X25519FromSecret(EphemeralFromByte(0x77));

  // Mallory -> Bob: her own message 1; she opens Bob's identity from message 2.
  const Bytes to_bob = Concat({Bytes{kHandshakeVersion}, mallory_ephemeral.public_key});
  SpecTranscript with_bob(jobcard::testing::kTestChainId);
  with_bob.MixHash(to_bob);
  auto from_bob = bob.Receive(to_bob);
  ASSERT_TRUE(from_bob.ok());
  const ByteView bob_ephemeral = ByteView(*from_bob).first(kX25519Bytes);
  with_bob.MixHash(bob_ephemeral);
  with_bob.MixDh(mallory_ephemeral.secret, bob_ephemeral);
  const auto bob_identity = with_bob.Open(0, ByteView(*from_bob).subspan(kX25519Bytes));
  ASSERT_TRUE(bob_identity.has_value());

  // Mallory -> Alice: message 2 under the keys Mallory shares with Alice,
  // carrying Bob's key and proof.
  SpecTranscript with_alice(jobcard::testing::kTestChainId);
  const Bytes message2 =
      ScriptedMessage2(with_alice, alice.Start(), mallory_ephemeral, [&](const Hash32&) { return *bob_identity; });
  auto reply = alice.Receive(message2);
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().code, "p2p.handshake.signature");
  EXPECT_FALSE(alice.complete());
}

TEST_F(HandshakeTest, FreshEphemeralsGiveFreshKeys) {
  Handshake alice1 = Initiator(alice_, validators_);
  Handshake bob1 = Responder(bob_, validators_);
  ASSERT_TRUE(RunHandshake(alice1, bob1).responder.ok());
  Handshake alice2(Handshake::Role::kInitiator, Settings(alice_, validators_), EphemeralFromByte(0x33));
  Handshake bob2 = Responder(bob_, validators_);
  ASSERT_TRUE(RunHandshake(alice2, bob2).responder.ok());
  EXPECT_NE(alice1.session().send_key, alice2.session().send_key);
  EXPECT_NE(alice1.session().transcript_hash, alice2.session().transcript_hash);
}

}  // namespace
}  // namespace jobcard::node::p2p
