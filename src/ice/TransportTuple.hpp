#pragma once

#include <boost/asio/ip/udp.hpp>
#include <cstdint>
#include <string>
#include <tuple>

namespace jb::ice {

// Where a browser's packets came from and where ours go back: the remote address and port, plus the
// transport protocol of the candidate pair (RFC 8445 §5.1.1 for UDP, RFC 6544 §4 for TCP). Over TCP
// the same address and port can reappear on a new connection once the old one closed, so a TCP tuple
// also names the worker's connection: a packet must never go out on a connection it was not meant for.
struct TransportTuple {
  enum class Protocol : uint8_t { Udp, Tcp };

  Protocol protocol = Protocol::Udp;
  // The remote address and port (a udp::endpoint is only the address type here, for both protocols).
  boost::asio::ip::udp::endpoint remote;
  uint64_t connectionId = 0;  // TCP: the worker's id of the accepted connection; 0 for UDP

  static TransportTuple udp(const boost::asio::ip::udp::endpoint& remote) {
    return {Protocol::Udp, remote, 0};
  }
  static TransportTuple tcp(const boost::asio::ip::udp::endpoint& remote, uint64_t connectionId) {
    return {Protocol::Tcp, remote, connectionId};
  }

  bool isTcp() const { return protocol == Protocol::Tcp; }
  // "udp 1.2.3.4:5" / "tcp#7 1.2.3.4:5" for log lines.
  std::string describe() const {
    std::string out = isTcp() ? "tcp#" + std::to_string(connectionId) + " " : "udp ";
    return out + remote.address().to_string() + ":" + std::to_string(remote.port());
  }

  friend bool operator==(const TransportTuple& a, const TransportTuple& b) {
    return a.protocol == b.protocol && a.connectionId == b.connectionId && a.remote == b.remote;
  }
  friend bool operator<(const TransportTuple& a, const TransportTuple& b) {
    return std::tie(a.protocol, a.connectionId, a.remote) < std::tie(b.protocol, b.connectionId, b.remote);
  }
};

}  // namespace jb::ice
