#include "sfu/Worker.hpp"

#include <spdlog/spdlog.h>

#include "common/PacketKind.hpp"
#include "ice/StunMessage.hpp"

namespace jb::sfu {

namespace asio = boost::asio;
using udp = asio::ip::udp;

namespace {
constexpr auto kTickInterval = std::chrono::seconds(1);
}

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
}

Worker::~Worker() {
  stop();
}

void Worker::start() {
  receiveLoop();
  scheduleTick();
  thread_ = std::thread([this] {
    spdlog::info("[worker {}] media on udp {}:{} (announced {})", index_, options_.listenAddress, port_,
                 options_.announcedAddress);
    io_.run();
  });
}

void Worker::stop() {
  if (!thread_.joinable()) return;
  // Media objects must die on their own thread (they cancel timers owned by this io_context).
  asio::post(io_, [this] {
    routers_.clear();
    boost::system::error_code ec;
    socket_.close(ec);
    tick_.cancel();
    workGuard_.reset();
  });
  thread_.join();
}

Router& Worker::router(const std::string& roomId) {
  auto& slot = routers_[roomId];
  if (!slot) slot = std::make_unique<Router>(roomId, *this);
  return *slot;
}

Router* Worker::findRouter(const std::string& roomId) {
  auto it = routers_.find(roomId);
  return it == routers_.end() ? nullptr : it->second.get();
}

void Worker::closeRouter(const std::string& roomId) {
  routers_.erase(roomId);
}

void Worker::registerUsernameFragment(const std::string& ufrag, WebRtcTransport& transport) {
  transportsByUfrag_[ufrag] = &transport;
}

void Worker::registerTuple(const Endpoint& remote, WebRtcTransport& transport) {
  transportsByTuple_[remote] = &transport;
}

void Worker::unregisterTransport(WebRtcTransport& transport) {
  std::erase_if(transportsByUfrag_, [&](const auto& kv) { return kv.second == &transport; });
  std::erase_if(transportsByTuple_, [&](const auto& kv) { return kv.second == &transport; });
}

void Worker::sendDatagram(const Endpoint& remote, std::span<const uint8_t> datagram) {
  boost::system::error_code ec;
  // Non-blocking: if the kernel buffer is full the packet is lost, as on any congested link.
  socket_.send_to(asio::buffer(datagram.data(), datagram.size()), remote, 0, ec);
  if (!ec) {
    counters_.packetsOut.fetch_add(1, std::memory_order_relaxed);
    counters_.bytesOut.fetch_add(datagram.size(), std::memory_order_relaxed);
  }
}

void Worker::receiveLoop() {
  socket_.async_receive_from(asio::buffer(receiveBuffer_), receiveFrom_,
                             [this](const boost::system::error_code& ec, size_t length) {
                               if (ec == asio::error::operation_aborted || !socket_.is_open()) return;
                               if (!ec) handleDatagram(receiveBuffer_.data(), length, receiveFrom_);
                               receiveLoop();
                             });
}

void Worker::handleDatagram(uint8_t* data, size_t length, const Endpoint& from) {
  counters_.packetsIn.fetch_add(1, std::memory_order_relaxed);
  counters_.bytesIn.fetch_add(length, std::memory_order_relaxed);
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
        counters_.droppedUnknownTuple.fetch_add(1, std::memory_order_relaxed);
        return;
      }
      if (common::classifyPacket(view) == common::PacketKind::Dtls)
        it->second->receiveDtls(view, from);
      else
        it->second->receiveSrtp(data, length, from);
      return;
    }
    case common::PacketKind::Unknown:
      counters_.droppedUnknownKind.fetch_add(1, std::memory_order_relaxed);
      return;
  }
}

void Worker::handleStun(std::span<const uint8_t> data, const Endpoint& from) {
  // A worker bound to loopback serves only this machine: a check arriving from another local interface
  // address would make us answer (and later stream media) to that address instead of over 127.0.0.1.
  if (loopbackOnly_ && !from.address().is_loopback()) {
    counters_.droppedBadStun.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  auto message = ice::StunMessage::parse(data);
  if (!message || !message->username()) {
    counters_.droppedBadStun.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const std::string& username = *message->username();
  auto it = transportsByUfrag_.find(username.substr(0, username.find(':')));
  if (it == transportsByUfrag_.end()) {
    counters_.droppedBadStun.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  it->second->receiveStun(*message, from);
}

void Worker::scheduleTick() {
  tick_.expires_after(kTickInterval);
  tick_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    auto now = std::chrono::steady_clock::now();
    // Transports are reached through the ufrag table: every live transport has exactly one entry.
    for (auto& [ufrag, transport] : transportsByUfrag_) transport->onTick(now);
    scheduleTick();
  });
}

}  // namespace jb::sfu
