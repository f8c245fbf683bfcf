#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "signaling/RoomDirectory.hpp"
#include "signaling/StaticFiles.hpp"

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
    std::string tlsCertificateFile;  // both empty: plain HTTP
    std::string tlsKeyFile;
  };

  HttpServer(boost::asio::io_context& io, Options options, RoomDirectory& directory,
             std::function<nlohmann::json()> healthReport);
  ~HttpServer();

  void start();
  uint16_t port() const;
  bool tls() const { return tlsContext_ != nullptr; }

 private:
  void accept();

  boost::asio::io_context& io_;
  Options options_;
  RoomDirectory& directory_;
  std::function<nlohmann::json()> healthReport_;
  StaticFiles staticFiles_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::unique_ptr<boost::asio::ssl::context> tlsContext_;
  std::unique_ptr<HttpContext> context_;
};

}  // namespace jb::signaling
