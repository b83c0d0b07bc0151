// The three consensus messages of Tendermint (spec/consensus.md §Messages):
// a proposal and the two votes, their canonical encodings, what each signs.
//
// Every signed message binds the chain id, so a vote for one chain is
// worthless on another. A precommit for a block signs exactly
// ledger::PrecommitMessage under ledger::kPrecommitTag: the precommits that
// decide a block are, as they stand, its ledger::CommitCertificate. A nil
// precommit signs under a tag of its own, so it can never be read as a
// precommit for some block.
//
// Error codes (stable): consensus.height, consensus.round, consensus.pol_round,
// consensus.vote_type, and the encoding.* codes of ledger/encoding.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "crypto/sign.h"
#include "ledger/block.h"

namespace jobcard::node::consensus {

inline constexpr std::string_view kProposalTag = "jobcard.v1.proposal";
inline constexpr std::string_view kPrevoteTag = "jobcard.v1.prevote";
inline constexpr std::string_view kPrecommitNilTag = "jobcard.v1.precommit_nil";

// No message may name a round above this. Timeouts grow with the round, so an
// honest network needs months of failed rounds to get there; the bound keeps
// the proposer computation and the vote book finite against a peer that
// claims round 2^32-1.
inline constexpr std::uint32_t kMaxRound = 10000;

enum class VoteType : std::uint8_t { kPrevote = 1, kPrecommit = 2 };

struct Proposal {
  std::uint64_t height = 0;
  std::uint32_t round = 0;
  // The paper's validRound sent with the proposal; nullopt is its -1.
  std::optional<std::uint32_t> pol_round;
  Hash32 value{};  // id(v): the block hash
  crypto::PublicKey proposer{};
  crypto::Signature signature{};
  bool operator==(const Proposal&) const = default;
};

struct Vote {
  VoteType type = VoteType::kPrevote;
  std::uint64_t height = 0;
  std::uint32_t round = 0;
  std::optional<Hash32> value;  // nullopt: a vote for nil
  crypto::PublicKey validator{};
  crypto::Signature signature{};
  bool operator==(const Vote&) const = default;
};

// The domain tag and message a signature covers.
struct SignedBytes {
  std::string_view tag;
  Bytes message;
};
SignedBytes ProposalSignedBytes(std::string_view chain_id, const Proposal& proposal);
SignedBytes VoteSignedBytes(std::string_view chain_id, const Vote& vote);

Proposal SignProposal(std::string_view chain_id, std::uint64_t height, std::uint32_t round,
                      std::optional<std::uint32_t> pol_round, const Hash32& value, const crypto::SigningKey& key);
Vote SignVote(std::string_view chain_id, VoteType type, std::uint64_t height, std::uint32_t round,
              const std::optional<Hash32>& value, const crypto::SigningKey& key);

// The rules every message must meet before anything else looks at it: height
// at least 1, rounds at most kMaxRound, pol_round below round, a known type.
// The decoders apply them, and so does the state machine to messages a host
// built itself.
Status CheckProposalForm(const Proposal& proposal);
Status CheckVoteForm(const Vote& vote);

// Fixed layouts, no length prefixes (spec/consensus.md §Encodings). The
// decoders reject trailing bytes and anything CheckProposalForm /
// CheckVoteForm reject, so each message has exactly one encoding.
Bytes EncodeProposal(const Proposal& proposal);
Result<Proposal> DecodeProposal(ByteView bytes);
Bytes EncodeVote(const Vote& vote);
Result<Vote> DecodeVote(ByteView bytes);

// The certificate entry a precommit for a block contributes (asserts that
// `precommit` is one). The signature is the same bytes: nothing is re-signed.
ledger::CommitSignature ToCommitSignature(const Vote& precommit);
// The precommit a certificate entry stands for: a node that has decided hands
// a certificate to a peer still at that height as votes (catch-up).
Vote PrecommitFromCertificate(const ledger::CommitCertificate& certificate, const ledger::CommitSignature& entry);

}  // namespace jobcard::node::consensus
