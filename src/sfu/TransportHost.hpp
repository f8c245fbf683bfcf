#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <chrono>
#include <memory>
#include <span>
#include <string>

#include "dtls/Certificate.hpp"
#include "sfu/WorkerCounters.hpp"

namespace jb::sfu {

class WebRtcTransport;

// What a transport needs from the worker that hosts it: the shared media port, its demux tables,
// and per-worker resources. Implemented by Worker; a narrow interface keeps transports testable.
class TransportHost {
 public:
  using Endpoint = boost::asio::ip::udp::endpoint;
  virtual ~TransportHost() = default;

  virtual boost::asio::io_context& ioContext() = 0;
  virtual const std::shared_ptr<const dtls::Certificate>& certificate() const = 0;
  virtual const std::string& announcedAddress() const = 0;
  virtual uint16_t port() const = 0;
  // RFC 7675 §5.1: how long a connected transport may go without an authenticated check.
  virtual std::chrono::steady_clock::duration iceConsentTimeout() const = 0;
  // The worker's counters; the media objects bump them (they run on the worker thread).
  virtual WorkerCounters& counters() = 0;

  virtual void registerUsernameFragment(const std::string& ufrag, WebRtcTransport& transport) = 0;
  virtual void registerTuple(const Endpoint& remote, WebRtcTransport& transport) = 0;
  virtual void unregisterTransport(WebRtcTransport& transport) = 0;  // drops its ufrags and tuples
  virtual void sendDatagram(const Endpoint& remote, std::span<const uint8_t> datagram) = 0;
};

}  // namespace jb::sfu
