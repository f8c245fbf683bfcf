#pragma once

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "ice/StunMessage.hpp"

namespace jb::signaling {

// Checks that the TURN server browsers are sent to answers at all, for /ready: every `interval` it sends
// a STUN Binding request (RFC 8489 §6.1: a TURN server is a STUN server) to the URL's host and port
// over UDP and waits for the matching response. Signaling thread only.
class TurnProbe {
 public:
  struct Target {
    std::string host;
    uint16_t port = 3478;
  };
  // "turn:host[:port][?transport=udp|tcp]"; nullopt if it is not one.
  static std::optional<Target> parseUrl(const std::string& url);

  TurnProbe(boost::asio::io_context& io, const std::string& url,
            std::chrono::steady_clock::duration interval = std::chrono::seconds(10));
  void start();
  // A response arrived for one of the last two probes.
  bool reachable() const;

 private:
  void probe();
  void receive();

  std::optional<Target> target_;
  std::chrono::steady_clock::duration interval_;
  boost::asio::ip::udp::socket socket_;
  boost::asio::steady_timer timer_;
  ice::TransactionId pending_{};
  std::array<uint8_t, 1500> buffer_{};
  boost::asio::ip::udp::endpoint from_;
  std::chrono::steady_clock::time_point lastAnswer_{};
};

}  // namespace jb::signaling
