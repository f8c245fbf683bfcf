#pragma once

#include <chrono>
#include <cstddef>

namespace jb::signaling {

// What one client may cost this node (docs/protocol.md "Limits"). Per-peer media object limits are
// sfu::PeerLimits, enforced by the router that owns the objects. 0 disables a count limit.
// `serve --resume-grace` default: long enough for a Wi-Fi hand-over or a proxy restart, short
// enough that a closed laptop's tile does not linger.
inline constexpr std::chrono::seconds kDefaultResumeGrace{15};

struct SignalingLimits {
  size_t maxMessageBytes = 64 * 1024;  // a larger frame closes the socket with 1009
  double messagesPerSecond = 50;       // sustained request rate per session...
  double messageBurst = 100;           // ...and how many may arrive at once
  size_t maxSessionsPerAddress = 50;   // concurrent WebSockets from one IP; more get HTTP 429
  size_t maxPeersPerRoom = 50;         // a join beyond this gets `room_full`
  // A session that earns this many bad_json / invalid_request / rate_limited errors within
  // `abuseWindow` is closed with 1008: a client that keeps doing that is broken or hostile.
  unsigned abuseErrorLimit = 20;
  std::chrono::steady_clock::duration abuseWindow = std::chrono::seconds(10);
  // A socket that drops without `leave` keeps its peer (and media) this long for a `resume`
  // (docs/protocol.md "Reconnect"); zero: the peer leaves at once. Off unless asked for, so an
  // embedder (or a test) that expects a closed socket to mean "gone" gets that; `serve` turns it
  // on with kDefaultResumeGrace.
  std::chrono::steady_clock::duration resumeGrace = std::chrono::steady_clock::duration::zero();
};

}  // namespace jb::signaling
