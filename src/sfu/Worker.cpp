#include "sfu/Worker.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/PacketKind.hpp"
#include "ice/StunMessage.hpp"

namespace jb::sfu {

namespace asio = boost::asio;
using udp = asio::ip::udp;

namespace {
// Often enough to notice consent expiry within a quarter of the timeout, and for the routers' media
// timers (upstream NACKs for a gap at the end of a burst are due 20 ms after it, retried every 100 ms).
std::chrono::steady_clock::duration tickInterval(std::chrono::steady_clock::duration consentTimeout) {
  using namespace std::chrono_literals;
  return std::clamp<std::chrono::steady_clock::duration>(consentTimeout / 4, 20ms, 40ms);
}
}  // namespace

Worker::Worker(unsigned index, Options options, std::shared_ptr<const dtls::Certificate> certificate)
    : index_(index),
      options_(std::move(options)),
      certificate_(std::move(certificate)),
      workGuard_(asio::make_work_guard(io_)),
      socket_(io_),
      tick_(io_) {
  udp::endpoint local(asio::ip::make_address(options_.listenAddress), options_.port);
  socket_.open(local.protocol());
  socket_.bind(local);  // throws with the OS error (e.g. address in use): fatal at start-up
  socket_.non_blocking(true);
  // Bursts of video from many senders arrive between two turns of the loop.
  socket_.set_option(asio::socket_base::receive_buffer_size(4 * 1024 * 1024));
  socket_.set_option(asio::socket_base::send_buffer_size(4 * 1024 * 1024));
  port_ = socket_.local_endpoint().port();
  loopbackOnly_ = local.address().is_loopback();
  if (options_.iceTcp) {
    IceTcpServer::Options tcp;
    tcp.listenAddress = options_.listenAddress;
    tcp.port = options_.tcpPort;
    tcp.preferredPort = port_;  // one number for both candidates is easier on firewalls and operators
    tcp.maxConnections = options_.maxTcpConnections;
    tcpServer_ = std::make_unique<IceTcpServer>(io_, tcp, options_.tcpLimits,
                                                static_cast<IceTcpServer::Listener&>(*this), counters_.tcp);
  }
}

Worker::~Worker() {
  stop();
}

void Worker::start() {
  receiveLoop();
  if (tcpServer_) tcpServer_->start();
  scheduleTick();
  counters_.lastTickNanos.store(std::chrono::steady_clock::now().time_since_epoch().count(),
                                std::memory_order_relaxed);
  thread_ = std::thread([this] {
    spdlog::info("[media] worker={} listening udp={}:{}{} tcp={} announced={} ice_consent_timeout={}s",
                 index_, options_.listenAddress, port_, options_.iceUdp ? "" : " (not announced)",
                 tcpServer_ ? std::to_string(tcpServer_->port()) : "off", options_.announcedAddress,
                 std::chrono::duration_cast<std::chrono::seconds>(options_.iceConsentTimeout).count());
    io_.run();
  });
}

void Worker::stop() {
  if (!thread_.joinable()) return;
  // Media objects must die on their own thread (they cancel timers owned by this io_context).
  asio::post(io_, [this] {
    routers_.clear();
    if (tcpServer_) tcpServer_->stop();
    boost::system::error_code ec;
    socket_.close(ec);
    tick_.cancel();
    counters_.lastTickNanos.store(0, std::memory_order_relaxed);
    workGuard_.reset();
  });
  thread_.join();
}

Router& Worker::router(const std::string& roomId) {
  auto& slot = routers_[roomId];
  if (!slot) {
    slot = std::make_unique<Router>(roomId, *this, options_.peerLimits);
    slot->setAudioTap(audioTap_);
    slot->speakers().setReporter([this](SpeakerActivity activity) {
      if (!speakerActivityHandler_) return;
      activity.worker = index_;
      asio::post(speakerActivityExecutor_,
                 [handler = speakerActivityHandler_, activity = std::move(activity)]() mutable {
                   handler(std::move(activity));
                 });
    });
    slot->setLayersChangedHandler([this, roomId](const Router::LayersChange& change) {
      if (!layersChangedHandler_) return;
      ConsumerLayersChanged event{index_, roomId, change.peerId, change.consumerId, change.spatialLayer};
      asio::post(layersChangedExecutor_, [handler = layersChangedHandler_,
                                          event = std::move(event)]() mutable { handler(std::move(event)); });
    });
  }
  return *slot;
}

Router* Worker::findRouter(const std::string& roomId) {
  auto it = routers_.find(roomId);
  return it == routers_.end() ? nullptr : it->second.get();
}

void Worker::closeRouter(const std::string& roomId) {
  routers_.erase(roomId);
}

void Worker::onPeerMediaClosed(asio::any_io_executor executor, PeerMediaClosedHandler handler) {
  asio::post(io_, [this, executor = std::move(executor), handler = std::move(handler)]() mutable {
    peerMediaClosedExecutor_ = std::move(executor);
    peerMediaClosedHandler_ = std::move(handler);
  });
}

void Worker::onConsumerLayersChanged(asio::any_io_executor executor, ConsumerLayersChangedHandler handler) {
  asio::post(io_, [this, executor = std::move(executor), handler = std::move(handler)]() mutable {
    layersChangedExecutor_ = std::move(executor);
    layersChangedHandler_ = std::move(handler);
  });
}

void Worker::onSpeakerActivity(asio::any_io_executor executor, SpeakerActivityHandler handler) {
  asio::post(io_, [this, executor = std::move(executor), handler = std::move(handler)]() mutable {
    speakerActivityExecutor_ = std::move(executor);
    speakerActivityHandler_ = std::move(handler);
  });
}

bool Worker::responsive(std::chrono::steady_clock::time_point now,
                        std::chrono::steady_clock::duration stall) const {
  std::chrono::steady_clock::time_point lastTick(
      std::chrono::steady_clock::duration(counters_.lastTickNanos.load(std::memory_order_relaxed)));
  return now - lastTick < stall;
}

void Worker::registerUsernameFragment(const std::string& ufrag, WebRtcTransport& transport) {
  transportsByUfrag_[ufrag] = &transport;
}

void Worker::unregisterUsernameFragment(const std::string& ufrag, WebRtcTransport& transport) {
  if (auto it = transportsByUfrag_.find(ufrag); it != transportsByUfrag_.end() && it->second == &transport)
    transportsByUfrag_.erase(it);
}

std::optional<uint16_t> Worker::udpCandidatePort() const {
  return options_.iceUdp ? std::optional<uint16_t>(port_) : std::nullopt;
}

std::optional<uint16_t> Worker::tcpCandidatePort() const {
  return tcpServer_ ? std::optional<uint16_t>(tcpServer_->port()) : std::nullopt;
}

void Worker::registerTuple(const Tuple& remote, WebRtcTransport& transport) {
  transportsByTuple_[remote] = &transport;
  // RFC 6544 §7.2: the connection is now this transport's, and past its authentication deadline.
  if (remote.isTcp() && tcpServer_) tcpServer_->markAuthenticated(remote);
}

void Worker::unregisterTransport(WebRtcTransport& transport) {
  std::erase_if(transportsByUfrag_, [&](const auto& kv) { return kv.second == &transport; });
  std::vector<Tuple> connections;
  std::erase_if(transportsByTuple_, [&](const auto& kv) {
    if (kv.second != &transport) return false;
    if (kv.first.isTcp()) connections.push_back(kv.first);
    return true;
  });
  // Its TCP connections serve nobody now. Closed after the erase: onIceTcpClosed finds no transport.
  if (tcpServer_)
    for (const Tuple& tuple : connections) tcpServer_->close(tuple, IceTcpCloseReason::TransportClosed);
}

void Worker::onIceTcpPacket(uint8_t* data, size_t length, const Tuple& from) {
  handleDatagram(data, length, from);
}

void Worker::onIceTcpClosed(const Tuple& tuple) {
  auto it = transportsByTuple_.find(tuple);
  if (it == transportsByTuple_.end()) return;  // never authenticated, or its transport is gone
  WebRtcTransport* transport = it->second;
  transportsByTuple_.erase(it);
  transport->tupleClosed(tuple);
}

void Worker::sendDatagram(const Tuple& remote, std::span<const uint8_t> datagram) {
  if (remote.isTcp()) {
    auto result = tcpServer_ ? tcpServer_->send(remote, datagram) : IceTcpConnection::SendResult::Closed;
    if (result == IceTcpConnection::SendResult::QueueFull || result == IceTcpConnection::SendResult::Closed)
      countDrop(counters_, DropReason::TcpSendQueueFull);
    return;
  }
  boost::system::error_code ec;
  // Non-blocking: if the kernel buffer is full the packet is lost, as on any congested link.
  socket_.send_to(asio::buffer(datagram.data(), datagram.size()), remote.remote, 0, ec);
  if (ec) {
    countDrop(counters_, DropReason::SendFailure);
    return;
  }
  bump(counters_.packetsOut);
  bump(counters_.bytesOut, datagram.size());
}

void Worker::receiveLoop() {
  socket_.async_receive_from(asio::buffer(receiveBuffer_), receiveFrom_,
                             [this](const boost::system::error_code& ec, size_t length) {
                               if (ec == asio::error::operation_aborted || !socket_.is_open()) return;
                               if (!ec)
                                 handleDatagram(receiveBuffer_.data(), length, Tuple::udp(receiveFrom_));
                               receiveLoop();
                             });
}

void Worker::handleDatagram(uint8_t* data, size_t length, const Tuple& from) {
  if (!from.isTcp()) {  // TCP frames are counted in counters_.tcp
    bump(counters_.packetsIn);
    bump(counters_.bytesIn, length);
  }
  std::span<const uint8_t> view(data, length);
  switch (common::classifyPacket(view)) {
    case common::PacketKind::Stun:
      handleStun(view, from);
      return;
    case common::PacketKind::Dtls:
    case common::PacketKind::RtpOrRtcp: {
      // Only tuples that passed an authenticated ICE check are known here.
      auto it = transportsByTuple_.find(from);
      if (it == transportsByTuple_.end()) {
        countDrop(counters_, DropReason::UnknownTuple);
        return;
      }
      if (common::classifyPacket(view) == common::PacketKind::Dtls)
        it->second->receiveDtls(view, from);
      else
        it->second->receiveSrtp(data, length, from);
      return;
    }
    case common::PacketKind::Unknown:
      countDrop(counters_, DropReason::UnknownKind);
      return;
  }
}

void Worker::handleStun(std::span<const uint8_t> data, const Tuple& from) {
  // A worker bound to loopback serves only this machine: a check arriving from another local interface
  // address would make us answer (and later stream media) to that address instead of over 127.0.0.1.
  if (loopbackOnly_ && !from.remote.address().is_loopback()) {
    countDrop(counters_, DropReason::BadStun);
    return;
  }
  auto message = ice::StunMessage::parse(data);
  if (!message || !message->username()) {
    countDrop(counters_, DropReason::BadStun);
    return;
  }
  const std::string& username = *message->username();
  auto it = transportsByUfrag_.find(username.substr(0, username.find(':')));
  if (it == transportsByUfrag_.end()) {
    countDrop(counters_, DropReason::BadStun);
    return;
  }
  if (from.isTcp()) {
    // A TCP connection belongs to the transport of its first authenticated check (RFC 6544 §7.2 makes
    // it one candidate pair); checks for another transport on it are a confused or hostile client.
    auto bound = transportsByTuple_.find(from);
    if (bound != transportsByTuple_.end() && bound->second != it->second) {
      countDrop(counters_, DropReason::BadStun);
      if (tcpServer_) tcpServer_->close(from, IceTcpCloseReason::WrongTransport);
      return;
    }
  }
  it->second->receiveStun(*message, from);
}

void Worker::scheduleTick() {
  tick_.expires_after(tickInterval(options_.iceConsentTimeout));
  tick_.async_wait([this](const boost::system::error_code& ec) {
    // stop() closes the socket: a tick that had already fired when it cancelled the timer must not
    // arm another one, or io_.run() would never run out of work.
    if (ec || !socket_.is_open()) return;
    onTick(std::chrono::steady_clock::now());
    scheduleTick();
  });
}

void Worker::onTick(std::chrono::steady_clock::time_point now) {
  counters_.lastTickNanos.store(now.time_since_epoch().count(), std::memory_order_relaxed);
  // RFC 3550 §6.2 lets the interval scale with bandwidth; once a second is what browsers do for media.
  const bool reportsDue = now - lastReceiverReports_ >= std::chrono::seconds(1);
  if (reportsDue) lastReceiverReports_ = now;
  for (auto& [roomId, router] : routers_) {
    if (reportsDue) router->sendReceiverReports(now);
    router->onTimer(now);
    for (const auto& expired : router->checkConsent(now)) {
      // RFC 7675 §5.1: without consent we must stop sending. The browser is gone (tab closed, network
      // lost), so everything the peer had here goes, and signaling ends its session.
      bump(counters_.consentExpirations);
      PeerMediaClosed event{index_, roomId, expired.peerId, PeerMediaClosed::Cause::IceConsentExpired,
                            router->closePeer(expired.peerId)};
      spdlog::info(
          "[media] worker={} room={} peer={} transport={} ice consent expired after {}s: closed {} producers",
          index_, roomId, expired.peerId, expired.transportId,
          std::chrono::duration_cast<std::chrono::seconds>(options_.iceConsentTimeout).count(),
          event.report.producers.size());
      report(std::move(event));
    }
  }
}

void Worker::report(PeerMediaClosed event) {
  if (!peerMediaClosedHandler_) return;
  asio::post(peerMediaClosedExecutor_, [handler = peerMediaClosedHandler_,
                                        event = std::move(event)]() mutable { handler(std::move(event)); });
}

}  // namespace jb::sfu
