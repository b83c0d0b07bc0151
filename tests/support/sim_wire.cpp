#include "tests/support/sim_wire.h"

#include <functional>
#include <string_view>

#include "ledger/encoding.h"

namespace jobcard::testing {

namespace {

constexpr std::size_t kMaxPart = 64 * 1024;

}  // namespace

Bytes EncodeWire(const WireMessage& message) {
  ledger::Writer w;
  w.U8(static_cast<std::uint8_t>(message.index()));
  if (const auto* p = std::get_if<ProposalWithBlock>(&message)) {
    w.VarBytes(node::consensus::EncodeProposal(p->proposal)).VarBytes(ledger::EncodeHeader(p->block));
  } else if (const auto* v = std::get_if<node::consensus::Vote>(&message)) {
    w.VarBytes(node::consensus::EncodeVote(*v));
  } else if (const auto* c = std::get_if<CommittedBlock>(&message)) {
    w.VarBytes(ledger::EncodeHeader(c->block)).VarBytes(ledger::EncodeCertificate(c->certificate));
  } else {
    w.U64(std::get<PeerStatus>(message).height);
  }
  return std::move(w).take();
}

Result<WireMessage> DecodeWire(ByteView bytes) {
  ledger::Reader r(bytes);
  std::uint8_t kind = 0;
  Bytes first;
  Bytes second;
  std::uint64_t height = 0;
  r.U8(kind);
  if (kind <= 2) r.VarBytes(first, kMaxPart, "part");
  if (kind == 0 || kind == 2) r.VarBytes(second, kMaxPart, "part");
  if (kind == 3) r.U64(height);
  if (kind > 3) r.Fail("sim.kind", "unknown simulated message kind");
  JOBCARD_TRY_STATUS(r.Finish());
  switch (kind) {
    case 0: {
      auto proposal = node::consensus::DecodeProposal(first);
      auto block = ledger::DecodeHeader(second);
      if (!proposal.ok()) return proposal.error();
      if (!block.ok()) return block.error();
      return WireMessage{ProposalWithBlock{*proposal, *block}};
    }
    case 1: {
      auto vote = node::consensus::DecodeVote(first);
      if (!vote.ok()) return vote.error();
      return WireMessage{*vote};
    }
    case 2: {
      auto block = ledger::DecodeHeader(first);
      auto certificate = ledger::DecodeCertificate(second);
      if (!block.ok()) return block.error();
      if (!certificate.ok()) return certificate.error();
      return WireMessage{CommittedBlock{*block, *certificate}};
    }
    default:
      return WireMessage{PeerStatus{height}};
  }
}

SimPacket MakePacket(const WireMessage& message) {
  auto bytes = std::make_shared<const Bytes>(EncodeWire(message));
  const std::string_view view(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  SimPacket packet{bytes, std::hash<std::string_view>{}(view), std::nullopt};
  const auto* vote = std::get_if<node::consensus::Vote>(&message);
  if (vote && vote->type == node::consensus::VoteType::kPrecommit && vote->value) {
    packet.decisive = SimPacket::Decisive{vote->height, vote->round, vote->validator};
  }
  if (const auto* c = std::get_if<CommittedBlock>(&message)) {
    packet.decisive = SimPacket::Decisive{c->block.height, c->certificate.round, std::nullopt};
  }
  return packet;
}

}  // namespace jobcard::testing
