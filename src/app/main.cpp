#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>

#include "app/ServeCommand.hpp"

int main(int argc, char** argv) {
  CLI::App app{"JB Calling: multi-party video calls with live translation"};
  app.require_subcommand(1);
  app.set_version_flag("--version", JB_VERSION);

  jb::app::ServeOptions serve;
  CLI::App* serveCommand = app.add_subcommand("serve", "Run web app, signaling and media in one process");
  serveCommand->add_option("--listen", serve.listenAddress, "Address for HTTP/WebSocket and media")
      ->capture_default_str();
  serveCommand->add_option("--port", serve.port, "HTTP(S)/WebSocket port (0: any free port)")
      ->capture_default_str();
  serveCommand->add_option("--announced-ip", serve.announcedAddress,
                           "Address browsers are told to send media to (default: the listen address)");
  serveCommand->add_option("--rtc-listen", serve.rtcListenAddress,
                           "Address media sockets bind (default: --listen)");
  serveCommand
      ->add_option("--rtc-port", serve.rtcPort, "First media UDP port; worker i uses rtc-port+i (0: any)")
      ->capture_default_str();
  serveCommand->add_option("--workers", serve.workers, "Media worker threads (0: one per core)")
      ->capture_default_str();
  serveCommand->add_option("--web-root", serve.webRoot, "Directory of the built web app")
      ->capture_default_str();
  serveCommand->add_option("--tls-cert", serve.tlsCertificateFile, "PEM certificate chain: serve HTTPS/WSS")
      ->check(CLI::ExistingFile);
  serveCommand->add_option("--tls-key", serve.tlsKeyFile, "PEM private key for --tls-cert")
      ->check(CLI::ExistingFile);
  serveCommand->add_option("--log-level", serve.logLevel, "trace|debug|info|warn|error")
      ->capture_default_str();

  CLI11_PARSE(app, argc, argv);
  try {
    if (serveCommand->parsed()) return jb::app::runServe(serve);
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    return 1;
  }
  return 0;
}
