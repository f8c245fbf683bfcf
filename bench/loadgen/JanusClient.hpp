#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace jb::bench {

// Janus's REST API (https://janus.conf.meetecho.com/docs/rest.html) over plain HTTP, as coroutines:
// one Janus session, many plugin handles, events collected by one long-poll loop.
class JanusClient {
 public:
  JanusClient(boost::asio::any_io_executor executor, boost::asio::ip::tcp::endpoint server);

  boost::asio::awaitable<void> createSession();
  boost::asio::awaitable<uint64_t> attachVideoRoom();
  // A synchronous plugin request (e.g. "create"): returns plugindata.data.
  boost::asio::awaitable<nlohmann::json> pluginRequest(uint64_t handle, nlohmann::json body);
  // An asynchronous plugin message (join, configure, start): returns the event that answers it.
  boost::asio::awaitable<nlohmann::json> pluginMessage(uint64_t handle, nlohmann::json body,
                                                       nlohmann::json jsep);
  // Collects events until stop(); run it with co_spawn after createSession().
  boost::asio::awaitable<void> pollEvents();
  void stop() { stopped_ = true; }

 private:
  boost::asio::awaitable<nlohmann::json> http(const std::string& method, const std::string& target,
                                              const nlohmann::json* body);
  boost::asio::awaitable<nlohmann::json> post(const std::string& target, nlohmann::json body);

  boost::asio::any_io_executor executor_;
  boost::asio::ip::tcp::endpoint server_;
  uint64_t session_ = 0;
  uint64_t transaction_ = 0;
  std::map<uint64_t, std::deque<nlohmann::json>> events_;  // by sender handle
  bool stopped_ = false;
};

}  // namespace jb::bench
