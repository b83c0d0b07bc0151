// What simulated nodes send each other, as bytes: a proposal with its block,
// a vote, a committed block with its certificate (the catch-up a node ahead
// sends to one behind, standing in for block sync), or a status (the
// sender's height, as CometBFT peers announce their round state). Encoding
// every message also runs the consensus codecs on every message of every seed.
#pragma once

#include <memory>
#include <optional>
#include <variant>

#include "ledger/block.h"
#include "node/consensus/messages.h"

namespace jobcard::testing {

struct ProposalWithBlock {
  node::consensus::Proposal proposal;
  ledger::BlockHeader block;
};

struct CommittedBlock {
  ledger::BlockHeader block;
  ledger::CommitCertificate certificate;
};

struct PeerStatus {
  std::uint64_t height = 0;  // the height the sender works on
};

using WireMessage = std::variant<ProposalWithBlock, node::consensus::Vote, CommittedBlock, PeerStatus>;

Bytes EncodeWire(const WireMessage& message);
Result<WireMessage> DecodeWire(ByteView bytes);

// Encoded bytes shared by every copy in flight, with an id for "the peer
// has this one already" (a 64-bit hash: a collision only costs a resend).
struct SimPacket {
  std::shared_ptr<const Bytes> bytes;
  std::uint64_t id = 0;
  // What the network adversary looks at: the (height, round) a precommit
  // for a block or a certified block decides, and the precommit's signer.
  struct Decisive {
    std::uint64_t height = 0;
    std::uint32_t round = 0;
    std::optional<crypto::PublicKey> signer;  // nullopt for a certified block
  };
  std::optional<Decisive> decisive;
};
SimPacket MakePacket(const WireMessage& message);

}  // namespace jobcard::testing
