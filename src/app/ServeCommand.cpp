#include "app/ServeCommand.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <thread>

#include "dtls/Certificate.hpp"
#include "sfu/Worker.hpp"
#include "signaling/HttpServer.hpp"
#include "signaling/RoomDirectory.hpp"

namespace jb::app {

namespace asio = boost::asio;

int runServe(const ServeOptions& options) {
  spdlog::set_level(spdlog::level::from_str(options.logLevel));
  const auto startedAt = std::chrono::steady_clock::now();

  std::string announced = options.announcedAddress;
  if (announced.empty())
    announced = (options.listenAddress == "0.0.0.0" || options.listenAddress == "::") ? "127.0.0.1"
                                                                                      : options.listenAddress;
  const std::string rtcListen =
      options.rtcListenAddress.empty() ? options.listenAddress : options.rtcListenAddress;
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
    workers.push_back(std::make_unique<sfu::Worker>(i, wo, certificate));
    workerPointers.push_back(workers.back().get());
  }
  for (auto& w : workers) w->start();

  // Destroyed in reverse: sessions still queued in `io` leave their rooms while `directory` exists.
  signaling::RoomDirectory directory(workerPointers);
  asio::io_context io{1};
  signaling::HttpServer::Options ho;
  ho.listenAddress = options.listenAddress;
  ho.port = options.port;
  ho.webRoot = options.webRoot;
  ho.tlsCertificateFile = options.tlsCertificateFile;
  ho.tlsKeyFile = options.tlsKeyFile;
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
  http.start();

  const std::string host = options.listenAddress == "0.0.0.0" ? "localhost" : options.listenAddress;
  spdlog::info("JB Calling {} listening on {}://{}:{} ({} media workers, announcing {})", JB_VERSION,
               http.tls() ? "https" : "http", host, http.port(), workerCount, announced);

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int signal) {
    spdlog::info("signal {}: shutting down", signal);
    io.stop();
  });
  io.run();
  for (auto& w : workers) w->stop();
  return 0;
}

}  // namespace jb::app
