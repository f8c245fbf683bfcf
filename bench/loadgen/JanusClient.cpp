#include "JanusClient.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace jb::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::use_awaitable;
using nlohmann::json;

JanusClient::JanusClient(asio::any_io_executor executor, asio::ip::tcp::endpoint server)
    : executor_(std::move(executor)), server_(server) {}

asio::awaitable<json> JanusClient::http(const std::string& method, const std::string& target,
                                        const json* body) {
  beast::tcp_stream stream(executor_);
  co_await stream.async_connect(server_, use_awaitable);
  http::request<http::string_body> req{method == "POST" ? http::verb::post : http::verb::get, target, 11};
  req.set(http::field::host, server_.address().to_string());
  if (body) {
    req.set(http::field::content_type, "application/json");
    req.body() = body->dump();
  }
  req.prepare_payload();
  co_await http::async_write(stream, req, use_awaitable);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  co_await http::async_read(stream, buffer, res, use_awaitable);
  beast::error_code ec;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  co_return json::parse(res.body());
}

asio::awaitable<json> JanusClient::post(const std::string& target, json body) {
  body["transaction"] = std::to_string(++transaction_);
  json reply = co_await http("POST", target, &body);
  if (reply.value("janus", "") == "error")
    throw std::runtime_error("janus: " + reply["error"].value("reason", reply.dump()));
  co_return reply;
}

asio::awaitable<void> JanusClient::createSession() {
  json body = {{"janus", "create"}};
  json reply = co_await post("/janus", std::move(body));
  session_ = reply["data"]["id"];
}

asio::awaitable<uint64_t> JanusClient::attachVideoRoom() {
  json body = {{"janus", "attach"}, {"plugin", "janus.plugin.videoroom"}};
  json reply = co_await post("/janus/" + std::to_string(session_), std::move(body));
  co_return reply["data"]["id"].get<uint64_t>();
}

asio::awaitable<json> JanusClient::pluginRequest(uint64_t handle, json body) {
  json message = {{"janus", "message"}, {"body", std::move(body)}};
  const std::string target = "/janus/" + std::to_string(session_) + "/" + std::to_string(handle);
  json reply = co_await post(target, std::move(message));
  const json& data = reply["plugindata"]["data"];
  if (data.contains("error"))
    throw std::runtime_error("janus videoroom: " + data["error"].get<std::string>());
  co_return data;
}

asio::awaitable<json> JanusClient::pluginMessage(uint64_t handle, json body, json jsep) {
  json message = {{"janus", "message"}, {"body", std::move(body)}};
  if (!jsep.is_null()) message["jsep"] = std::move(jsep);
  const std::string target = "/janus/" + std::to_string(session_) + "/" + std::to_string(handle);
  co_await post(target, std::move(message));
  asio::steady_timer timer(executor_);
  for (int i = 0; i < 1000; ++i) {
    auto& queue = events_[handle];
    while (!queue.empty()) {
      json event = std::move(queue.front());
      queue.pop_front();
      if (event.value("janus", "") != "event") continue;  // webrtcup, media, slowlink...
      const json& data = event["plugindata"]["data"];
      if (data.contains("error"))
        throw std::runtime_error("janus videoroom: " + data["error"].get<std::string>());
      co_return event;
    }
    timer.expires_after(std::chrono::milliseconds(10));
    co_await timer.async_wait(use_awaitable);
  }
  throw std::runtime_error("janus: no event answered the message within 10 s");
}

asio::awaitable<void> JanusClient::pollEvents() {
  while (!stopped_) {
    try {
      const std::string target = "/janus/" + std::to_string(session_) + "?maxev=20";
      json events = co_await http("GET", target, nullptr);
      if (!events.is_array()) events = json::array({events});
      for (json& e : events)
        if (e.contains("sender")) events_[e["sender"].get<uint64_t>()].push_back(std::move(e));
    } catch (const std::exception&) {
      if (stopped_) break;
    }
  }
}

}  // namespace jb::bench
