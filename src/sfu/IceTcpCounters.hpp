#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace jb::sfu {

// Why the worker closed (or refused) an ICE-TCP connection. The names are the `reason` label of
// jb_ice_tcp_closes_total (docs/protocol.md "Metrics"); keep them stable.
enum class IceTcpCloseReason : uint8_t {
  PeerClosed,       // the browser closed it, or the socket failed (reset, timeout)
  EmptyFrame,       // RFC 4571 length 0: no ICE packet is empty, the stream is broken
  FrameTooLarge,    // a length over the worker's frame limit: never an ICE/DTLS/RTP packet
  BufferOverflow,   // more unframed bytes than the framer may hold
  AuthTimeout,      // no STUN check with valid MESSAGE-INTEGRITY in time after it connected
  WrongTransport,   // a check for another transport than the one the connection was bound to
  TransportClosed,  // the WebRTC transport it served was closed (peer left, consent expired)
  ConnectionLimit,  // refused at accept: the worker already has its maximum of TCP connections
  WorkerStopped,    // the worker shut down
  Count
};
std::string_view toString(IceTcpCloseReason reason);

// The ICE-TCP side of one worker's counters. Written only on the worker thread; read from any.
struct IceTcpCounters {
  using Counter = std::atomic<uint64_t>;
  using Gauge = std::atomic<int64_t>;

  Counter accepted{0};
  Gauge open{0};
  Counter framesIn{0};
  Counter bytesIn{0};  // payload bytes, without the RFC 4571 length prefix
  Counter framesOut{0};
  Counter bytesOut{0};
  std::array<Counter, static_cast<size_t>(IceTcpCloseReason::Count)> closes{};

  uint64_t closed(IceTcpCloseReason reason) const {
    return closes[static_cast<size_t>(reason)].load(std::memory_order_relaxed);
  }
};

}  // namespace jb::sfu
