#include "node/consensus/messages.h"

#include <cassert>

#include "ledger/encoding.h"

namespace jobcard::node::consensus {

namespace {

void WriteOptionalRound(ledger::Writer& w, const std::optional<std::uint32_t>& round) {
  w.Bool(round.has_value());
  if (round) w.U32(*round);
}

void WriteOptionalValue(ledger::Writer& w, const std::optional<Hash32>& value) {
  w.Bool(value.has_value());
  if (value) w.Fixed(*value);
}

// An optional value: a presence byte (0 or 1), then the value if present.
bool ReadOptionalRound(ledger::Reader& r, std::optional<std::uint32_t>& out) {
  bool present = false;
  std::uint32_t round = 0;
  if (!r.Bool(present) || (present && !r.U32(round))) return false;
  out = present ? std::optional<std::uint32_t>(round) : std::nullopt;
  return true;
}

bool ReadOptionalValue(ledger::Reader& r, std::optional<Hash32>& out) {
  bool present = false;
  Hash32 value{};
  if (!r.Bool(present) || (present && !r.Fixed(value))) return false;
  out = present ? std::optional<Hash32>(value) : std::nullopt;
  return true;
}

Status CheckHeightRound(std::uint64_t height, std::uint32_t round) {
  if (height == 0) return MakeError("consensus.height", "consensus messages start at height 1");
  if (round > kMaxRound) {
    return MakeError("consensus.round", "round " + std::to_string(round) + " is above " + std::to_string(kMaxRound));
  }
  return Status::Ok();
}

}  // namespace

SignedBytes ProposalSignedBytes(std::string_view chain_id, const Proposal& p) {
  ledger::Writer w;
  w.Text(chain_id).U64(p.height).U32(p.round);
  WriteOptionalRound(w, p.pol_round);
  w.Fixed(p.value);
  return {kProposalTag, std::move(w).take()};
}

SignedBytes VoteSignedBytes(std::string_view chain_id, const Vote& v) {
  if (v.type == VoteType::kPrecommit) {
    if (v.value) return {ledger::kPrecommitTag, ledger::PrecommitMessage(chain_id, v.height, v.round, *v.value)};
    ledger::Writer w;
    w.Text(chain_id).U64(v.height).U32(v.round);
    return {kPrecommitNilTag, std::move(w).take()};
  }
  ledger::Writer w;
  w.Text(chain_id).U64(v.height).U32(v.round);
  WriteOptionalValue(w, v.value);
  return {kPrevoteTag, std::move(w).take()};
}

Proposal SignProposal(std::string_view chain_id, std::uint64_t height, std::uint32_t round,
                      std::optional<std::uint32_t> pol_round, const Hash32& value, const crypto::SigningKey& key) {
  Proposal p{height, round, pol_round, value, key.public_key(), {}};
  SignedBytes s = ProposalSignedBytes(chain_id, p);
  p.signature = key.Sign(s.tag, s.message);
  return p;
}

Vote SignVote(std::string_view chain_id, VoteType type, std::uint64_t height, std::uint32_t round,
              const std::optional<Hash32>& value, const crypto::SigningKey& key) {
  Vote v{type, height, round, value, key.public_key(), {}};
  SignedBytes s = VoteSignedBytes(chain_id, v);
  v.signature = key.Sign(s.tag, s.message);
  return v;
}

Status CheckProposalForm(const Proposal& p) {
  JOBCARD_TRY_STATUS(CheckHeightRound(p.height, p.round));
  if (p.pol_round && *p.pol_round >= p.round) {
    return MakeError("consensus.pol_round", "a proposal's pol_round must be below its round");
  }
  return Status::Ok();
}

Status CheckVoteForm(const Vote& v) {
  if (v.type != VoteType::kPrevote && v.type != VoteType::kPrecommit) {
    return MakeError("consensus.vote_type", "a vote is a prevote (1) or a precommit (2)");
  }
  return CheckHeightRound(v.height, v.round);
}

Bytes EncodeProposal(const Proposal& p) {
  ledger::Writer w;
  w.U64(p.height).U32(p.round);
  WriteOptionalRound(w, p.pol_round);
  w.Fixed(p.value).Fixed(p.proposer).Fixed(p.signature);
  return std::move(w).take();
}

Result<Proposal> DecodeProposal(ByteView bytes) {
  ledger::Reader r(bytes);
  Proposal p;
  r.U64(p.height);
  r.U32(p.round);
  ReadOptionalRound(r, p.pol_round);
  r.Fixed(p.value);
  r.Fixed(p.proposer);
  r.Fixed(p.signature);
  JOBCARD_TRY_STATUS(r.Finish());
  JOBCARD_TRY_STATUS(CheckProposalForm(p));
  return p;
}

Bytes EncodeVote(const Vote& v) {
  ledger::Writer w;
  w.U8(static_cast<std::uint8_t>(v.type)).U64(v.height).U32(v.round);
  WriteOptionalValue(w, v.value);
  w.Fixed(v.validator).Fixed(v.signature);
  return std::move(w).take();
}

Result<Vote> DecodeVote(ByteView bytes) {
  ledger::Reader r(bytes);
  Vote v;
  std::uint8_t type = 0;
  r.U8(type);
  v.type = static_cast<VoteType>(type);  // CheckVoteForm rejects unknown numbers
  r.U64(v.height);
  r.U32(v.round);
  ReadOptionalValue(r, v.value);
  r.Fixed(v.validator);
  r.Fixed(v.signature);
  JOBCARD_TRY_STATUS(r.Finish());
  JOBCARD_TRY_STATUS(CheckVoteForm(v));
  return v;
}

ledger::CommitSignature ToCommitSignature(const Vote& precommit) {
  assert(precommit.type == VoteType::kPrecommit && precommit.value.has_value());
  return ledger::CommitSignature{precommit.validator, precommit.signature};
}

Vote PrecommitFromCertificate(const ledger::CommitCertificate& c, const ledger::CommitSignature& entry) {
  return Vote{VoteType::kPrecommit, c.height, c.round, c.block_hash, entry.validator, entry.signature};
}

}  // namespace jobcard::node::consensus
