// In-memory MessageBus for tests: a hub connects the buses of N nodes on one
// io_context, fully meshed, each delivery posted to the loop (so a send
// never re-enters the sender, as on a real network). A bus attaches when
// created and detaches when destroyed; peers see connects and disconnects.
// The hub records every payload sent on the consensus channel and every
// Penalise, for the tests' checks.
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "node/p2p/message_bus.h"

namespace jobcard::testing {

class MemoryBus;

class MemoryHub {
 public:
  explicit MemoryHub(boost::asio::io_context& io) : io_(io) {}

  struct Sent {
    crypto::PublicKey from{};
    node::p2p::Channel channel{};
    Bytes payload;
  };
  const std::vector<Sent>& consensus_log() const { return consensus_log_; }
  // (offender, reason) for every Penalise.
  const std::vector<std::pair<crypto::PublicKey, std::string>>& penalties() const { return penalties_; }
  // While set, a message for which it returns true is lost (a link that
  // reset as it was sent). Called once per recipient.
  std::function<bool(const crypto::PublicKey& from, node::p2p::Channel channel, ByteView payload)> lose;

 private:
  friend class MemoryBus;
  void Deliver(const crypto::PublicKey& from, const crypto::PublicKey& to, node::p2p::Channel channel, ByteView payload);

  boost::asio::io_context& io_;
  std::map<crypto::PublicKey, MemoryBus*> buses_;
  std::vector<Sent> consensus_log_;
  std::vector<std::pair<crypto::PublicKey, std::string>> penalties_;
};

class MemoryBus final : public node::p2p::MessageBus {
 public:
  MemoryBus(MemoryHub& hub, crypto::PublicKey self);
  ~MemoryBus() override;
  MemoryBus(const MemoryBus&) = delete;
  MemoryBus& operator=(const MemoryBus&) = delete;

  // Joins the hub: from now on messages arrive through `handler`, and every
  // attached peer (this one too) is told of the new connection.
  void Attach(node::p2p::BusHandler handler);

  void Broadcast(node::p2p::Channel channel, ByteView payload) override;
  void SendTo(const crypto::PublicKey& peer, node::p2p::Channel channel, ByteView payload) override;
  std::vector<crypto::PublicKey> ConnectedPeers() const override;
  void Penalise(const crypto::PublicKey& peer, std::string_view reason) override;

 private:
  friend class MemoryHub;
  MemoryHub& hub_;
  crypto::PublicKey self_;
  node::p2p::BusHandler handler_;
};

}  // namespace jobcard::testing
