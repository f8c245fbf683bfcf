// The HTTP/WebSocket server on a real loopback socket, driven by a Beast WebSocket client.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <thread>

#include "dtls/Certificate.hpp"
#include "sfu/RouterCapabilities.hpp"
#include "signaling/HttpServer.hpp"

namespace jb::signaling {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using nlohmann::json;

class SignalingServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    worker_ = std::make_unique<sfu::Worker>(0, sfu::Worker::Options{"127.0.0.1", "127.0.0.1", 0},
                                            dtls::Certificate::generate());
    worker_->start();
    directory_ = std::make_unique<RoomDirectory>(std::vector<sfu::Worker*>{worker_.get()});
    HttpServer::Options options;
    options.port = 0;
    options.webRoot = "/nonexistent";
    server_ = std::make_unique<HttpServer>(serverIo_, options, *directory_, [this] {
      return json{{"status", "ok"}, {"peers", directory_->peerCount()}};
    });
    server_->start();
    serverThread_ = std::thread([this] { serverIo_.run(); });
  }

  void TearDown() override {
    serverIo_.stop();
    serverThread_.join();
    server_.reset();
    worker_->stop();
  }

  std::unique_ptr<websocket::stream<tcp::socket>> connect() {
    auto ws = std::make_unique<websocket::stream<tcp::socket>>(clientIo_);
    ws->next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port()));
    ws->handshake("127.0.0.1", "/ws");
    ws->read_message_max(1 << 20);
    return ws;
  }

  static json roundTrip(websocket::stream<tcp::socket>& ws, const json& request) {
    ws.write(asio::buffer(request.dump()));
    for (;;) {
      beast::flat_buffer buffer;
      ws.read(buffer);
      json message = json::parse(beast::buffers_to_string(buffer.data()));
      if (message.value("response", false)) return message;
    }
  }

  std::string httpGet(const std::string& target) {
    tcp::socket socket(clientIo_);
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port()));
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, "127.0.0.1");
    http::write(socket, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(socket, buffer, res);
    return std::to_string(res.result_int()) + " " + res.body();
  }

  // Declaration order is destruction order in reverse: connections still queued in serverIo_ close
  // their sessions against a directory and worker that must still exist.
  asio::io_context clientIo_;
  std::unique_ptr<sfu::Worker> worker_;
  std::unique_ptr<RoomDirectory> directory_;
  asio::io_context serverIo_;
  std::unique_ptr<HttpServer> server_;
  std::thread serverThread_;
};

TEST_F(SignalingServerTest, HealthAnswersJson) {
  std::string res = httpGet("/health");
  ASSERT_TRUE(res.starts_with("200 "));
  EXPECT_EQ(json::parse(res.substr(4))["status"], "ok");
}

TEST_F(SignalingServerTest, OversizedMessageClosesOnlyThatSocketWith1009) {
  auto victim = connect();
  auto bystander = connect();
  json caps = {{"codecs", sfu::routerRtpCapabilities()["codecs"]}};
  json joined =
      roundTrip(*bystander, {{"request", true},
                             {"id", 1},
                             {"method", "join"},
                             {"data", {{"roomId", "r1"}, {"displayName", "B"}, {"rtpCapabilities", caps}}}});
  ASSERT_TRUE(joined["ok"].get<bool>());

  std::string huge =
      json{{"request", true}, {"id", 1}, {"method", "chat"}, {"data", {{"text", std::string(70000, 'x')}}}}
          .dump();
  victim->write(asio::buffer(huge));
  beast::flat_buffer buffer;
  beast::error_code ec;
  victim->read(buffer, ec);
  // The server fails the connection right after its close frame, so our own close reply may fail
  // (EPIPE, ENOTCONN); what matters is that the socket ended and said why.
  EXPECT_TRUE(ec);
  EXPECT_EQ(victim->reason().code, websocket::close_code::too_big);

  // The other connection, and the server, carry on.
  json again = roundTrip(
      *bystander, {{"request", true}, {"id", 2}, {"method", "chat"}, {"data", {{"text", "still here"}}}});
  EXPECT_TRUE(again["ok"].get<bool>());
  EXPECT_TRUE(httpGet("/health").starts_with("200 "));
}

TEST_F(SignalingServerTest, ErrorsKeepTheSocketUsable) {
  auto ws = connect();
  ws->write(asio::buffer(std::string("][")));
  beast::flat_buffer buffer;
  ws->read(buffer);
  json bad = json::parse(beast::buffers_to_string(buffer.data()));
  EXPECT_EQ(bad["error"]["code"], "bad_json");
  json ok = roundTrip(*ws, {{"request", true}, {"id", 5}, {"method", "getRouterRtpCapabilities"}});
  EXPECT_TRUE(ok["ok"].get<bool>());
  EXPECT_TRUE(ok["data"]["rtpCapabilities"]["codecs"].is_array());
}

TEST_F(SignalingServerTest, DroppedSocketRemovesPeer) {
  {
    auto ws = connect();
    json caps = {{"codecs", sfu::routerRtpCapabilities()["codecs"]}};
    roundTrip(*ws, {{"request", true},
                    {"id", 1},
                    {"method", "join"},
                    {"data", {{"roomId", "r1"}, {"displayName", "Gone"}, {"rtpCapabilities", caps}}}});
    EXPECT_EQ(json::parse(httpGet("/health").substr(4))["peers"], 1);
    ws->next_layer().close();  // no close frame: the tab crashed
  }
  for (int i = 0; i < 100; ++i) {
    if (json::parse(httpGet("/health").substr(4))["peers"] == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(json::parse(httpGet("/health").substr(4))["peers"], 0);
}

}  // namespace
}  // namespace jb::signaling
