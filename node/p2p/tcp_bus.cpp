#include "node/p2p/tcp_bus.h"

#include <sodium.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <map>
#include <set>

#include "node/log.h"
#include "node/p2p/peer_link.h"

namespace jobcard::node::p2p {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

std::string ShortKey(const crypto::PublicKey& key) { return ToHex(ByteView(key).first(8)); }

FixedBytes<32> FreshEphemeralSecret() {
  FixedBytes<32> secret{};
  randombytes_buf(secret.data(), secret.size());
  return secret;
}

// One configured peer we dial, with its backoff.
struct Dialer {
  PeerAddress address;
  std::chrono::milliseconds backoff{0};
  std::unique_ptr<asio::steady_timer> timer;
  std::unique_ptr<tcp::resolver> resolver;
  bool busy = false;  // a resolve, connect, handshake or redial timer is in flight
};

struct PeerScore {
  int points = 0;
  std::optional<Clock::time_point> banned_until;
};

// A frame the peer must have forged or broken (not our own counter limit).
bool IsFrameFault(const Error& reason) {
  return reason.code == "p2p.frame.auth" || reason.code == "p2p.frame.oversize" ||
         reason.code == "p2p.frame.undersize";
}

}  // namespace

class TcpBus::Core : public PeerLinkOwner, public std::enable_shared_from_this<TcpBus::Core> {
 public:
  Core(asio::io_context& io, std::shared_ptr<const crypto::SigningKey> node_key, TcpBusOptions options,
       BusHandler handler)
      : io_(io),
        node_key_(std::move(node_key)),
        options_(std::move(options)),
        handler_(std::move(handler)),
        acceptor_(io) {
    allowed_.insert(options_.allowed_keys.begin(), options_.allowed_keys.end());
    for (const auto& peer : options_.peers) AddDialer(peer);
  }

  void AddPeer(const PeerAddress& peer) {
    if (AddDialer(peer) && started_) Dial(peer.key);
  }

  Status Start() {
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(options_.listen_host, ec);
    if (ec) return MakeError("p2p.listen", "p2p listen host \"" + options_.listen_host + "\" is not an IP address");
    const tcp::endpoint endpoint(address, options_.listen_port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return MakeError("p2p.listen", "cannot listen on " + options_.listen_host + ":" +
                                         std::to_string(options_.listen_port) + ": " + ec.message());
    }
    listen_port_ = acceptor_.local_endpoint().port();
    started_ = true;
    LogInfo("p2p listening", {{"port", listen_port_}, {"peers", dialers_.size()}});
    Accept();
    for (auto& [key, dialer] : dialers_) Dial(key);
    return Status::Ok();
  }

  void Stop() {
    if (stopped_) return;
    stopped_ = true;
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    for (auto& [key, dialer] : dialers_) {
      dialer.timer->cancel();
      dialer.resolver->cancel();
    }
    // Close every link; OnLinkClosed sees stopped_ and only forgets them.
    std::vector<std::shared_ptr<PeerLink>> links(pending_.begin(), pending_.end());
    for (auto& [key, link] : active_) links.push_back(link);
    for (auto& link : links) link->Close(MakeError("p2p.stopped", "the bus stopped"));
    pending_.clear();
    active_.clear();
  }

  std::uint16_t listen_port() const { return listen_port_; }

  void SetAllowedKeys(const std::vector<crypto::PublicKey>& keys, const std::optional<PartingFrame>& parting) {
    allowed_ = std::set<crypto::PublicKey>(keys.begin(), keys.end());
    std::vector<std::shared_ptr<PeerLink>> gone;
    for (auto& [key, link] : active_) {
      if (!allowed_.count(key)) gone.push_back(link);
    }
    // Still listed as connected until the parting ends (OnLinkClosed).
    for (auto& link : gone) {
      if (parting) link->Send(static_cast<std::uint8_t>(parting->channel), parting->payload);
      link->CloseAfterSending(MakeError("p2p.not_allowed", "the peer's key is no longer allowed"), options_.parting_limit);
    }
  }

