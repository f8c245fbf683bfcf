#include "signaling/HttpServer.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>

#include "signaling/HttpConnection.hpp"

namespace jb::signaling {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

HttpServer::HttpServer(asio::io_context& io, Options options, RoomDirectory& directory,
                       std::function<nlohmann::json()> healthReport)
    : io_(io),
      options_(std::move(options)),
      directory_(directory),
      healthReport_(std::move(healthReport)),
      staticFiles_(options_.webRoot),
      acceptor_(io),
      originPolicy_(options_.allowedOrigins),
      sessionLimiter_(directory.limits().maxSessionsPerAddress) {
  if (options_.tlsCertificateFile.empty() != options_.tlsKeyFile.empty())
    throw std::invalid_argument("--tls-cert and --tls-key must be given together");
  if (options_.tlsIdentity && !options_.tlsCertificateFile.empty())
    throw std::invalid_argument("a self-signed certificate and --tls-cert exclude each other");
  if (options_.tlsIdentity)
    tlsContext_ = makeServerTlsContext(*options_.tlsIdentity);
  else if (!options_.tlsCertificateFile.empty())
    tlsContext_ = makeServerTlsContext(loadTlsIdentity(options_.tlsCertificateFile, options_.tlsKeyFile));
  installAccessPolicy(io_, options_.access);
  readiness_.add("workers", [&directory = directory_] {
    const auto now = std::chrono::steady_clock::now();
    const auto& workers = directory.workers();
    return std::all_of(workers.begin(), workers.end(),
                       [&](const sfu::Worker* w) { return w->responsive(now); });
  });
  readiness_.add("webApp", [this] { return staticFiles_.available(); });
  if (!staticFiles_.available())
    spdlog::warn("[http] no index.html under '{}': the web app is not built; only /health and /ws work",
                 options_.webRoot);
  tcp::endpoint endpoint(asio::ip::make_address(options_.listenAddress), options_.port);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
}

HttpServer::~HttpServer() = default;

uint16_t HttpServer::port() const {
  return acceptor_.local_endpoint().port();
}

void HttpServer::start() {
  accept();
}

bool HttpServer::reloadTls() {
  if (options_.tlsCertificateFile.empty()) {
    spdlog::info("[http] TLS reload: no --tls-cert/--tls-key files to reload");
    return false;
  }
  try {
    auto identity = loadTlsIdentity(options_.tlsCertificateFile, options_.tlsKeyFile);
    tlsContext_ = makeServerTlsContext(identity);
    spdlog::info("[http] TLS certificate reloaded from {} (SHA-256 {})", options_.tlsCertificateFile,
                 tlsFingerprintSha256(identity));
    return true;
  } catch (const std::exception& e) {
    spdlog::error("[http] TLS reload failed, keeping the current certificate: {}", e.what());
    return false;
  }
}

void HttpServer::accept() {
  // Connections hold a reference to this one context; it lives as long as the server.
  if (!context_)
    context_ = std::make_unique<HttpContext>(HttpContext{io_, directory_, staticFiles_, healthReport_,
                                                         readiness_, originPolicy_, sessionLimiter_});
  acceptor_.async_accept(io_, [this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (!ec) {
      socket.set_option(tcp::no_delay(true));
      if (tlsContext_) {
        // The stream's SSL object keeps its SSL_CTX alive; `tls` keeps the asio wrapper alive until the
        // handshake is done, even if a reload replaces tlsContext_ meanwhile.
        auto stream = std::make_shared<beast::ssl_stream<beast::tcp_stream>>(std::move(socket), *tlsContext_);
        beast::get_lowest_layer(*stream).expires_after(std::chrono::seconds(15));
        stream->async_handshake(asio::ssl::stream_base::server,
                                [this, stream, tls = tlsContext_](beast::error_code hec) {
                                  if (hec) return;  // not TLS, or a failed handshake: nothing to serve
                                  std::make_shared<HttpConnection<beast::ssl_stream<beast::tcp_stream>>>(
                                      std::move(*stream), *context_)
                                      ->start();
                                });
      } else {
        std::make_shared<HttpConnection<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)), *context_)
            ->start();
      }
    }
    accept();
  });
}

}  // namespace jb::signaling
