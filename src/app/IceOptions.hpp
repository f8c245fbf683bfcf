#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <cstdint>

namespace jb::app {

// Which ICE candidates the media workers offer (docs/protocol.md "ICE candidates").
struct IceOptions {
  bool udp = true;       // announce the UDP host candidate
  bool tcp = true;       // listen for ICE-TCP (RFC 6544 passive) and announce it
  uint16_t tcpPort = 0;  // worker i listens on tcpPort + i; 0: the worker's UDP port number if free, else any
  size_t maxTcpConnectionsPerWorker = 1024;
};

void addIceOptions(CLI::App& serve, IceOptions& options);

}  // namespace jb::app
