// The Byzantine validator of the hostile-peer tests: a real TcpBus with one
// of the genesis validators' keys, so it completes the real handshake with
// the honest hosts (tests/support/tcp_consensus_cluster.h), and then sends
// whatever the test hands it. It never runs consensus itself; it only counts
// what the honest nodes send it.
#pragma once

#include <map>
#include <memory>
#include <set>

#include "node/consensus_wire.h"
#include "node/p2p/tcp_bus.h"

namespace jobcard::node::p2p::testing {

class HostilePeer {
 public:
  HostilePeer(boost::asio::io_context& io, std::shared_ptr<crypto::SigningKey> key, TcpBusOptions options)
      : key_(std::move(key)) {
    BusHandler handler;
    handler.on_message = [this](const crypto::PublicKey&, Channel channel, ByteView payload) {
      ++received_[channel];
      if (channel != Channel::kTxs) return;
      // Each transaction of the batch (node/consensus_wire.h); an honest
      // node sends nothing else there.
      auto batch = DecodeTxBatch(payload);
      if (!batch.ok()) return ++undecodable_tx_payloads_, void();
      for (auto& gossiped : *batch) received_txs_.insert(std::move(gossiped.encoded));
    };
    bus_ = std::make_unique<TcpBus>(io, key_, std::move(options), std::move(handler));
  }
  ~HostilePeer() { bus_->Stop(); }

  Status Start() { return bus_->Start(); }
  TcpBus& bus() { return *bus_; }
  const crypto::SigningKey& key() const { return *key_; }
  const crypto::PublicKey& public_key() const { return key_->public_key(); }
  bool ConnectedTo(const crypto::PublicKey& peer) const {
    const auto peers = bus_->ConnectedPeers();
    return std::find(peers.begin(), peers.end(), peer) != peers.end();
  }
  std::uint64_t received(Channel channel) const {
    auto it = received_.find(channel);
    return it == received_.end() ? 0 : it->second;
  }
  // Whether an honest node sent it this transaction (its encoding) on kTxs.
  bool ReceivedTx(const Bytes& encoded) const { return received_txs_.count(encoded) > 0; }
  std::uint64_t undecodable_tx_payloads() const { return undecodable_tx_payloads_; }

 private:
  std::shared_ptr<crypto::SigningKey> key_;
  std::unique_ptr<TcpBus> bus_;
  std::map<Channel, std::uint64_t> received_;
  std::set<Bytes> received_txs_;
  std::uint64_t undecodable_tx_payloads_ = 0;
};

}  // namespace jobcard::node::p2p::testing