  void Broadcast(Channel channel, ByteView payload) {
    for (auto& [key, link] : active_) link->Send(static_cast<std::uint8_t>(channel), payload);
  }

  void SendTo(const crypto::PublicKey& peer, Channel channel, ByteView payload) {
    auto it = active_.find(peer);
    if (it != active_.end()) it->second->Send(static_cast<std::uint8_t>(channel), payload);
  }

  std::vector<crypto::PublicKey> ConnectedPeers() const {
    std::vector<crypto::PublicKey> keys;
    for (const auto& [key, link] : active_) keys.push_back(key);
    return keys;
  }

  void Penalise(const crypto::PublicKey& peer, std::string_view reason) {
    LogWarn("p2p peer penalised", {{"peer", ShortKey(peer)}, {"reason", std::string(reason)}});
    AddPoints(peer, options_.penalty_points);
  }

  bool IsBanned(const crypto::PublicKey& peer) const {
    auto it = scores_.find(peer);
    return it != scores_.end() && it->second.banned_until && Clock::now() < *it->second.banned_until;
  }

  std::optional<PeerLinkStats> StatsOf(const crypto::PublicKey& peer) const {
    auto it = active_.find(peer);
    if (it == active_.end()) return std::nullopt;
    return PeerLinkStats{it->second->queued_frames(), it->second->queued_bytes(), it->second->dropped_frames()};
  }

  // PeerLinkOwner

  void OnLinkReady(const std::shared_ptr<PeerLink>& link) override {
    pending_.erase(link);
    if (stopped_) return link->Close(MakeError("p2p.stopped", "the bus stopped"));
    const crypto::PublicKey& key = link->remote_key();
    if (IsBanned(key)) return link->Close(MakeError("p2p.banned", "the peer is banned for a while"));
    auto dialer = dialers_.find(key);
    if (dialer != dialers_.end()) dialer->second.backoff = options_.reconnect_initial;
    auto existing = active_.find(key);
    if (existing != active_.end()) {
      // Both ends apply the same rule, so both keep the same connection.
      if (Preferred(*existing->second) && !Preferred(*link)) {
        return link->Close(MakeError("p2p.duplicate", "already connected to this peer"));
      }
      std::shared_ptr<PeerLink> old = existing->second;
      existing->second = link;
      old->Close(MakeError("p2p.duplicate", "replaced by a newer or preferred connection"));
      return;  // the peer stayed connected throughout: no events
    }
    active_[key] = link;
    LogInfo("p2p peer connected", {{"peer", ShortKey(key)}, {"dialled", link->initiator()}});
    if (handler_.on_peer_connected) handler_.on_peer_connected(key);
  }

  void OnLinkFrame(const std::shared_ptr<PeerLink>& link, std::uint8_t channel, ByteView payload) override {
    if (stopped_) return;
    auto it = active_.find(link->remote_key());
    if (it == active_.end() || it->second != link) return;  // a losing duplicate's last frames
    if (channel < static_cast<std::uint8_t>(Channel::kConsensus) || channel > static_cast<std::uint8_t>(Channel::kSync)) {
      Penalise(link->remote_key(), "frame on unknown channel " + std::to_string(channel));
      return;
    }
    if (handler_.on_message) handler_.on_message(link->remote_key(), static_cast<Channel>(channel), payload);
  }

  void OnLinkClosed(const std::shared_ptr<PeerLink>& link, const Error& reason) override {
    pending_.erase(link);
    if (stopped_) return;
    if (link->ready()) {
      const crypto::PublicKey key = link->remote_key();
      auto it = active_.find(key);
      if (it != active_.end() && it->second == link) {
        active_.erase(it);
        LogInfo("p2p peer disconnected", {{"peer", ShortKey(key)}, {"reason", reason.code}});
        if (handler_.on_peer_disconnected) handler_.on_peer_disconnected(key);
        if (IsFrameFault(reason)) AddPoints(key, options_.frame_fault_points);
        RedialLater(key);
      }
    } else {
      LogDebug("p2p handshake failed", {{"reason", reason.code}, {"message", reason.message}});
    }
    if (link->dialled_key() && !active_.count(*link->dialled_key())) RedialLater(*link->dialled_key());
  }

