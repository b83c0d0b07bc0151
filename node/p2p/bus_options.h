// From node.json and genesis to TcpBusOptions: what the consensus host calls
// before it constructs the TcpBus (spec/p2p.md §Configuration).
//
// The allowed keys are the genesis validators plus node.json's
// p2p_observer_keys; when the validator set changes, the host passes the new
// set to TcpBus::SetAllowedKeys. The node key is chosen by the host: a
// validator uses its validator key (validator_key_file), any other node its
// node_key_file.
#pragma once

#include "ledger/genesis.h"
#include "node/node_config.h"
#include "node/p2p/tcp_bus.h"

namespace jobcard::node::p2p {

// "host:port" -> host (IPv6 brackets removed) and port. Error config.invalid.
Result<std::pair<std::string, std::uint16_t>> SplitHostPort(std::string_view address);

// Error config.invalid when an address does not split.
Result<TcpBusOptions> TcpBusOptionsFor(const NodeConfig& config, const ledger::Genesis& genesis);

// The keys allowed to connect: validators and observers.
std::vector<crypto::PublicKey> AllowedPeerKeys(const std::vector<ledger::GenesisValidator>& validators,
                                               const std::vector<crypto::PublicKey>& observer_keys);

}  // namespace jobcard::node::p2p
