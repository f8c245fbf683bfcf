#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "app/IceOptions.hpp"
#include "app/TranslationOptions.hpp"
#include "sfu/PeerLimits.hpp"
#include "signaling/Limits.hpp"

namespace jb::app {

struct ServeOptions {
  std::string listenAddress = "127.0.0.1";
  uint16_t port = 8080;
  std::string announcedAddress;  // empty: the listen address (or 127.0.0.1 when listening on any)
  std::string rtcListenAddress;  // empty: same as listenAddress
  uint16_t rtcPort = 40000;      // worker i listens on rtcPort + i; 0 = any free port
  unsigned workers = 0;          // 0: one per core
  std::string webRoot = "web/dist";
  std::string tlsCertificateFile;
  std::string tlsKeyFile;
  std::string tlsMode;          // "self-signed": an in-memory certificate for LAN testing
  std::string tokenSecretFile;  // else $JB_TOKEN_SECRET; neither: rooms are open
  std::vector<std::string> turnUrls;
  std::string turnSecretFile;  // else $JB_TURN_SECRET
  std::chrono::seconds turnCredentialLifetime{3600};
  std::string logLevel = "info";
  // Limits, Origin checks and ICE consent (app/LimitOptions.cpp, docs/protocol.md "Limits").
  signaling::SignalingLimits limits;
  sfu::PeerLimits peerLimits;
  std::vector<std::string> allowedOrigins;
  std::chrono::seconds iceConsentTimeout{30};
  IceOptions ice;  // UDP/TCP candidates (app/IceOptions.cpp)
  TranslationOptions translation;
};

// Runs every role in this process (the embedded default) until SIGINT/SIGTERM; SIGHUP reloads the TLS
// certificate files. Returns the exit code.
int runServe(const ServeOptions& options);

}  // namespace jb::app