 private:
  // The connection both ends keep when there are two: the one dialled by
  // the smaller node key.
  bool Preferred(const PeerLink& link) const {
    const bool we_are_smaller = node_key_->public_key() < link.remote_key();
    return link.initiator() == we_are_smaller;
  }

  bool AddDialer(const PeerAddress& peer) {
    // A shared peer list may name this node itself.
    if (stopped_ || peer.key == node_key_->public_key() || dialers_.count(peer.key)) return false;
    Dialer& dialer = dialers_[peer.key];
    dialer.address = peer;
    dialer.backoff = options_.reconnect_initial;
    dialer.timer = std::make_unique<asio::steady_timer>(io_);
    dialer.resolver = std::make_unique<tcp::resolver>(io_);
    return true;
  }

  HandshakeSettings Settings(std::optional<crypto::PublicKey> expected) {
    HandshakeSettings settings;
    settings.chain_id = options_.chain_id;
    settings.node_key = node_key_.get();
    settings.expected_peer = expected;
    std::weak_ptr<Core> weak = weak_from_this();
    settings.is_allowed = [weak](const crypto::PublicKey& key) {
      auto core = weak.lock();
      return core && core->allowed_.count(key) > 0;
    };
    return settings;
  }

  PeerLinkLimits Limits() const {
    return {options_.handshake_timeout, options_.max_queued_frames, options_.max_queued_bytes};
  }

  void Accept() {
    acceptor_.async_accept([weak = weak_from_this()](const boost::system::error_code& ec, tcp::socket socket) {
      auto core = weak.lock();
      if (!core || core->stopped_) return;
      if (!ec) core->AdoptInbound(std::move(socket));
      core->Accept();
    });
  }

  void AdoptInbound(tcp::socket socket) {
    if (pending_.size() >= options_.max_pending_handshakes) {
      boost::system::error_code ignored;
      socket.close(ignored);  // bounded: unauthenticated sockets cost memory and a timer each
      return;
    }
    auto link = std::make_shared<PeerLink>(
        std::move(socket), Handshake(Handshake::Role::kResponder, Settings(std::nullopt), FreshEphemeralSecret()),
        Limits(), weak_from_this());
    pending_.insert(link);
    link->Begin();
  }

  void Dial(const crypto::PublicKey& key) {
    auto it = dialers_.find(key);
    if (stopped_ || it == dialers_.end() || active_.count(key)) return;
    Dialer& dialer = it->second;
    if (IsBanned(key)) {
      dialer.busy = true;
      WaitThenDial(key, std::chrono::duration_cast<std::chrono::milliseconds>(*scores_[key].banned_until - Clock::now()));
      return;
    }
    dialer.busy = true;
    dialer.resolver->async_resolve(
        dialer.address.host, std::to_string(dialer.address.port),
        [weak = weak_from_this(), key](const boost::system::error_code& ec, tcp::resolver::results_type endpoints) {
          auto core = weak.lock();
          if (!core || core->stopped_) return;
          if (ec) return core->DialFailed(key, ec.message());
          auto socket = std::make_shared<tcp::socket>(core->io_);
          asio::async_connect(*socket, endpoints,
                              [weak, key, socket](const boost::system::error_code& connect_ec, const tcp::endpoint&) {
                                auto owner = weak.lock();
                                if (!owner || owner->stopped_) return;
                                if (connect_ec) return owner->DialFailed(key, connect_ec.message());
                                owner->AdoptOutbound(key, std::move(*socket));
                              });
        });
  }

  void AdoptOutbound(const crypto::PublicKey& key, tcp::socket socket) {
    auto link = std::make_shared<PeerLink>(
        std::move(socket), Handshake(Handshake::Role::kInitiator, Settings(key), FreshEphemeralSecret()), Limits(),
        weak_from_this());
    link->set_dialled_key(key);
    pending_.insert(link);
    dialers_[key].busy = false;  // from here the link's close reports back
    link->Begin();
  }

  void DialFailed(const crypto::PublicKey& key, const std::string& why) {
    LogDebug("p2p dial failed", {{"peer", ShortKey(key)}, {"reason", why}});
    dialers_[key].busy = false;
    RedialLater(key);
  }

