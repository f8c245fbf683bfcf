#pragma once

#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>

#include "signaling/AddressSessionLimiter.hpp"
#include "signaling/MetricsReport.hpp"
#include "signaling/OriginPolicy.hpp"
#include "signaling/PrometheusText.hpp"
#include "signaling/Readiness.hpp"
#include "signaling/RoomDirectory.hpp"
#include "signaling/StaticFiles.hpp"
#include "signaling/WebSocketConnection.hpp"

namespace jb::signaling {

namespace beast = boost::beast;
namespace http = beast::http;

// Everything an HTTP connection needs from the server; shared by all connections.
struct HttpContext {
  boost::asio::io_context& io;
  RoomDirectory& directory;
  const StaticFiles& staticFiles;
  std::function<nlohmann::json()> healthReport;
  const Readiness& readiness;
  const OriginPolicy& originPolicy;
  AddressSessionLimiter& sessionLimiter;
};

// One keep-alive HTTP connection over `Stream` (plain tcp_stream or ssl_stream). Hands itself over to a
// WebSocketConnection on an upgrade to /ws.
template <typename Stream>
class HttpConnection : public std::enable_shared_from_this<HttpConnection<Stream>> {
 public:
  HttpConnection(Stream stream, const HttpContext& context) : stream_(std::move(stream)), context_(context) {}

  void start() { read(); }

 private:
  static constexpr size_t kMaxRequestBody = 16 * 1024;

  void read() {
    parser_.emplace();
    parser_->body_limit(kMaxRequestBody);
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(30));
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, size_t) { self->onRead(ec); });
  }

  void onRead(beast::error_code ec) {
    if (ec) return;  // closed, timed out or malformed: nothing to answer
    auto request = parser_->release();
    if (beast::websocket::is_upgrade(request)) return upgrade(std::move(request));
    handle(std::move(request));
  }

  using Request = http::request<http::string_body>;

  // A WebSocket upgrade: only to /ws, from an allowed Origin, and within the per-address session cap.
  void upgrade(Request request) {
    request.keep_alive(false);  // a refused upgrade ends the connection
    if (request.target() != "/ws") return reply(error(request, http::status::not_found, "no such endpoint"));
    const std::string origin(request[http::field::origin]);
    const std::string host(request[http::field::host]);
    beast::error_code ec;
    const auto address = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec).address();
    if (ec) return;  // already gone
    SignalingMetrics& metrics = context_.directory.metrics();
    if (!context_.originPolicy.allows(origin, host)) {
      metrics.countOriginRejection();
      spdlog::info("[http] ip={} websocket refused: origin {} not allowed for host {}", address.to_string(),
                   nlohmann::json(origin).dump(), nlohmann::json(host).dump());
      return reply(error(request, http::status::forbidden,
                         "origin not allowed: this server accepts WebSockets from its own pages or from "
                         "origins given with --allowed-origin"));
    }
    auto lease = context_.sessionLimiter.tryAcquire(address);
    if (!lease) {
      metrics.countLimitRejection("ip_sessions");
      spdlog::info("[http] ip={} websocket refused: {} sessions already open from this address",
                   address.to_string(), context_.sessionLimiter.maxPerAddress());
      auto res =
          error(request, http::status::too_many_requests,
                "too many sessions from your address (limit " +
                    std::to_string(context_.sessionLimiter.maxPerAddress()) + "); close one and retry");
      res.set(http::field::retry_after, "10");
      return reply(std::move(res));
    }
    beast::get_lowest_layer(stream_).expires_never();
    std::make_shared<WebSocketConnection<Stream>>(std::move(stream_), context_.io, context_.directory,
                                                  std::move(*lease))
        ->accept(std::move(request));
  }

  void replyText(const Request& req, http::status status, const char* contentType, std::string body) {
    http::response<http::string_body> res{status, req.version()};
    res.set(http::field::content_type, contentType);
    res.set(http::field::cache_control, "no-store");
    res.keep_alive(req.keep_alive());
    res.body() = std::move(body);
    res.prepare_payload();
    reply(std::move(res));
  }

  http::response<http::string_body> error(const Request& req, http::status status, const std::string& text) {
    http::response<http::string_body> res{status, req.version()};
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.keep_alive(req.keep_alive());
    res.body() = text + "\n";
    res.prepare_payload();
    return res;
  }

  void handle(Request req) {
    if (req.method() != http::verb::get && req.method() != http::verb::head)
      return reply(error(req, http::status::method_not_allowed, "method not allowed"));
    const std::string target(req.target());
    auto is = [&](std::string_view path) {
      return target == path || (target.starts_with(path) && target[path.size()] == '?');
    };
    if (is("/health")) {
      http::response<http::string_body> res{http::status::ok, req.version()};
      res.set(http::field::content_type, "application/json");
      res.set(http::field::cache_control, "no-store");
      res.keep_alive(req.keep_alive());
      res.body() = context_.healthReport().dump();
      res.prepare_payload();
      return reply(std::move(res));
    }
    if (is("/ready")) {
      nlohmann::json report = context_.readiness.evaluate();
      const bool ready = report["ready"].get<bool>();
      return replyText(req, ready ? http::status::ok : http::status::service_unavailable, "application/json",
                       report.dump());
    }
    if (is("/metrics"))
      return replyText(req, http::status::ok, PrometheusText::kContentType,
                       renderMetrics(context_.directory));
    auto file = context_.staticFiles.resolve(target);
    if (!file) return reply(error(req, http::status::not_found, "not found (is the web app built?)"));
    http::file_body::value_type body;
    beast::error_code ec;
    body.open(file->path.c_str(), beast::file_mode::scan, ec);
    if (ec) return reply(error(req, http::status::not_found, "not found"));
    http::response<http::file_body> res{std::piecewise_construct, std::make_tuple(std::move(body)),
                                        std::make_tuple(http::status::ok, req.version())};
    res.set(http::field::content_type, file->contentType);
    res.set(http::field::cache_control, file->immutable ? "public, max-age=31536000, immutable" : "no-cache");
    res.set("X-Content-Type-Options", "nosniff");
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    if (req.method() == http::verb::head) {
      http::response<http::empty_body> head{http::status::ok, req.version()};
      head.base() = res.base();
      return reply(std::move(head));
    }
    reply(std::move(res));
  }

  template <typename Body>
  void reply(http::response<Body> response) {
    auto owned = std::make_shared<http::response<Body>>(std::move(response));
    http::async_write(stream_, *owned,
                      [self = this->shared_from_this(), owned](beast::error_code ec, size_t) {
                        if (ec) return;
                        if (owned->need_eof()) {
                          beast::error_code ignored;
                          beast::get_lowest_layer(self->stream_)
                              .socket()
                              .shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
                          return;
                        }
                        self->read();
                      });
  }

  Stream stream_;
  const HttpContext& context_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
};

}  // namespace jb::signaling
