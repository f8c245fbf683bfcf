#pragma once

#include <string>

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
  std::string logLevel = "info";
};

// Runs every role in this process (the embedded default) until SIGINT/SIGTERM. Returns the exit code.
int runServe(const ServeOptions& options);

}  // namespace jb::app