  void RedialLater(const crypto::PublicKey& key) {
    auto it = dialers_.find(key);
    if (stopped_ || it == dialers_.end() || it->second.busy) return;
    Dialer& dialer = it->second;
    dialer.busy = true;
    // Up to a quarter of jitter, so that peers restarted together spread out.
    const auto base = dialer.backoff;
    const auto jitter = std::chrono::milliseconds(randombytes_uniform(static_cast<std::uint32_t>(base.count() / 4 + 1)));
    dialer.backoff = std::min(options_.reconnect_max, base * 2);
    WaitThenDial(key, base + jitter);
  }

  void WaitThenDial(const crypto::PublicKey& key, std::chrono::milliseconds delay) {
    Dialer& dialer = dialers_[key];
    dialer.timer->expires_after(std::max(delay, std::chrono::milliseconds(1)));
    dialer.timer->async_wait([weak = weak_from_this(), key](const boost::system::error_code& ec) {
      auto core = weak.lock();
      if (ec || !core || core->stopped_) return;
      core->dialers_[key].busy = false;
      core->Dial(key);
    });
  }

  void AddPoints(const crypto::PublicKey& peer, int points) {
    PeerScore& score = scores_[peer];
    score.points += points;
    if (score.points < options_.ban_threshold_points) return;
    score.points = 0;
    score.banned_until = Clock::now() + options_.ban_duration;
    LogWarn("p2p peer banned", {{"peer", ShortKey(peer)}, {"ms", options_.ban_duration.count()}});
    auto it = active_.find(peer);
    if (it != active_.end()) {
      auto link = it->second;
      link->Close(MakeError("p2p.banned", "the peer's score passed the threshold"));
    }
  }

  asio::io_context& io_;
  std::shared_ptr<const crypto::SigningKey> node_key_;
  TcpBusOptions options_;
  BusHandler handler_;
  tcp::acceptor acceptor_;
  std::uint16_t listen_port_ = 0;
  bool started_ = false;
  bool stopped_ = false;
  std::set<crypto::PublicKey> allowed_;
  std::set<std::shared_ptr<PeerLink>> pending_;
  std::map<crypto::PublicKey, std::shared_ptr<PeerLink>> active_;
  std::map<crypto::PublicKey, Dialer> dialers_;
  std::map<crypto::PublicKey, PeerScore> scores_;
};

TcpBus::TcpBus(asio::io_context& io, std::shared_ptr<const crypto::SigningKey> node_key, TcpBusOptions options,
               BusHandler handler)
    : core_(std::make_shared<Core>(io, std::move(node_key), std::move(options), std::move(handler))) {}

TcpBus::~TcpBus() { core_->Stop(); }

Status TcpBus::Start() { return core_->Start(); }
void TcpBus::Stop() { core_->Stop(); }
std::uint16_t TcpBus::listen_port() const { return core_->listen_port(); }
void TcpBus::SetAllowedKeys(const std::vector<crypto::PublicKey>& keys, const std::optional<PartingFrame>& parting) {
  core_->SetAllowedKeys(keys, parting);
}
void TcpBus::AddPeer(const PeerAddress& peer) { core_->AddPeer(peer); }
void TcpBus::Broadcast(Channel channel, ByteView payload) { core_->Broadcast(channel, payload); }
void TcpBus::SendTo(const crypto::PublicKey& peer, Channel channel, ByteView payload) {
  core_->SendTo(peer, channel, payload);
}
std::vector<crypto::PublicKey> TcpBus::ConnectedPeers() const { return core_->ConnectedPeers(); }
void TcpBus::Penalise(const crypto::PublicKey& peer, std::string_view reason) { core_->Penalise(peer, reason); }
bool TcpBus::IsBanned(const crypto::PublicKey& peer) const { return core_->IsBanned(peer); }
std::optional<PeerLinkStats> TcpBus::StatsOf(const crypto::PublicKey& peer) const { return core_->StatsOf(peer); }

}  // namespace jobcard::node::p2p
