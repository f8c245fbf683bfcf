#pragma once

#include <chrono>
#include <cstddef>

namespace jb::signaling {

// What one client may cost this node (docs/protocol.md "Limits"). Per-peer media object limits are
// sfu::PeerLimits, enforced by the router that owns the objects. 0 disables a count limit.
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
};

}  // namespace jb::signaling
