// One TCP connection to a peer: the handshake over the socket (with a
// deadline), then the frame loop, and a bounded queue of frames to send in
// two lanes: consensus and sync messages go before transactions, and frames
// are sealed (numbered) when they are written, several per write. The Asio shell around the pure Handshake and frame codec; TcpBus
// owns the policy (who may connect, which duplicate survives, scoring).
//
// Threading: everything runs on the io_context that owns the socket; the
// link keeps itself alive (shared_from_this) while an operation is pending.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "node/p2p/frame_codec.h"
#include "node/p2p/handshake.h"

namespace jobcard::node::p2p {

class PeerLink;

// What a link reports to whoever owns it. Called on the link's io_context.
class PeerLinkOwner {
 public:
  virtual ~PeerLinkOwner() = default;
  virtual void OnLinkReady(const std::shared_ptr<PeerLink>& link) = 0;
  virtual void OnLinkFrame(const std::shared_ptr<PeerLink>& link, std::uint8_t channel, ByteView payload) = 0;
  // Once per link, whatever closed it (the peer, an error, the owner).
  virtual void OnLinkClosed(const std::shared_ptr<PeerLink>& link, const Error& reason) = 0;
};

struct PeerLinkLimits {
  std::chrono::milliseconds handshake_timeout{5000};
  std::size_t max_queued_frames = 8192;
  std::size_t max_queued_bytes = 32 * 1024 * 1024;
};

class PeerLink : public std::enable_shared_from_this<PeerLink> {
 public:
  PeerLink(boost::asio::ip::tcp::socket socket, Handshake handshake, PeerLinkLimits limits,
           std::weak_ptr<PeerLinkOwner> owner);

  // Starts the handshake and its deadline. Call once.
  void Begin();
  // Queues a frame (sealed when written). False (and counted as dropped)
  // when the link is not ready or the queue is at its frame or byte bound.
  bool Send(std::uint8_t channel, ByteView payload);
  // Closes the socket; the owner hears OnLinkClosed once. Idempotent.
  void Close(const Error& reason);
  // A parting close: queued transactions are dropped, consensus and sync
  // frames already queued are written, then the link half-closes and waits
  // for the peer's end (a plain close with unread bytes would reset the
  // connection, and the peer could lose the last frames). Frames that arrive
  // meanwhile are not delivered and Send refuses new ones. Close(reason)
  // runs when the peer closes or after `limit`, whichever comes first.
  void CloseAfterSending(const Error& reason, std::chrono::milliseconds limit);

  bool ready() const { return ready_; }
  bool closed() const { return closed_; }
  bool initiator() const { return handshake_.role() == Handshake::Role::kInitiator; }
  // Precondition: ready() (or closed after being ready).
  const crypto::PublicKey& remote_key() const { return remote_key_; }
  // The key this link was dialled for (initiators only).
  const std::optional<crypto::PublicKey>& dialled_key() const { return dialled_key_; }
  void set_dialled_key(const crypto::PublicKey& key) { dialled_key_ = key; }

  // Queued and being written.
  std::size_t queued_frames() const { return urgent_.size() + bulk_.size() + in_flight_.size(); }
  std::size_t queued_bytes() const { return queued_bytes_; }
  std::uint64_t dropped_frames() const { return dropped_frames_; }

 private:
  void WriteHandshake(Bytes message);
  void ReadHandshake();
  void AfterHandshakeStep();
  void Establish();
  void ReadFrameHeader();
  void ReadFrameBody(std::size_t body_bytes);
  void WriteNext();
  void FinishParting();

  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer handshake_deadline_;
  Handshake handshake_;
  PeerLinkLimits limits_;
  std::weak_ptr<PeerLinkOwner> owner_;
  std::optional<crypto::PublicKey> dialled_key_;

  bool ready_ = false;
  bool closed_ = false;
  std::optional<Error> parting_;  // CloseAfterSending's reason, while parting
  bool sent_fin_ = false;
  crypto::PublicKey remote_key_{};
  std::optional<FrameSealer> sealer_;
  std::optional<FrameOpener> opener_;
  Bytes handshake_buffer_;
  FixedBytes<kFrameHeaderBytes> header_{};
  Bytes body_;
  struct Outgoing {
    std::uint8_t channel = 0;
    Bytes payload;
    std::size_t frame_bytes = 0;  // once sealed
  };
  std::deque<Outgoing> urgent_;  // consensus and sync: written first
  std::deque<Outgoing> bulk_;    // transactions
  std::vector<Bytes> in_flight_;  // sealed, being written
  std::size_t queued_bytes_ = 0;  // frame bytes of the three
  bool writing_ = false;
  std::uint64_t dropped_frames_ = 0;
};

}  // namespace jobcard::node::p2p
