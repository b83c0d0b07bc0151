#include "node/p2p/bus_options.h"

#include <charconv>

namespace jobcard::node::p2p {

Result<std::pair<std::string, std::uint16_t>> SplitHostPort(std::string_view address) {
  const auto colon = address.rfind(':');
  auto invalid = [&] {
    return MakeError("config.invalid", "expected host:port, got \"" + std::string(address) + "\"");
  };
  if (colon == std::string_view::npos || colon == 0) return invalid();
  std::string_view host = address.substr(0, colon);
  const std::string_view port_text = address.substr(colon + 1);
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535) return invalid();
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) return invalid();
  return std::pair{std::string(host), static_cast<std::uint16_t>(port)};
}

std::vector<crypto::PublicKey> AllowedPeerKeys(const std::vector<ledger::GenesisValidator>& validators,
                                               const std::vector<crypto::PublicKey>& observer_keys) {
  std::vector<crypto::PublicKey> keys;
  for (const auto& v : validators) keys.push_back(v.key);
  keys.insert(keys.end(), observer_keys.begin(), observer_keys.end());
  return keys;
}

Result<TcpBusOptions> TcpBusOptionsFor(const NodeConfig& config, const ledger::Genesis& genesis) {
  TcpBusOptions options;
  options.chain_id = genesis.chain_id;
  auto listen = SplitHostPort(config.p2p_listen);
  if (!listen.ok()) return MakeError("config.invalid", "p2p_listen: " + listen.error().message);
  options.listen_host = listen->first;
  options.listen_port = listen->second;
  for (std::size_t i = 0; i < config.p2p_peers.size(); ++i) {
    auto address = SplitHostPort(config.p2p_peers[i].address);
    if (!address.ok()) {
      return MakeError("config.invalid", "p2p_peers[" + std::to_string(i) + "].address: " + address.error().message);
    }
    options.peers.push_back(PeerAddress{address->first, address->second, config.p2p_peers[i].node_key});
  }
  options.allowed_keys = AllowedPeerKeys(genesis.validators, config.p2p_observer_keys);
  return options;
}

}  // namespace jobcard::node::p2p
