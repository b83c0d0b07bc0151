// Who may connect over p2p, as a function of the committed validator set
// (spec/p2p.md §Who may connect). Pure: the node service computes the list
// at start and after every committed block, and hands a changed list to
// TcpBus::SetAllowedKeys, which drops the links of keys no longer in it.
#pragma once

#include <vector>

#include "crypto/sign.h"
#include "ledger/state_records.h"

namespace jobcard::node {

// The validators of `set` and the configured observers, sorted, without
// repeats, so that two lists compare equal exactly when they allow the same keys.
std::vector<crypto::PublicKey> PeerAllowList(const std::vector<ledger::ValidatorRecord>& set,
                                             const std::vector<crypto::PublicKey>& observer_keys);

// Whether `key` is in a list made by PeerAllowList.
bool AllowListHas(const std::vector<crypto::PublicKey>& allowed, const crypto::PublicKey& key);

}  // namespace jobcard::node
