#include "app/LimitOptions.hpp"

#include <chrono>

namespace jb::app {

void addLimitOptions(CLI::App& serve, ServeOptions& options) {
  auto& limits = options.limits;
  auto& peer = options.peerLimits;
  const std::string group = "Limits";
  limits.resumeGrace = signaling::kDefaultResumeGrace;
  serve
      .add_option("--max-message-bytes", limits.maxMessageBytes,
                  "Largest signaling frame; a larger one closes the socket with 1009")
      ->check(CLI::Range(size_t{1024}, size_t{16} << 20))
      ->capture_default_str()
      ->group(group);
  serve
      .add_option("--max-messages-per-second", limits.messagesPerSecond,
                  "Sustained signaling messages per session; excess gets rate_limited")
      ->check(CLI::PositiveNumber)
      ->capture_default_str()
      ->group(group);
  serve.add_option("--message-burst", limits.messageBurst, "Messages a session may send at once")
      ->check(CLI::Range(1.0, 1e6))
      ->capture_default_str()
      ->group(group);
  serve.add_option("--max-transports-per-peer", peer.transports, "WebRTC transports per peer")
      ->capture_default_str()
      ->group(group);
  serve.add_option("--max-producers-per-peer", peer.producers, "Producers (sent tracks) per peer")
      ->capture_default_str()
      ->group(group);
  serve.add_option("--max-consumers-per-peer", peer.consumers, "Consumers (received tracks) per peer")
      ->capture_default_str()
      ->group(group);
  serve
      .add_option("--max-sessions-per-ip", limits.maxSessionsPerAddress,
                  "Concurrent WebSocket sessions per client IP; more get HTTP 429 (0: no limit)")
      ->capture_default_str()
      ->group(group);
  serve
      .add_option("--max-peers-per-room", limits.maxPeersPerRoom,
                  "Peers per room; a join beyond gets room_full (0: no limit)")
      ->capture_default_str()
      ->group(group);
  serve
      .add_option("--abuse-error-limit", limits.abuseErrorLimit,
                  "bad_json/invalid_request/rate_limited errors within --abuse-window that close a session "
                  "with 1008 (0: never)")
      ->capture_default_str()
      ->group(group);
  serve
      .add_option_function<unsigned>(
          "--abuse-window",
          [&limits](unsigned seconds) { limits.abuseWindow = std::chrono::seconds(seconds); },
          "Seconds over which --abuse-error-limit counts (default 10)")
      ->check(CLI::Range(1u, 3600u))
      ->group(group);
  serve
      .add_option_function<unsigned>(
          "--resume-grace",
          [&limits](unsigned seconds) { limits.resumeGrace = std::chrono::seconds(seconds); },
          "Seconds a peer whose socket dropped without leave stays in its room (media kept) for the "
          "client to resume; 0: it leaves at once (default 15)")
      ->check(CLI::Range(0u, 600u))
      ->group(group);
  serve
      .add_option("--allowed-origin", options.allowedOrigins,
                  "Origin (e.g. https://app.example.com) allowed to open /ws besides the server's own; "
                  "repeatable; * allows any. Requests without Origin (non-browsers) are always allowed")
      ->group(group);
  serve
      .add_option_function<unsigned>(
          "--ice-consent-timeout",
          [&options](unsigned seconds) { options.iceConsentTimeout = std::chrono::seconds(seconds); },
          "Seconds without ICE consent checks (RFC 7675) before the server ends that peer's session "
          "(default 30)")
      ->check(CLI::Range(1u, 3600u))
      ->group(group);
}

}  // namespace jb::app
