#include "app/IceOptions.hpp"

namespace jb::app {

void addIceOptions(CLI::App& serve, IceOptions& options) {
  const std::string group = "ICE";
  serve
      .add_flag("--ice-tcp,!--no-ice-tcp", options.tcp,
                "Offer an ICE-TCP candidate (RFC 6544 passive) besides UDP, for networks that block UDP "
                "(default on)")
      ->group(group);
  serve
      .add_flag("!--no-ice-udp", options.udp,
                "Announce no UDP candidate: media only over ICE-TCP (tests, UDP-hostile deployments)")
      ->group(group);
  serve
      .add_option("--rtc-tcp-port", options.tcpPort,
                  "First ICE-TCP port; worker i uses rtc-tcp-port+i (0: each worker's UDP port number if "
                  "free, else any)")
      ->capture_default_str()
      ->group(group);
  serve
      .add_option("--max-tcp-connections-per-worker", options.maxTcpConnectionsPerWorker,
                  "ICE-TCP connections one media worker accepts at once; more are closed at accept")
      ->check(CLI::Range(size_t{1}, size_t{1} << 20))
      ->capture_default_str()
      ->group(group);
}

}  // namespace jb::app
