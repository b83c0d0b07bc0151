// The pure handshake (node/p2p/handshake.h): both ends authenticated, and
// each way the spec says it must fail does fail, with its code.
#include <gtest/gtest.h>

#include "crypto/hash.h"
#include "tests/node/p2p_test_util.h"

namespace jobcard::node::p2p {
namespace {

using jobcard::testing::KeyFromByte;
using testing::EphemeralFromByte;
using testing::RunHandshake;
using testing::Settings;

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

// The responder's proof replayed as the initiator's (a reflection) does not
// verify: the two roles sign under different tags.
TEST_F(HandshakeTest, ProofsAreBoundToTheirRole) {
  const Hash32 transcript = crypto::Sha256(AsBytes("some transcript"));
  const auto proof = bob_.Sign(kResponderProofTag, transcript);
  EXPECT_TRUE(crypto::Verify(bob_.public_key(), kResponderProofTag, transcript, proof));
  EXPECT_FALSE(crypto::Verify(bob_.public_key(), kInitiatorProofTag, transcript, proof));
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
