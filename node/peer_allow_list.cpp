#include "node/peer_allow_list.h"

#include <algorithm>

namespace jobcard::node {

std::vector<crypto::PublicKey> PeerAllowList(const std::vector<ledger::ValidatorRecord>& set,
                                             const std::vector<crypto::PublicKey>& observer_keys) {
  std::vector<crypto::PublicKey> keys = observer_keys;
  for (const auto& v : set) keys.push_back(v.key);
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

bool AllowListHas(const std::vector<crypto::PublicKey>& allowed, const crypto::PublicKey& key) {
  return std::binary_search(allowed.begin(), allowed.end(), key);
}

}  // namespace jobcard::node
