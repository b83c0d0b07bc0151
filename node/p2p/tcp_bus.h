// TcpBus: the MessageBus over TCP (spec/p2p.md). It listens, dials its
// configured peers and redials them with bounded exponential backoff, runs
// the authenticated handshake on every connection, keeps one connection per
// peer (the one dialled by the smaller key when both dial), bounds each
// peer's send queue, and scores peers: Penalise and broken frames add
// points, and past a threshold the peer is disconnected and banned for a
// while.
//
// Threading: one io_context, no threads of its own; construct, Start, call
// every method and destroy it on that io_context's thread. The BusHandler is
// called only from that loop and never after Stop(). Penalise and
// SetAllowedKeys may call on_peer_disconnected before they return (also from
// inside on_message, when the handler penalises the sender).
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "node/p2p/message_bus.h"

namespace jobcard::node::p2p {

// A peer to dial: where it listens and the node key it must prove there.
struct PeerAddress {
  std::string host;  // an IP address or a name; IPv6 without brackets
  std::uint16_t port = 0;
  crypto::PublicKey key{};
};

struct TcpBusOptions {
  std::string chain_id;
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 0;  // 0: any free port (listen_port() says which)
  std::vector<PeerAddress> peers;
  // Every key that may connect: the validators of the current set and the
  // configured observers. Other keys fail the handshake.
  std::vector<crypto::PublicKey> allowed_keys;

  std::chrono::milliseconds handshake_timeout{5000};
  std::chrono::milliseconds reconnect_initial{500};
  std::chrono::milliseconds reconnect_max{30000};
  std::size_t max_queued_frames = 8192;               // per peer; transactions may take half
  std::size_t max_queued_bytes = 32 * 1024 * 1024;     // per peer; below one largest frame, big payloads never fit
  std::size_t max_pending_handshakes = 64;             // connections not yet authenticated
  int penalty_points = 10;                             // per Penalise
  int frame_fault_points = 50;                         // a frame that fails to open, or is oversize
  int ban_threshold_points = 100;
  std::chrono::milliseconds ban_duration{60000};
  // How long a link dropped by SetAllowedKeys may take to deliver its
  // parting frame and what was queued before it.
  std::chrono::milliseconds parting_limit{2000};
};

// The last frame a dropped peer receives (SetAllowedKeys).
struct PartingFrame {
  Channel channel = Channel::kSync;
  Bytes payload;
};

// A peer's transport state, for tests and metrics.
struct PeerLinkStats {
  std::size_t queued_frames = 0;
  std::size_t queued_bytes = 0;
  std::uint64_t dropped_frames = 0;
};

class TcpBus final : public MessageBus {
 public:
  // `node_key` is this node's identity (a validator's validator key).
  TcpBus(boost::asio::io_context& io, std::shared_ptr<const crypto::SigningKey> node_key, TcpBusOptions options,
         BusHandler handler);
  ~TcpBus() override;
  TcpBus(const TcpBus&) = delete;
  TcpBus& operator=(const TcpBus&) = delete;

  // Binds the listen address and starts dialling. Error p2p.listen when the
  // address cannot be bound.
  Status Start();
  // Closes every connection and the listener and cancels every timer; the
  // handler is not called again. Idempotent; the destructor calls it.
  void Stop();
  // The port bound by Start (the kernel's pick when listen_port was 0).
  std::uint16_t listen_port() const;
  // Replaces the allowed keys (the validator set changed). Connected peers
  // no longer allowed are disconnected: their queued consensus and sync
  // frames and then `parting` (when given) are written first, within
  // options.parting_limit; nothing they send meanwhile is delivered. The
  // node uses it to hand a removed validator the block that removed it.
  void SetAllowedKeys(const std::vector<crypto::PublicKey>& keys, const std::optional<PartingFrame>& parting = std::nullopt);
  // Adds a peer to dial (and redial); dials it at once when started. A peer
  // already listed or this node's own key is ignored.
  void AddPeer(const PeerAddress& peer);

  void Broadcast(Channel channel, ByteView payload) override;
  void SendTo(const crypto::PublicKey& peer, Channel channel, ByteView payload) override;
  std::vector<crypto::PublicKey> ConnectedPeers() const override;
  void Penalise(const crypto::PublicKey& peer, std::string_view reason) override;

  bool IsBanned(const crypto::PublicKey& peer) const;
  std::optional<PeerLinkStats> StatsOf(const crypto::PublicKey& peer) const;

  class Core;  // the state shared with pending handlers (tcp_bus.cpp)

 private:
  std::shared_ptr<Core> core_;
};

}  // namespace jobcard::node::p2p
