#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "sfu/IceTcpCounters.hpp"

namespace jb::sfu {

// Why the media path threw a packet away. The names are the `reason` label of jb_media_drops_total
// (docs/protocol.md "Metrics"); keep them stable.
enum class DropReason : uint8_t {
  UnknownKind,       // not STUN/DTLS/RTP/RTCP by RFC 7983
  BadStun,           // unparsable, no USERNAME, a ufrag we never issued, or off-loopback on a loopback worker
  StunUnauthorized,  // one of our ufrags, but MESSAGE-INTEGRITY or the ICE role is wrong
  UnknownTuple,      // DTLS/SRTP from an address no ICE check authenticated
  DtlsNotStarted,    // DTLS before connectWebRtcTransport (the browser retransmits its ClientHello)
  NotConnected,      // SRTP before the DTLS handshake produced keys
  SrtpFailure,       // unprotect (authentication, replay) or protect failed
  BadRtp,            // decrypted, but not parsable RTP
  BadRtcp,           // decrypted, but not a parsable RTCP compound packet
  UnknownSsrc,       // RTP for no producer of that transport (RTX, or media before `produce` returned)
  SendFailure,       // the kernel refused an outgoing datagram (send buffer full)
  BadRtx,            // RTX (RFC 4588) with a payload type we did not negotiate, or no room for the OSN
  RtxPadding,        // padding-only RTX: the sender probing bandwidth, nothing to forward
  NackUnknownSequence,  // a NACKed number we never sent that consumer, or no longer hold
  NackRateLimited,      // a retransmission over the consumer's budget (NACK storm)
  TcpSendQueueFull,     // an ICE-TCP connection's send queue was full (a slow reader), or it had closed
  UndeclaredRid,        // simulcast RTP tagged with a rid (RFC 8852) the producer never declared
  Count
};
std::string_view toString(DropReason reason);

// Per-peer object limits (sfu::PeerLimits); the names are the `kind` label of jb_limit_rejections_total.
enum class PeerLimitKind : uint8_t { Transports, Producers, Consumers, Count };
std::string_view toString(PeerLimitKind kind);

// Counters and gauges of one worker. Only the worker thread writes them; any thread may read them
// (metrics, health, readiness). Relaxed order is enough: each value stands alone.
struct WorkerCounters {
  using Counter = std::atomic<uint64_t>;
  using Gauge = std::atomic<int64_t>;

  // Every UDP datagram, whatever it carries.
  Counter packetsIn{0};
  Counter bytesIn{0};
  Counter packetsOut{0};
  Counter bytesOut{0};
  // Media after SRTP: what browsers sent us (authenticated) and what we sent them (protected size).
  Counter rtpPacketsIn{0};
  Counter rtpBytesIn{0};
  Counter rtcpPacketsIn{0};
  Counter rtcpBytesIn{0};
  Counter rtpPacketsOut{0};
  Counter rtpBytesOut{0};
  Counter rtcpPacketsOut{0};
  Counter rtcpBytesOut{0};
  // Feedback (RFC 4585).
  Counter nacksReceived{0};
  Counter plisReceived{0};
  Counter firsReceived{0};
  Counter plisSent{0};
  Counter retransmissionsSent{0};      // packets resent to consumers in answer to their NACKs
  Counter nacksSent{0};                // NACK packets we sent to producing browsers
  Counter retransmissionsReceived{0};  // RTX packets from producers that filled a gap in the stream
  Counter nackGiveUps{0};              // missing packets we stopped asking producers for
  Counter consentExpirations{0};       // RFC 7675: transports whose peer stopped answering
  Counter rembsReceived{0};            // REMB (receiver bandwidth estimates) from receiving browsers
  Counter layerSwitches{0};            // simulcast consumers that started forwarding another layer
  // Transport-wide congestion control (draft-holmer-rmcat-transport-wide-cc-extensions-01) and
  // audio levels (RFC 6464): feedback packets sent; header extension elements we could not read
  // (the packet itself is still forwarded); dominant speaker changes announced.
  Counter transportFeedbackSent{0};
  Counter badTransportWideCcExtensions{0};
  Counter badAudioLevelExtensions{0};
  Counter activeSpeakerChanges{0};
  Counter iceRestarts{0};           // RFC 8445 §9: restartIce requests served
  Counter iceRestartsCompleted{0};  // ... and the browser's first check with the new credentials
  IceTcpCounters tcp;               // the ICE-TCP listener and its connections (RFC 6544)
  std::array<Counter, static_cast<size_t>(DropReason::Count)> drops{};
  std::array<Counter, static_cast<size_t>(PeerLimitKind::Count)> limitRejections{};

  Gauge routers{0};
  Gauge transports{0};
  Gauge producers{0};
  Gauge consumers{0};
  // steady_clock time of the worker's last timer tick: a stalled event loop stops moving it.
  Gauge lastTickNanos{0};

  uint64_t dropped(DropReason reason) const {
    return drops[static_cast<size_t>(reason)].load(std::memory_order_relaxed);
  }
  uint64_t droppedTotal() const {
    uint64_t total = 0;
    for (const auto& d : drops) total += d.load(std::memory_order_relaxed);
    return total;
  }
};

// Adds to a value that only the calling thread writes. A load and a store, not a locked
// read-modify-write: this runs several times per packet.
template <typename T>
inline void bump(std::atomic<T>& value, std::type_identity_t<T> delta = 1) {
  value.store(value.load(std::memory_order_relaxed) + delta, std::memory_order_relaxed);
}
inline void countDrop(WorkerCounters& counters, DropReason reason) {
  bump(counters.drops[static_cast<size_t>(reason)]);
}

}  // namespace jb::sfu
