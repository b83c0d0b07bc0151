// Consensus proposals and votes (node/consensus/messages.cpp), as a validator
// reads them from a peer. Each input is tried as both, as a peer's frame may
// claim either.
// Invariants: canonical (re-encodes to the same bytes); what decodes passes
// the form checks the state machine relies on (height >= 1, rounds bounded,
// pol_round < round); a precommit for a block maps to a certificate entry and
// back unchanged. (Signatures are not checked here: the seeds carry real ones.)
#include "crypto/sign.h"
#include "node/consensus/messages.h"
#include "tests/fuzz/fuzz_check.h"

using namespace jobcard;
namespace consensus = jobcard::node::consensus;

JOBCARD_FUZZ_TARGET {
  const ByteView input = fuzz::Input(data, size);
  const Bytes original(data, data + size);

  if (auto proposal = consensus::DecodeProposal(input); proposal.ok()) {
    FUZZ_CHECK(consensus::EncodeProposal(*proposal) == original);
    FUZZ_CHECK(consensus::CheckProposalForm(*proposal).ok());
    FUZZ_CHECK(proposal->round <= consensus::kMaxRound);
    FUZZ_CHECK(!proposal->pol_round || *proposal->pol_round < proposal->round);
    (void)consensus::ProposalSignedBytes(fuzz::kFuzzChainId, *proposal);
  }

  if (auto vote = consensus::DecodeVote(input); vote.ok()) {
    FUZZ_CHECK(consensus::EncodeVote(*vote) == original);
    FUZZ_CHECK(consensus::CheckVoteForm(*vote).ok());
    FUZZ_CHECK(vote->height >= 1 && vote->round <= consensus::kMaxRound);
    (void)consensus::VoteSignedBytes(fuzz::kFuzzChainId, *vote);
    if (vote->type == consensus::VoteType::kPrecommit && vote->value) {
      ledger::CommitCertificate cert{vote->height, vote->round, *vote->value, {}};
      auto entry = consensus::ToCommitSignature(*vote);
      FUZZ_CHECK(consensus::PrecommitFromCertificate(cert, entry) == *vote);
    }
  }
  return 0;
}
