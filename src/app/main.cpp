#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>

#include "app/IceOptions.hpp"
#include "app/LimitOptions.hpp"
#include "app/ServeCommand.hpp"
#include "app/TokenCommand.hpp"
#include "app/TranslationOptions.hpp"

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
  serveCommand
      ->add_option(
          "--tls", serve.tlsMode,
          "self-signed: HTTPS/WSS with a generated certificate for LAN testing (logs its fingerprint)")
      ->check(CLI::IsMember({"self-signed"}))
      ->excludes("--tls-cert");
  serveCommand->add_option("--token-secret-file", serve.tokenSecretFile,
                           "File holding the join token secret (>= 32 bytes); else $JB_TOKEN_SECRET. "
                           "With a secret, every room needs a token from `jbcalling token`");
  serveCommand->add_option(
      "--turn-url", serve.turnUrls,
      "TURN server URL handed to browsers, e.g. turn:turn.example.com:3478?transport=udp "
      "(repeatable); needs --turn-secret-file or $JB_TURN_SECRET");
  serveCommand->add_option("--turn-secret-file", serve.turnSecretFile,
                           "File holding coturn's static-auth-secret (>= 32 bytes); else $JB_TURN_SECRET");
  serveCommand
      ->add_option_function<int64_t>(
          "--turn-credential-ttl",
          [&serve](int64_t seconds) { serve.turnCredentialLifetime = std::chrono::seconds(seconds); },
          "Seconds a TURN credential stays valid (default 3600)")
      ->check(CLI::Range(int64_t{60}, int64_t{7 * 24 * 3600}));
  serveCommand->add_option("--log-level", serve.logLevel, "trace|debug|info|warn|error")
      ->capture_default_str();
  jb::app::addLimitOptions(*serveCommand, serve);
  jb::app::addIceOptions(*serveCommand, serve.ice);
  jb::app::addTranslationOptions(*serveCommand, serve.translation);

  jb::app::TokenOptions token;
  CLI::App* tokenCommand =
      app.add_subcommand("token", "Mint a signed join token (and a room URL) with the server's secret");
  tokenCommand->add_option("--room", token.roomId, "Room id")->required();
  tokenCommand->add_option("--user", token.userId, "User id (the token's subject)")->required();
  tokenCommand->add_option("--name", token.displayName, "Display name; overrides what the joiner types");
  tokenCommand->add_option("--ttl", token.ttl, "Lifetime: 90s, 15m, 1h, 7d")->capture_default_str();
  tokenCommand->add_flag("!--no-publish", token.publish, "May not send audio/video");
  tokenCommand->add_flag("!--no-subscribe", token.subscribe, "May not receive audio/video");
  tokenCommand->add_flag("!--no-chat", token.chat, "May not send chat messages");
  tokenCommand->add_option("--url-base", token.urlBase, "Server address for the printed URL")
      ->capture_default_str();
  tokenCommand->add_option("--token-secret-file", token.tokenSecretFile,
                           "File holding the secret; else $JB_TOKEN_SECRET (as serve)");

  CLI11_PARSE(app, argc, argv);
  try {
    if (serveCommand->parsed()) return jb::app::runServe(serve);
    if (tokenCommand->parsed()) return jb::app::runToken(token);
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    return 1;
  }
  return 0;
}
