#include "tests/support/memory_bus.h"

#include <boost/asio/post.hpp>

namespace jobcard::testing {

namespace asio = boost::asio;
using node::p2p::Channel;

void MemoryHub::Deliver(const crypto::PublicKey& from, const crypto::PublicKey& to, Channel channel,
                        ByteView payload) {
  if (from == to || buses_.count(to) == 0) return;
  if (lose && lose(from, channel, payload)) return;
  // Looked up again on delivery: the receiver may be gone by then.
  asio::post(io_, [this, from, to, channel, bytes = Bytes(payload.begin(), payload.end())] {
    auto it = buses_.find(to);
    if (it == buses_.end() || buses_.count(from) == 0 || !it->second->handler_.on_message) return;
    it->second->handler_.on_message(from, channel, bytes);
  });
}

MemoryBus::MemoryBus(MemoryHub& hub, crypto::PublicKey self) : hub_(hub), self_(self) {}

MemoryBus::~MemoryBus() {
  hub_.buses_.erase(self_);
  for (auto& [key, peer] : hub_.buses_) {
    if (peer->handler_.on_peer_disconnected) peer->handler_.on_peer_disconnected(self_);
  }
}

void MemoryBus::Attach(node::p2p::BusHandler handler) {
  handler_ = std::move(handler);
  hub_.buses_[self_] = this;
  for (const auto& [key, peer] : hub_.buses_) {
    if (key == self_) continue;
    asio::post(hub_.io_, [hub = &hub_, a = self_, b = key] {
      auto ia = hub->buses_.find(a);
      auto ib = hub->buses_.find(b);
      if (ia == hub->buses_.end() || ib == hub->buses_.end()) return;
      if (ia->second->handler_.on_peer_connected) ia->second->handler_.on_peer_connected(b);
      if (ib->second->handler_.on_peer_connected) ib->second->handler_.on_peer_connected(a);
    });
  }
}

void MemoryBus::Broadcast(Channel channel, ByteView payload) {
  if (channel == Channel::kConsensus) hub_.consensus_log_.push_back({self_, channel, Bytes(payload.begin(), payload.end())});
  for (const auto& [key, peer] : hub_.buses_) hub_.Deliver(self_, key, channel, payload);
}

void MemoryBus::SendTo(const crypto::PublicKey& peer, Channel channel, ByteView payload) {
  if (channel == Channel::kConsensus) hub_.consensus_log_.push_back({self_, channel, Bytes(payload.begin(), payload.end())});
  hub_.Deliver(self_, peer, channel, payload);
}

std::vector<crypto::PublicKey> MemoryBus::ConnectedPeers() const {
  std::vector<crypto::PublicKey> peers;
  if (hub_.buses_.count(self_) == 0) return peers;
  for (const auto& [key, peer] : hub_.buses_) {
    if (key != self_) peers.push_back(key);
  }
  return peers;
}

void MemoryBus::Penalise(const crypto::PublicKey& peer, std::string_view reason) {
  hub_.penalties_.emplace_back(peer, std::string(reason));
}

}  // namespace jobcard::testing
