#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "ice/TransportTuple.hpp"
#include "sfu/IceTcpConnection.hpp"

namespace jb::sfu {

// A worker's ICE-TCP listener (RFC 6544 passive host candidate, like mediasoup's WebRtcServer TCP
// listen info): accepts browsers' connections and turns their RFC 4571 frames into packets for the
// worker's demultiplexer, each tagged with a TCP TransportTuple. Worker thread only.
class IceTcpServer final : private IceTcpConnection::Listener {
 public:
  struct Options {
    std::string listenAddress = "127.0.0.1";
    uint16_t port = 0;           // nonzero: exactly this port (bind failure is fatal)
    uint16_t preferredPort = 0;  // with port 0: this one if free (the UDP port's number), else any
    size_t maxConnections = 1024;
  };
  class Listener {
   public:
    // One frame, copied to a buffer the demultiplexer may modify (SRTP decrypts in place); valid for
    // the call.
    virtual void onIceTcpPacket(uint8_t* data, size_t length, const ice::TransportTuple& from) = 0;
    // The connection behind `tuple` is gone: forget every route through it.
    virtual void onIceTcpClosed(const ice::TransportTuple& tuple) = 0;

   protected:
    ~Listener() = default;
  };

  // Binds and listens now (throws with the OS error when an explicit port is taken).
  IceTcpServer(boost::asio::io_context& io, const Options& options, const IceTcpLimits& limits,
               Listener& listener, IceTcpCounters& counters);
  ~IceTcpServer();
  IceTcpServer(const IceTcpServer&) = delete;
  IceTcpServer& operator=(const IceTcpServer&) = delete;

  uint16_t port() const { return port_; }
  size_t connectionCount() const { return connections_.size(); }

  void start();  // accepts from now on
  void stop();   // closes the listener and every connection (reason WorkerStopped)

  IceTcpConnection::SendResult send(const ice::TransportTuple& to, std::span<const uint8_t> packet);
  void markAuthenticated(const ice::TransportTuple& tuple);
  void close(const ice::TransportTuple& tuple, IceTcpCloseReason reason);

 private:
  void acceptOne();
  IceTcpConnection* find(const ice::TransportTuple& tuple);
  // IceTcpConnection::Listener
  void onIceTcpFrame(IceTcpConnection& connection, std::span<const uint8_t> frame) override;
  void onIceTcpClosed(IceTcpConnection& connection, IceTcpCloseReason reason) override;

  Options options_;
  IceTcpLimits limits_;
  Listener& listener_;
  IceTcpCounters& counters_;
  boost::asio::ip::tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  uint64_t nextConnectionId_ = 1;
  bool stopped_ = false;
  std::unordered_map<uint64_t, std::shared_ptr<IceTcpConnection>> connections_;
  std::vector<uint8_t> packetBuffer_;  // see Listener::onIceTcpPacket
};

}  // namespace jb::sfu
