#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "dtls/Certificate.hpp"
#include "ice/TransportTuple.hpp"
#include "sfu/WorkerCounters.hpp"

namespace jb::sfu {

class WebRtcTransport;

// What a transport needs from the worker that hosts it: the shared media ports, its demux tables,
// and per-worker resources. Implemented by Worker; a narrow interface keeps transports testable.
class TransportHost {
 public:
  using Tuple = ice::TransportTuple;
  virtual ~TransportHost() = default;

  virtual boost::asio::io_context& ioContext() = 0;
  virtual const std::shared_ptr<const dtls::Certificate>& certificate() const = 0;
  virtual const std::string& announcedAddress() const = 0;
  // The ports announced as host candidates (RFC 8445 §5.1.1.1); nullopt: that protocol is not offered.
  // UDP is the worker's datagram port; TCP its RFC 6544 passive listener.
  virtual std::optional<uint16_t> udpCandidatePort() const = 0;
  virtual std::optional<uint16_t> tcpCandidatePort() const = 0;
  // RFC 7675 §5.1: how long a connected transport may go without an authenticated check.
  virtual std::chrono::steady_clock::duration iceConsentTimeout() const = 0;
  // The worker's counters; the media objects bump them (they run on the worker thread).
  virtual WorkerCounters& counters() = 0;

  virtual void registerUsernameFragment(const std::string& ufrag, WebRtcTransport& transport) = 0;
  // After an ICE restart: checks with the old ufrag no longer reach the transport.
  virtual void unregisterUsernameFragment(const std::string& ufrag, WebRtcTransport& transport) = 0;
  // `remote` passed an authenticated ICE check: DTLS and SRTP from it go to `transport`.
  virtual void registerTuple(const Tuple& remote, WebRtcTransport& transport) = 0;
  virtual void unregisterTransport(WebRtcTransport& transport) = 0;  // drops its ufrags and tuples
  // One packet to `remote`: a datagram over UDP, one RFC 4571 frame over TCP. Never blocks; a packet
  // that cannot go out now is dropped and counted.
  virtual void sendDatagram(const Tuple& remote, std::span<const uint8_t> datagram) = 0;
};

}  // namespace jb::sfu
