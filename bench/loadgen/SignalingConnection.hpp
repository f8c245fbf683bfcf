#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <nlohmann/json.hpp>
#include <string>

namespace jb::bench {

// One participant's signaling WebSocket (docs/protocol.md), as coroutines. Requests are issued one at
// a time; notifications that arrive meanwhile are skipped (the generator tracks the room itself).
class SignalingConnection {
 public:
  explicit SignalingConnection(boost::asio::any_io_executor executor);

  boost::asio::awaitable<void> connect(const std::string& host, uint16_t port);
  // The response's `data`; throws std::runtime_error with the server's error code and message.
  boost::asio::awaitable<nlohmann::json> request(const std::string& method, nlohmann::json data);
  // Reads and discards until the socket closes, so the server never sees us as a slow reader.
  boost::asio::awaitable<void> drain();
  void close();

 private:
  boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws_;
  boost::beast::flat_buffer buffer_;
  int nextId_ = 1;
};

}  // namespace jb::bench
