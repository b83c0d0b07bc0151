#include "node/sign_state_file.h"

#include "crypto/private_file.h"

namespace jobcard::node {

namespace {
constexpr std::string_view kDomain = "sign_state";
constexpr std::size_t kMaxFileBytes = 256;  // the encoding is at most 50 bytes
}  // namespace

Result<std::optional<consensus::SignState>> LoadSignState(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec) && !ec) return std::optional<consensus::SignState>();
  auto text = crypto::ReadPrivateFile(path, kMaxFileBytes, /*require_owner_only=*/true, kDomain);
  if (!text.ok()) return text.error();
  auto state = consensus::DecodeSignState(AsBytes(*text));
  if (!state.ok()) {
    return MakeError(state.error().code, "the sign state file " + path.string() + " is damaged (" +
                                             state.error().message + "); refusing to sign from a blank state");
  }
  return std::optional<consensus::SignState>(*state);
}

Status SaveSignState(const std::filesystem::path& path, const consensus::SignState& state) {
  const Bytes bytes = consensus::EncodeSignState(state);
  return crypto::WritePrivateFileAtomically(
      path, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), /*replace=*/true, kDomain);
}

}  // namespace jobcard::node
