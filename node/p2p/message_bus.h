// The seam between the network and what uses it (consensus, tx gossip, block
// sync). Peers are identified by their Ed25519 node key, which the transport
// has authenticated in its handshake (spec/p2p.md); a payload arrives whole,
// once per frame, on a channel. Two implementations: the TCP transport
// (node/p2p/) and in-memory buses in tests, so the consensus host can be
// tested without sockets.
//
// Threading: a bus lives on one io_context (the node's event loop); it calls
// its BusHandler only from that loop, and its methods must be called only
// from that loop. Nothing here blocks.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/sign.h"

namespace jobcard::node::p2p {

// One byte on the wire, ahead of the payload. New channels take new numbers;
// a receiver drops (and scores) a frame on a channel it does not know.
enum class Channel : std::uint8_t {
  kConsensus = 1,  // proposals (with their block), votes
  kTxs = 2,        // transactions for the mempool
  kSync = 3,       // block requests and responses with their certificates
};

// The largest payload a bus carries (one block plus framing headroom); the
// transport refuses bigger frames before reading them.
inline constexpr std::size_t kMaxPayloadBytes = 4 * 1024 * 1024 + 4096;

struct BusHandler {
  // A whole payload from an authenticated peer. The view is valid only for
  // the duration of the call.
  std::function<void(const crypto::PublicKey& peer, Channel channel, ByteView payload)> on_message;
  std::function<void(const crypto::PublicKey& peer)> on_peer_connected;
  std::function<void(const crypto::PublicKey& peer)> on_peer_disconnected;
};

class MessageBus {
 public:
  virtual ~MessageBus() = default;

  // Queue `payload` for every connected peer. Never blocks; a peer whose
  // bounded send queue is full loses this payload (gossip resends).
  virtual void Broadcast(Channel channel, ByteView payload) = 0;
  // Queue `payload` for one peer; a no-op when it is not connected.
  virtual void SendTo(const crypto::PublicKey& peer, Channel channel, ByteView payload) = 0;
  virtual std::vector<crypto::PublicKey> ConnectedPeers() const = 0;
  // The peer sent something invalid (bad signature, undecodable message,
  // oversize). The bus scores it and disconnects it past a threshold.
  virtual void Penalise(const crypto::PublicKey& peer, std::string_view reason) = 0;
};

}  // namespace jobcard::node::p2p
