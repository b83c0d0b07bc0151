#include "node/p2p/peer_link.h"

#include "node/p2p/message_bus.h"

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <cstdlib>

namespace jobcard::node::p2p {

namespace asio = boost::asio;

namespace {

Error SocketError(const boost::system::error_code& ec) {
  if (ec == asio::error::eof) return MakeError("p2p.closed", "the peer closed the connection");
  return MakeError("p2p.io", ec.message());
}

}  // namespace

PeerLink::PeerLink(asio::ip::tcp::socket socket, Handshake handshake, PeerLinkLimits limits,
                   std::weak_ptr<PeerLinkOwner> owner)
    : socket_(std::move(socket)),
      handshake_deadline_(socket_.get_executor()),
      handshake_(std::move(handshake)),
      limits_(limits),
      owner_(std::move(owner)) {}

void PeerLink::Begin() {
  boost::system::error_code ignored;
  socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
  handshake_deadline_.expires_after(limits_.handshake_timeout);
  handshake_deadline_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (ec || self->ready_) return;
    self->Close(MakeError("p2p.handshake.timeout", "the handshake did not finish in time"));
  });
  Bytes first = handshake_.Start();
  if (first.empty()) {
    ReadHandshake();
  } else {
    WriteHandshake(std::move(first));
  }
}

void PeerLink::WriteHandshake(Bytes message) {
  handshake_buffer_ = std::move(message);
  asio::async_write(socket_, asio::buffer(handshake_buffer_),
                    [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                      if (self->closed_) return;
                      if (ec) return self->Close(SocketError(ec));
                      self->AfterHandshakeStep();
                    });
}

void PeerLink::AfterHandshakeStep() {
  if (handshake_.complete()) return Establish();
  ReadHandshake();
}

void PeerLink::ReadHandshake() {
  handshake_buffer_.assign(handshake_.ExpectedBytes(), 0);
  asio::async_read(socket_, asio::buffer(handshake_buffer_),
                   [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                     if (self->closed_) return;
                     if (ec) return self->Close(SocketError(ec));
                     auto reply = self->handshake_.Receive(self->handshake_buffer_);
                     if (!reply.ok()) return self->Close(reply.error());
                     if (!reply->empty()) return self->WriteHandshake(std::move(reply).value());
                     self->AfterHandshakeStep();
                   });
}

void PeerLink::Establish() {
  handshake_deadline_.cancel();
  const LinkSession& session = handshake_.session();
  remote_key_ = session.remote_key;
  sealer_.emplace(session.send_key);
  opener_.emplace(session.receive_key);
  ready_ = true;
  handshake_buffer_.clear();
  auto owner = owner_.lock();
  if (!owner) return Close(MakeError("p2p.stopped", "the bus is gone"));
  owner->OnLinkReady(shared_from_this());
  if (closed_) return;  // the owner refused it (a duplicate, a banned key)
  ReadFrameHeader();
  WriteNext();
}

void PeerLink::ReadFrameHeader() {
  asio::async_read(socket_, asio::buffer(header_),
                   [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                     if (self->closed_) return;
                     // Parting: the peer's end (or any error) finishes it.
                     if (ec && self->parting_) return self->Close(*self->parting_);
                     if (ec) return self->Close(SocketError(ec));
                     // The length is checked before a byte of the body is read.
                     auto length = FrameOpener::BodyLength(self->header_);
                     if (!length.ok()) return self->Close(length.error());
                     self->ReadFrameBody(*length);
                   });
}

void PeerLink::ReadFrameBody(std::size_t body_bytes) {
  body_.resize(body_bytes);
  asio::async_read(socket_, asio::buffer(body_),
                   [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                     if (self->closed_) return;
                     if (ec && self->parting_) return self->Close(*self->parting_);
                     if (ec) return self->Close(SocketError(ec));
                     auto frame = self->opener_->Open(self->header_, self->body_);
                     if (!frame.ok()) return self->Close(self->parting_ ? *self->parting_ : frame.error());
                     if (self->parting_) return self->ReadFrameHeader();  // read to the peer's end, not delivered
                     if (auto owner = self->owner_.lock()) {
                       owner->OnLinkFrame(self, frame->channel, frame->payload);
                     }
                     if (self->closed_) return;
                     self->ReadFrameHeader();
                   });
}

