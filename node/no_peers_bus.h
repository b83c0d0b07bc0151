// A MessageBus with no peers: what a node runs on without a transport (a
// single-validator chain is consensus with n = 1; nothing needs to leave).
#pragma once

#include "node/p2p/message_bus.h"

namespace jobcard::node {

class NoPeersBus final : public p2p::MessageBus {
 public:
  void Broadcast(p2p::Channel, ByteView) override {}
  void SendTo(const crypto::PublicKey&, p2p::Channel, ByteView) override {}
  std::vector<crypto::PublicKey> ConnectedPeers() const override { return {}; }
  void Penalise(const crypto::PublicKey&, std::string_view) override {}
};

}  // namespace jobcard::node
