#include "signaling/HttpServer.hpp"

#include <spdlog/spdlog.h>

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
      acceptor_(io) {
  if (options_.tlsCertificateFile.empty() != options_.tlsKeyFile.empty())
    throw std::invalid_argument("--tls-cert and --tls-key must be given together");
  if (!options_.tlsCertificateFile.empty()) {
    tlsContext_ = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    tlsContext_->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                             asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                             asio::ssl::context::no_tlsv1_1);
    tlsContext_->use_certificate_chain_file(options_.tlsCertificateFile);
    tlsContext_->use_private_key_file(options_.tlsKeyFile, asio::ssl::context::pem);
  }
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

void HttpServer::accept() {
  // Connections hold a reference to this one context; it lives as long as the server.
  if (!context_)
    context_ = std::make_unique<HttpContext>(HttpContext{io_, directory_, staticFiles_, healthReport_});
  acceptor_.async_accept(io_, [this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (!ec) {
      socket.set_option(tcp::no_delay(true));
      if (tlsContext_) {
        auto stream = std::make_shared<beast::ssl_stream<beast::tcp_stream>>(std::move(socket), *tlsContext_);
        beast::get_lowest_layer(*stream).expires_after(std::chrono::seconds(15));
        stream->async_handshake(asio::ssl::stream_base::server, [this, stream](beast::error_code hec) {
          if (hec) return;  // not TLS, or a failed handshake: nothing to serve
          std::make_shared<HttpConnection<beast::ssl_stream<beast::tcp_stream>>>(std::move(*stream),
                                                                                 *context_)
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
