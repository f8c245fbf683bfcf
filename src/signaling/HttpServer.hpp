#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "signaling/AccessPolicy.hpp"
#include "signaling/AddressSessionLimiter.hpp"
#include "signaling/OriginPolicy.hpp"
#include "signaling/Readiness.hpp"
#include "signaling/RoomDirectory.hpp"
#include "signaling/StaticFiles.hpp"
#include "signaling/TlsIdentity.hpp"

namespace jb::signaling {

struct HttpContext;

// Serves the web app, GET /health and the WebSocket signaling endpoint (/ws) on one port, over plain
// TCP or TLS. Runs on the signaling io_context.
class HttpServer {
 public:
  struct Options {
    std::string listenAddress = "127.0.0.1";
    uint16_t port = 8080;
    std::string webRoot;
    std::string tlsCertificateFile;  // both empty (and no tlsIdentity): plain HTTP
    std::string tlsKeyFile;
    std::optional<TlsIdentity> tlsIdentity;      // in memory instead of files (e.g. self-signed)
    std::shared_ptr<const AccessPolicy> access;  // null: open rooms
    // Origins allowed to open /ws besides our own (OriginPolicy); "*" allows any.
    std::vector<std::string> allowedOrigins;
  };

  HttpServer(boost::asio::io_context& io, Options options, RoomDirectory& directory,
             std::function<nlohmann::json()> healthReport);
  ~HttpServer();

  void start();
  uint16_t port() const;
  bool tls() const { return tlsContext_ != nullptr; }

  // Re-reads --tls-cert/--tls-key (SIGHUP). New connections get the new certificate, open ones keep
  // theirs. On failure the old certificate stays in use and the error is logged. Returns success.
  // Signaling thread only.
  bool reloadTls();

  // GET /ready's checks: "workers" and "webApp" are built in; others register here (signaling thread).
  Readiness& readiness() { return readiness_; }

 private:
  void accept();

  boost::asio::io_context& io_;
  Options options_;
  RoomDirectory& directory_;
  std::function<nlohmann::json()> healthReport_;
  StaticFiles staticFiles_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::shared_ptr<boost::asio::ssl::context> tlsContext_;
  Readiness readiness_;
  OriginPolicy originPolicy_;
  AddressSessionLimiter sessionLimiter_;
  std::unique_ptr<HttpContext> context_;
};

}  // namespace jb::signaling
