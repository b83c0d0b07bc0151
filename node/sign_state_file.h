// The validator's sign state on disk (spec/consensus.md §6): one small file,
// replaced atomically (temp file, fsync, rename, directory fsync), so after a
// crash it holds the last state whose save returned, whole. The host saves
// it for every PersistSignState effect before any later effect, so no signed
// message ever leaves the node ahead of it.
//
// Error codes: sign_state.* from crypto/private_file.h (io, too_large,
// insecure_mode, ...), and DecodeSignState's for a damaged file. A damaged
// file is an error, never "nothing signed yet": starting from a blank state
// could sign a conflicting vote.
#pragma once

#include <filesystem>
#include <optional>

#include "node/consensus/sign_state.h"

namespace jobcard::node {

// nullopt when there is no file (a validator that never signed).
Result<std::optional<consensus::SignState>> LoadSignState(const std::filesystem::path& path);
Status SaveSignState(const std::filesystem::path& path, const consensus::SignState& state);

}  // namespace jobcard::node
