#include "SignalingConnection.hpp"

#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket.hpp>

namespace jb::bench {

namespace asio = boost::asio;
using asio::use_awaitable;
using nlohmann::json;

SignalingConnection::SignalingConnection(asio::any_io_executor executor) : ws_(executor) {}

asio::awaitable<void> SignalingConnection::connect(const std::string& host, uint16_t port) {
  co_await ws_.next_layer().async_connect(asio::ip::tcp::endpoint(asio::ip::make_address(host), port),
                                          use_awaitable);
  ws_.next_layer().set_option(asio::ip::tcp::no_delay(true));
  co_await ws_.async_handshake(host + ":" + std::to_string(port), "/ws", use_awaitable);
}

asio::awaitable<json> SignalingConnection::request(const std::string& method, json data) {
  const int id = nextId_++;
  std::string text =
      json{{"request", true}, {"id", id}, {"method", method}, {"data", std::move(data)}}.dump();
  ws_.text(true);
  co_await ws_.async_write(asio::buffer(text), use_awaitable);
  for (;;) {
    buffer_.clear();
    co_await ws_.async_read(buffer_, use_awaitable);
    json message = json::parse(boost::beast::buffers_to_string(buffer_.data()));
    if (!message.value("response", false) || message["id"] != id) continue;
    if (!message.value("ok", false))
      throw std::runtime_error(method + ": " + message["error"].value("code", "?") + ": " +
                               message["error"].value("message", ""));
    co_return message["data"];
  }
}

asio::awaitable<void> SignalingConnection::drain() {
  try {
    for (;;) {
      buffer_.clear();
      co_await ws_.async_read(buffer_, use_awaitable);
    }
  } catch (const boost::system::system_error&) {
    // closed: the run is over
  }
}

void SignalingConnection::close() {
  boost::system::error_code ec;
  ws_.next_layer().close(ec);
}

}  // namespace jb::bench