bool PeerLink::Send(std::uint8_t channel, ByteView payload) {
  if (parting_) return false;  // a peer on its way out: not a lost frame
  if (!ready_ || closed_ || payload.size() > kMaxPayloadBytes) {
    ++dropped_frames_;
    return false;
  }
  const std::size_t frame_bytes = kFrameHeaderBytes + 1 + payload.size() + kAeadTagBytes;
  // Transactions are cheap to lose (every node that holds one relays it; a
  // client resubmits what never commits); proposals, votes and blocks are
  // not. So transactions fill at most half the queue, however fast they
  // come, and wait in their own lane: a proposal or a vote queued after a
  // burst of them is written before them.
  const bool transaction = channel == static_cast<std::uint8_t>(Channel::kTxs);
  const std::size_t max_frames = transaction ? limits_.max_queued_frames / 2 : limits_.max_queued_frames;
  const std::size_t max_bytes = transaction ? limits_.max_queued_bytes / 2 : limits_.max_queued_bytes;
  if (queued_frames() + 1 > max_frames || queued_bytes_ + frame_bytes > max_bytes) {
    ++dropped_frames_;
    return false;
  }
  queued_bytes_ += frame_bytes;
  (transaction ? bulk_ : urgent_).push_back(Outgoing{channel, Bytes(payload.begin(), payload.end()), frame_bytes});
  WriteNext();
  return true;
}

void PeerLink::WriteNext() {
  if (writing_ || closed_) return;
  if (urgent_.empty() && bulk_.empty()) return FinishParting();
  // Several frames per write: one system call instead of one per frame
  // (a burst of transactions is thousands of small frames). Sealed here, in
  // the order written, since the receiver checks the frame counter.
  constexpr std::size_t kMaxFramesPerWrite = 64;
  constexpr std::size_t kMaxBytesPerWrite = 256 * 1024;
  std::size_t batch_bytes = 0;
  while (in_flight_.size() < kMaxFramesPerWrite && (in_flight_.empty() || batch_bytes < kMaxBytesPerWrite)) {
    std::deque<Outgoing>& lane = !urgent_.empty() ? urgent_ : bulk_;
    if (lane.empty()) break;
    Outgoing next = std::move(lane.front());
    lane.pop_front();
    auto frame = sealer_->Seal(next.channel, next.payload);
    if (!frame.ok()) {
      queued_bytes_ -= next.frame_bytes;
      return Close(frame.error());
    }
    // The accounting above assumed this size.
    if (frame->size() != next.frame_bytes) std::abort();
    batch_bytes += frame->size();
    in_flight_.push_back(std::move(frame).value());
  }
  std::vector<asio::const_buffer> buffers;
  buffers.reserve(in_flight_.size());
  for (const Bytes& frame : in_flight_) buffers.push_back(asio::buffer(frame));
  writing_ = true;
  asio::async_write(socket_, buffers, [self = shared_from_this(), batch_bytes](const boost::system::error_code& ec, std::size_t) {
    self->writing_ = false;
    if (self->closed_) return;
    if (ec) return self->Close(self->parting_ ? *self->parting_ : SocketError(ec));
    self->queued_bytes_ -= batch_bytes;
    self->in_flight_.clear();
    self->WriteNext();
  });
}

void PeerLink::CloseAfterSending(const Error& reason, std::chrono::milliseconds limit) {
  if (closed_ || parting_) return;
  if (!ready_) return Close(reason);
  parting_ = reason;
  // Not counted as dropped, as Send does not count them from now on.
  for (const Outgoing& dropped : bulk_) queued_bytes_ -= dropped.frame_bytes;
  bulk_.clear();
  // The handshake's timer is free once the link is ready: it bounds the parting.
  handshake_deadline_.expires_after(limit);
  handshake_deadline_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (ec || self->closed_) return;
    self->Close(*self->parting_);
  });
  WriteNext();
}

// Everything queued is written: half-close, so the peer reads every frame
// and then its end of the stream; its own close ends the link.
void PeerLink::FinishParting() {
  if (!parting_ || sent_fin_ || writing_) return;
  sent_fin_ = true;
  boost::system::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
}

void PeerLink::Close(const Error& reason) {
  if (closed_) return;
  closed_ = true;
  handshake_deadline_.cancel();
  boost::system::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  // The queued frames are dropped: a closed link will never send them.
  if (!writing_) {
    urgent_.clear();
    bulk_.clear();
    in_flight_.clear();
    queued_bytes_ = 0;
  }
  if (auto owner = owner_.lock()) owner->OnLinkClosed(shared_from_this(), reason);
}

}  // namespace jobcard::node::p2p
