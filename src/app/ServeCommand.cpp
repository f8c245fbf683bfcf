#include "app/ServeCommand.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <functional>
#include <thread>

#include "app/Secrets.hpp"
#include "app/TranslationRuntime.hpp"
#include "dtls/Certificate.hpp"
#include "sfu/Worker.hpp"
#include "signaling/HttpServer.hpp"
#include "signaling/RoomDirectory.hpp"
#include "signaling/TurnCredentials.hpp"
#include "signaling/TurnProbe.hpp"

namespace jb::app {

namespace asio = boost::asio;

int runServe(const ServeOptions& options) {
  spdlog::set_level(spdlog::level::from_str(options.logLevel));
  const auto startedAt = std::chrono::steady_clock::now();

  // Before anything starts: a weak or unreadable secret must stop the server, not open the rooms.
  auto access = std::make_shared<signaling::AccessPolicy>();
  if (auto secret = loadTokenSecret(options.tokenSecretFile))
    access = std::make_shared<signaling::AccessPolicy>(
        std::make_shared<signaling::JoinTokenKey>(std::move(*secret)));

  std::shared_ptr<const signaling::TurnCredentials> turn;
  auto turnSecret = loadTurnSecret(options.turnSecretFile);
  if (!options.turnUrls.empty()) {
    if (!turnSecret)
      throw std::runtime_error("--turn-url needs a secret: --turn-secret-file or $JB_TURN_SECRET");
    turn = std::make_shared<signaling::TurnCredentials>(options.turnUrls, std::move(*turnSecret),
                                                        options.turnCredentialLifetime);
  } else if (turnSecret) {
    spdlog::warn("a TURN secret is set but no --turn-url: browsers get no TURN server");
  }

  std::string announced = options.announcedAddress;
  if (announced.empty())
    announced = (options.listenAddress == "0.0.0.0" || options.listenAddress == "::") ? "127.0.0.1"
                                                                                      : options.listenAddress;
  const std::string rtcListen =
      options.rtcListenAddress.empty() ? options.listenAddress : options.rtcListenAddress;
  if (!options.ice.udp && !options.ice.tcp)
    throw std::invalid_argument("--no-ice-udp with --no-ice-tcp leaves browsers no way to send media");
  unsigned workerCount =
      options.workers ? options.workers : std::max(1u, std::thread::hardware_concurrency());

  // One DTLS certificate for the process: its fingerprint goes into every transport's parameters.
  auto certificate = dtls::Certificate::generate();

  std::vector<std::unique_ptr<sfu::Worker>> workers;
  std::vector<sfu::Worker*> workerPointers;
  for (unsigned i = 0; i < workerCount; ++i) {
    sfu::Worker::Options wo;
    wo.listenAddress = rtcListen;
    wo.announcedAddress = announced;
    wo.port = options.rtcPort ? static_cast<uint16_t>(options.rtcPort + i) : 0;
    wo.peerLimits = options.peerLimits;
    wo.iceConsentTimeout = options.iceConsentTimeout;
    wo.iceUdp = options.ice.udp;
    wo.iceTcp = options.ice.tcp;
    wo.tcpPort = options.ice.tcpPort ? static_cast<uint16_t>(options.ice.tcpPort + i) : 0;
    wo.maxTcpConnections = options.ice.maxTcpConnectionsPerWorker;
    workers.push_back(std::make_unique<sfu::Worker>(i, wo, certificate));
    workerPointers.push_back(workers.back().get());
  }
  // Destroyed in reverse: sessions still queued in `io` leave their rooms while `directory` exists.
  signaling::RoomDirectory directory(workerPointers, options.limits);
  asio::io_context io{1};
  directory.listenToWorkers(io.get_executor());  // e.g. ICE consent expiry ends the peer's session
  directory.setTurn(turn);
  std::unique_ptr<TranslationRuntime> translation;
  if (options.translation.enabled) {
    translation = std::make_unique<TranslationRuntime>(options.translation, io, directory);
    for (auto& w : workers) w->setAudioTap(&translation->service());
  }
  for (auto& w : workers) w->start();
  // /ready's "turn" check: the first TURN URL answers a STUN Binding request.
  std::unique_ptr<signaling::TurnProbe> turnProbe;
  if (turn) {
    turnProbe = std::make_unique<signaling::TurnProbe>(io, turn->urls().front());
    turnProbe->start();
  }
  signaling::HttpServer::Options ho;
  ho.listenAddress = options.listenAddress;
  ho.port = options.port;
  ho.webRoot = options.webRoot;
  ho.tlsCertificateFile = options.tlsCertificateFile;
  ho.tlsKeyFile = options.tlsKeyFile;
  ho.access = access;
  ho.allowedOrigins = options.allowedOrigins;
  if (options.tlsMode == "self-signed") {
    std::vector<std::string> hosts{"localhost", "127.0.0.1", "::1"};
    for (const std::string& extra : {announced, options.listenAddress})
      if (extra != "0.0.0.0" && extra != "::" && std::find(hosts.begin(), hosts.end(), extra) == hosts.end())
        hosts.push_back(extra);
    ho.tlsIdentity = signaling::makeSelfSignedTlsIdentity(hosts);
    spdlog::info("self-signed TLS certificate for {} (SHA-256 {}); browsers will ask to trust it",
                 fmt::join(hosts, ", "), signaling::tlsFingerprintSha256(*ho.tlsIdentity));
  } else if (!options.tlsMode.empty()) {
    throw std::invalid_argument("--tls: only 'self-signed' is supported (or use --tls-cert/--tls-key)");
  }
  signaling::HttpServer http(io, ho, directory, [&] {
    auto uptime =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - startedAt);
    return nlohmann::json{{"status", "ok"},
                          {"version", JB_VERSION},
                          {"uptimeSeconds", uptime.count()},
                          {"rooms", directory.roomCount()},
                          {"peers", directory.peerCount()},
                          {"workers", directory.workerCount()}};
  });
  // /ready lists the token secret only when rooms need tokens; loading it already failed hard if unusable.
  if (access->requiresToken())
    http.readiness().add("tokenSecret", [access] { return access->requiresToken(); });
  if (turnProbe) http.readiness().add("turn", [&turnProbe] { return turnProbe->reachable(); });
  if (translation)
    http.readiness().add("translationEngines", [&translation] { return translation->ready(); });
  http.start();

  const std::string host = options.listenAddress == "0.0.0.0" ? "localhost" : options.listenAddress;
  spdlog::info("JB Calling {} listening on {}://{}:{} ({} media workers, announcing {}; rooms {})",
               JB_VERSION, http.tls() ? "https" : "http", host, http.port(), workerCount, announced,
               access->requiresToken() ? "need a join token" : "are open");

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int signal) {
    spdlog::info("signal {}: shutting down", signal);
    io.stop();
  });
  // SIGHUP: re-read --tls-cert/--tls-key, e.g. after a certificate renewal.
  asio::signal_set hangup(io, SIGHUP);
  std::function<void()> awaitHangup = [&] {
    hangup.async_wait([&](const boost::system::error_code& ec, int) {
      if (ec) return;
      http.reloadTls();
      awaitHangup();
    });
  };
  awaitHangup();
  io.run();
  for (auto& w : workers) w->stop();
  translation.reset();  // after the workers: no router taps into it any more
  return 0;
}

}  // namespace jb::app
