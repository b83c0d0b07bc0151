// Evidence of equivocation on disk (spec/consensus.md §7): the pairs of
// conflicting votes this node has seen, kept across restarts so that a
// restarted node still exposes them (GET /v1/evidence) and an operator can
// act on them later. One small file, `<home>/consensus/evidence`, replaced
// atomically (temp file, fsync, rename) with the whole list each time a new
// pair arrives: evidence is rare, the list is bounded (the host's
// max_evidence, 256 by default, about 60 KiB), so rewriting it is cheaper
// than the framing and recovery code an append-only log would need.
//
// Layout: u8 version (1), u16 count, then per pair the two votes as
// length-prefixed consensus vote encodings (messages.h), oldest pair first.
// DecodeEvidenceList accepts only what EncodeEvidenceList writes: each pair
// is two different votes of one validator for one (height, round, type), and
// no trailing bytes. Signatures are not checked here (the machine checked
// them before it kept the pair, and the file is the node's own).
//
// A damaged file is moved aside to `evidence.damaged` with a warning and the
// node starts with an empty list: evidence is not needed for safety (the
// sign state is), so it must not keep a node from starting, and the damaged
// bytes stay for a person to read.
//
// Error codes: evidence.* from crypto/private_file.h (io, too_large, ...),
// evidence.not_a_pair, and encoding.* for a damaged encoding.
#pragma once

#include <filesystem>
#include <vector>

#include "node/consensus/vote_book.h"

namespace jobcard::node {

inline constexpr std::size_t kMaxStoredEvidence = 4096;

Bytes EncodeEvidenceList(const std::vector<consensus::DuplicateVoteEvidence>& list);
Result<std::vector<consensus::DuplicateVoteEvidence>> DecodeEvidenceList(ByteView bytes);

// An empty list when there is no file; a damaged file is moved aside (see above).
Result<std::vector<consensus::DuplicateVoteEvidence>> LoadEvidence(const std::filesystem::path& path);
Status SaveEvidence(const std::filesystem::path& path, const std::vector<consensus::DuplicateVoteEvidence>& list);

}  // namespace jobcard::node
