#include "sfu/IceTcpServer.hpp"

#include <spdlog/spdlog.h>

#include <cstring>

#include "sfu/WorkerCounters.hpp"

namespace jb::sfu {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {
// RFC 4571 frames are at most 65535 bytes; the demultiplexer gets the same room as a UDP datagram.
constexpr size_t kPacketBufferSize = 65536;

void bindAndListen(tcp::acceptor& acceptor, const tcp::endpoint& local) {
  acceptor.open(local.protocol());
  // A restarted server must get its port back while old connections sit in TIME_WAIT. Linux still
  // refuses a port another socket listens on, so "is it free" keeps its meaning.
  acceptor.set_option(tcp::acceptor::reuse_address(true));
  acceptor.bind(local);
  acceptor.listen();
}
}  // namespace

IceTcpServer::IceTcpServer(asio::io_context& io, const Options& options, const IceTcpLimits& limits,
                           Listener& listener, IceTcpCounters& counters)
    : options_(options),
      limits_(limits),
      listener_(listener),
      counters_(counters),
      acceptor_(io),
      packetBuffer_(kPacketBufferSize) {
  const auto address = asio::ip::make_address(options_.listenAddress);
  if (options_.port != 0) {
    bindAndListen(acceptor_, {address, options_.port});  // throws: the operator asked for this port
  } else {
    bool bound = false;
    if (options_.preferredPort != 0) {
      try {
        bindAndListen(acceptor_, {address, options_.preferredPort});
        bound = true;
      } catch (const boost::system::system_error& e) {
        spdlog::debug("[media] ice-tcp port {} unavailable ({}); taking any", options_.preferredPort,
                      e.what());
        boost::system::error_code ignored;
        acceptor_.close(ignored);
      }
    }
    if (!bound) bindAndListen(acceptor_, {address, 0});
  }
  port_ = acceptor_.local_endpoint().port();
}

IceTcpServer::~IceTcpServer() {
  stop();
}

void IceTcpServer::start() {
  acceptOne();
}

void IceTcpServer::stop() {
  if (stopped_) return;
  stopped_ = true;
  boost::system::error_code ec;
  acceptor_.close(ec);
  // close() calls back into onIceTcpClosed, which erases from the map: walk a copy.
  auto connections = connections_;
  for (auto& [id, connection] : connections) connection->close(IceTcpCloseReason::WorkerStopped);
  connections_.clear();
}

void IceTcpServer::acceptOne() {
  acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || stopped_ || !acceptor_.is_open()) return;
    if (ec) {
      // EMFILE and friends: the process is out of descriptors. Keep accepting; they may come back.
      spdlog::warn("[media] ice-tcp accept failed: {}", ec.message());
      acceptOne();
      return;
    }
    bump(counters_.accepted);
    if (connections_.size() >= options_.maxConnections) {
      // The cap bounds memory and descriptors one worker spends on TCP, whoever opens them.
      bump(counters_.closes[static_cast<size_t>(IceTcpCloseReason::ConnectionLimit)]);
      boost::system::error_code ignored;
      socket.close(ignored);
    } else {
      const uint64_t id = nextConnectionId_++;
      auto connection = std::make_shared<IceTcpConnection>(
          id, std::move(socket), limits_, static_cast<IceTcpConnection::Listener&>(*this), counters_);
      connections_.emplace(id, connection);
      bump(counters_.open);
      connection->start();
    }
    acceptOne();
  });
}

IceTcpConnection* IceTcpServer::find(const ice::TransportTuple& tuple) {
  if (!tuple.isTcp()) return nullptr;
  auto it = connections_.find(tuple.connectionId);
  return it == connections_.end() ? nullptr : it->second.get();
}

IceTcpConnection::SendResult IceTcpServer::send(const ice::TransportTuple& to,
                                                std::span<const uint8_t> packet) {
  IceTcpConnection* connection = find(to);
  return connection ? connection->send(packet) : IceTcpConnection::SendResult::Closed;
}

void IceTcpServer::markAuthenticated(const ice::TransportTuple& tuple) {
  if (IceTcpConnection* connection = find(tuple)) connection->markAuthenticated();
}

void IceTcpServer::close(const ice::TransportTuple& tuple, IceTcpCloseReason reason) {
  if (IceTcpConnection* connection = find(tuple)) connection->close(reason);
}

void IceTcpServer::onIceTcpFrame(IceTcpConnection& connection, std::span<const uint8_t> frame) {
  std::memcpy(packetBuffer_.data(), frame.data(), frame.size());
  listener_.onIceTcpPacket(packetBuffer_.data(), frame.size(), connection.tuple());
}

void IceTcpServer::onIceTcpClosed(IceTcpConnection& connection, IceTcpCloseReason reason) {
  spdlog::debug("[media] ice-tcp {} closed: {}", connection.tuple().describe(), toString(reason));
  const ice::TransportTuple tuple = connection.tuple();  // the erase below may free `connection`
  if (connections_.erase(tuple.connectionId)) bump(counters_.open, -1);
  if (!stopped_ || reason != IceTcpCloseReason::WorkerStopped) listener_.onIceTcpClosed(tuple);
}

}  // namespace jb::sfu
