// Limits, Origin checks, /metrics, /ready and ICE consent expiry through the real HTTP/WebSocket
// server on loopback, with Beast clients and a real UDP client doing ICE (docs/protocol.md "Limits").
#include <gtest/gtest.h>

#include <boost/asio/ip/udp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "../unit/signaling/Exposition.hpp"
#include "dtls/Certificate.hpp"
#include "ice/StunMessage.hpp"
#include "sfu/RouterCapabilities.hpp"
#include "signaling/HttpServer.hpp"

namespace jb::signaling {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace fs = std::filesystem;
using tcp = asio::ip::tcp;
using udp = asio::ip::udp;
using nlohmann::json;
using namespace std::chrono_literals;
using WebSocket = websocket::stream<tcp::socket>;

struct HttpResult {
  unsigned status = 0;
  std::string contentType;
  std::string body;
};

class LimitsServerTest : public ::testing::Test {
 protected:
  void start(SignalingLimits limits = {}, std::vector<std::string> allowedOrigins = {},
             std::string webRoot = "/nonexistent", std::chrono::milliseconds consentTimeout = 30s) {
    sfu::Worker::Options wo{"127.0.0.1", "127.0.0.1", 0};
    wo.iceConsentTimeout = consentTimeout;
    worker_ = std::make_unique<sfu::Worker>(0, wo, dtls::Certificate::generate());
    worker_->start();
    directory_ = std::make_unique<RoomDirectory>(std::vector<sfu::Worker*>{worker_.get()}, limits);
    directory_->listenToWorkers(serverIo_.get_executor());
    HttpServer::Options options;
    options.port = 0;
    options.webRoot = std::move(webRoot);
    options.allowedOrigins = std::move(allowedOrigins);
    server_ = std::make_unique<HttpServer>(serverIo_, options, *directory_, [this] {
      return json{{"status", "ok"}, {"peers", directory_->peerCount()}};
    });
    server_->start();
    serverThread_ = std::thread([this] { serverIo_.run(); });
  }

  void TearDown() override {
    serverIo_.stop();
    if (serverThread_.joinable()) serverThread_.join();
    server_.reset();
    if (worker_) worker_->stop();
  }

  std::string hostHeader() const { return "127.0.0.1:" + std::to_string(server_->port()); }

  // Opens /ws; null if the upgrade was refused.
  std::unique_ptr<WebSocket> connect(const std::string& origin = {}) {
    auto ws = std::make_unique<WebSocket>(clientIo_);
    ws->next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port()));
    if (!origin.empty())
      ws->set_option(websocket::stream_base::decorator(
          [origin](websocket::request_type& req) { req.set(http::field::origin, origin); }));
    beast::error_code ec;
    ws->handshake(hostHeader(), "/ws", ec);
    if (ec) return nullptr;
    ws->read_message_max(1 << 20);
    return ws;
  }

  // A WebSocket upgrade request by hand, to see the HTTP answer (Beast 1.74's handshake drops it).
  HttpResult upgrade(const std::string& origin = {}) {
    tcp::socket socket(clientIo_);
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port()));
    http::request<http::empty_body> req{http::verb::get, "/ws", 11};
    req.set(http::field::host, hostHeader());
    req.set(http::field::connection, "Upgrade");
    req.set(http::field::upgrade, "websocket");
    req.set(http::field::sec_websocket_version, "13");
    req.set(http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
    if (!origin.empty()) req.set(http::field::origin, origin);
    http::write(socket, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    beast::error_code ec;
    http::read(socket, buffer, res, ec);
    return {res.result_int(), std::string(res[http::field::content_type]), res.body()};
  }

  static json request(WebSocket& ws, int id, const std::string& method, json data = json::object()) {
    ws.write(asio::buffer(json{{"request", true}, {"id", id}, {"method", method}, {"data", data}}.dump()));
    for (;;) {
      json message = readJson(ws);
      if (message.value("response", false) && message["id"] == id) return message;
    }
  }

  static json readJson(WebSocket& ws) {
    beast::flat_buffer buffer;
    ws.read(buffer);
    return json::parse(beast::buffers_to_string(buffer.data()));
  }

  // Reads until a notification `method` arrives (or the socket fails).
  static json waitForNotification(WebSocket& ws, const std::string& method) {
    for (;;) {
      json message = readJson(ws);
      if (message.value("notification", false) && message["method"] == method) return message["data"];
    }
  }

  static json joinData(const std::string& room, const std::string& name) {
    json caps = {{"codecs", sfu::routerRtpCapabilities()["codecs"]},
                 {"headerExtensions", sfu::routerRtpCapabilities()["headerExtensions"]}};
    return {{"roomId", room}, {"displayName", name}, {"rtpCapabilities", caps}};
  }

  // Reads until the server's close frame; returns its code.
  static uint16_t readUntilClosed(WebSocket& ws) {
    for (;;) {
      beast::flat_buffer buffer;
      beast::error_code ec;
      ws.read(buffer, ec);
      if (ec) return ws.reason().code;
    }
  }

  HttpResult httpGet(const std::string& target) {
    tcp::socket socket(clientIo_);
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port()));
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, hostHeader());
    http::write(socket, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(socket, buffer, res);
    return {res.result_int(), std::string(res[http::field::content_type]), res.body()};
  }

  jb::testing::Exposition metrics() {
    HttpResult res = httpGet("/metrics");
    EXPECT_EQ(res.status, 200u);
    EXPECT_EQ(res.contentType, "text/plain; version=0.0.4; charset=utf-8");
    return jb::testing::parseExposition(res.body);
  }

  // Runs `f` on the server's signaling thread and waits for it.
  template <typename F>
  void onSignaling(F f) {
    std::promise<void> done;
    asio::post(serverIo_, [&] {
      f();
      done.set_value();
    });
    done.get_future().get();
  }

  asio::io_context clientIo_;
  std::unique_ptr<sfu::Worker> worker_;
  std::unique_ptr<RoomDirectory> directory_;
  asio::io_context serverIo_;
  std::unique_ptr<HttpServer> server_;
  std::thread serverThread_;
};

TEST_F(LimitsServerTest, ForeignOriginIsRefusedWith403AndCounted) {
  start();
  HttpResult refused = upgrade("https://evil.example");
  EXPECT_EQ(refused.status, 403u);
  EXPECT_NE(refused.body.find("origin not allowed"), std::string::npos) << refused.body;

  EXPECT_TRUE(connect()) << "no Origin: not a browser";
  EXPECT_TRUE(connect("http://" + hostHeader())) << "our own page";
  EXPECT_EQ(metrics().value("jb_origin_rejections_total"), 1);
}

TEST_F(LimitsServerTest, AllowedOriginIsAccepted) {
  start({}, {"https://app.example.com"});
  EXPECT_TRUE(connect("https://app.example.com"));
  EXPECT_TRUE(connect("http://" + hostHeader()));
  EXPECT_FALSE(connect("https://other.example.com"));
  EXPECT_EQ(upgrade("https://other.example.com").status, 403u);
}

TEST_F(LimitsServerTest, SessionsBeyondThePerAddressCapGet429) {
  SignalingLimits limits;
  limits.maxSessionsPerAddress = 2;
  start(limits);
  auto first = connect();
  auto second = connect();
  ASSERT_TRUE(first && second);
  HttpResult refused = upgrade();
  EXPECT_EQ(refused.status, 429u);
  EXPECT_NE(refused.body.find("too many sessions from your address (limit 2)"), std::string::npos)
      << refused.body;
  EXPECT_EQ(metrics().value("jb_limit_rejections_total", {{"kind", "ip_sessions"}}), 1);
  EXPECT_EQ(metrics().value("jb_websocket_sessions"), 2);

  // The open sessions still work, and closing one frees its slot.
  EXPECT_TRUE(request(*second, 1, "getRouterRtpCapabilities")["ok"].get<bool>());
  first->close(websocket::close_code::normal);
  std::unique_ptr<WebSocket> again;
  for (int i = 0; i < 100 && !again; ++i) {
    again = connect();
    if (!again) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(again);
}

TEST_F(LimitsServerTest, AbuseClosesOnlyThatSessionWith1008) {
  SignalingLimits limits;
  limits.abuseErrorLimit = 5;
  start(limits);
  auto abuser = connect();
  auto bystander = connect();
  ASSERT_TRUE(request(*abuser, 1, "join", joinData("r1", "Abuser"))["ok"].get<bool>());
  ASSERT_TRUE(request(*bystander, 1, "join", joinData("r2", "Bystander"))["ok"].get<bool>());

  for (int i = 0; i < 5; ++i) abuser->write(asio::buffer(std::string("{garbage")));
  int badJson = 0;
  for (;;) {
    beast::flat_buffer buffer;
    beast::error_code ec;
    abuser->read(buffer, ec);
    if (ec) break;
    if (json::parse(beast::buffers_to_string(buffer.data()))["error"]["code"] == "bad_json") ++badJson;
  }
  EXPECT_EQ(badJson, 5) << "every bad frame is answered, then the socket closes";
  EXPECT_EQ(abuser->reason().code, websocket::close_code::policy_error);
  EXPECT_FALSE(abuser->reason().reason.empty());

  // The other room never noticed.
  json chat = request(*bystander, 2, "chat", {{"text", "still here"}});
  EXPECT_TRUE(chat["ok"].get<bool>());
  auto m = metrics();
  EXPECT_EQ(m.value("jb_sessions_closed_by_server_total", {{"reason", "abuse"}}), 1);
  EXPECT_EQ(m.value("jb_signaling_errors_total", {{"code", "bad_json"}}), 5);
  EXPECT_EQ(m.value("jb_peers"), 1);
  EXPECT_EQ(m.value("jb_rooms"), 1);
}

TEST_F(LimitsServerTest, FullRoomRefusesTheJoin) {
  SignalingLimits limits;
  limits.maxPeersPerRoom = 1;
  start(limits);
  auto a = connect();
  auto b = connect();
  ASSERT_TRUE(request(*a, 1, "join", joinData("r1", "A"))["ok"].get<bool>());
  json refused = request(*b, 1, "join", joinData("r1", "B"));
  EXPECT_EQ(refused["error"]["code"], "room_full");
  EXPECT_TRUE(request(*b, 2, "join", joinData("r2", "B"))["ok"].get<bool>()) << "the socket stays usable";
  EXPECT_EQ(metrics().value("jb_limit_rejections_total", {{"kind", "room_peers"}}), 1);
}

TEST_F(LimitsServerTest, MessageSizeLimitIsConfigurable) {
  SignalingLimits limits;
  limits.maxMessageBytes = 2048;
  start(limits);
  auto ws = connect();
  ws->write(asio::buffer(
      json{{"request", true}, {"id", 1}, {"method", "chat"}, {"data", {{"text", std::string(1500, 'x')}}}}
          .dump()));
  EXPECT_EQ(readJson(*ws)["error"]["code"], "not_joined") << "1.5 KB is within 2 KiB";
  ws->write(asio::buffer(
      json{{"request", true}, {"id", 2}, {"method", "chat"}, {"data", {{"text", std::string(3000, 'x')}}}}
          .dump()));
  EXPECT_EQ(readUntilClosed(*ws), websocket::close_code::too_big);
  for (int i = 0; i < 100 && metrics().value("jb_limit_rejections_total", {{"kind", "message_size"}}) < 1;
       ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(metrics().value("jb_limit_rejections_total", {{"kind", "message_size"}}), 1);
}

TEST_F(LimitsServerTest, MetricsFollowSessionsRoomsAndRequests) {
  start();
  auto before = metrics();
  EXPECT_EQ(before.value("jb_rooms"), 0);
  EXPECT_EQ(before.value("jb_worker_up", {{"worker", "0"}}), 1);
  auto ws = connect();
  ASSERT_TRUE(request(*ws, 1, "join", joinData("r1", "A"))["ok"].get<bool>());
  ASSERT_TRUE(request(*ws, 2, "createWebRtcTransport", {{"direction", "send"}})["ok"].get<bool>());
  EXPECT_EQ(request(*ws, 3, "closeProducer", {{"producerId", "nope"}})["error"]["code"], "not_found");
  auto after = metrics();
  EXPECT_EQ(after.value("jb_rooms"), 1);
  EXPECT_EQ(after.value("jb_peers"), 1);
  EXPECT_EQ(after.value("jb_websocket_sessions"), 1);
  EXPECT_EQ(after.value("jb_transports", {{"worker", "0"}}), 1);
  EXPECT_EQ(after.value("jb_routers", {{"worker", "0"}}), 1);
  EXPECT_EQ(after.value("jb_signaling_requests_total", {{"method", "join"}}), 1);
  EXPECT_EQ(after.value("jb_signaling_requests_total", {{"method", "createWebRtcTransport"}}), 1);
  EXPECT_EQ(after.value("jb_signaling_errors_total", {{"method", "closeProducer"}, {"code", "not_found"}}), 1)
      << "errors from the media worker are labelled with their method too";
}

TEST_F(LimitsServerTest, ReadyReportsEachCheck) {
  start();  // no web app under /nonexistent
  HttpResult notReady = httpGet("/ready");
  EXPECT_EQ(notReady.status, 503u);
  EXPECT_EQ(json::parse(notReady.body),
            (json{{"ready", false}, {"checks", {{"workers", true}, {"webApp", false}}}}));
}

TEST_F(LimitsServerTest, ReadyWhenEveryCheckPassesAndChecksCanBeRegistered) {
  fs::path web = fs::temp_directory_path() / ("jb-ready-" + std::to_string(::getpid()));
  fs::create_directories(web);
  std::ofstream(web / "index.html") << "<!doctype html>";
  start({}, {}, web.string());
  HttpResult ready = httpGet("/ready");
  EXPECT_EQ(ready.status, 200u);
  EXPECT_EQ(ready.contentType, "application/json");
  EXPECT_EQ(json::parse(ready.body),
            (json{{"ready", true}, {"checks", {{"workers", true}, {"webApp", true}}}}));

  onSignaling([&] { server_->readiness().add("turn", [] { return false; }); });
  HttpResult withTurn = httpGet("/ready");
  EXPECT_EQ(withTurn.status, 503u);
  EXPECT_EQ(json::parse(withTurn.body)["checks"]["turn"], false);
  fs::remove_all(web);
}

// The browser of one peer vanishes without closing its WebSocket's TCP connection cleanly in time:
// after the ICE consent timeout its session ends (4001), its media is freed and the room is told.
TEST_F(LimitsServerTest, ExpiredIceConsentEndsThePeersSessionAndTellsTheRoom) {
  start({}, {}, "/nonexistent", 500ms);
  auto gone = connect();
  auto stays = connect();
  const std::string goneId = request(*gone, 1, "join", joinData("r1", "Gone"))["data"]["peerId"];
  ASSERT_TRUE(request(*stays, 1, "join", joinData("r1", "Stays"))["ok"].get<bool>());
  json send = request(*gone, 2, "createWebRtcTransport", {{"direction", "send"}})["data"];
  json produced = request(*gone, 3, "produce",
                          {{"transportId", send["id"]},
                           {"kind", "audio"},
                           {"rtpParameters",
                            {{"mid", "0"},
                             {"codecs", json::array({{{"mimeType", "audio/opus"},
                                                      {"payloadType", 111},
                                                      {"clockRate", 48000},
                                                      {"channels", 2},
                                                      {"parameters", json::object()},
                                                      {"rtcpFeedback", json::array()}}})},
                             {"headerExtensions", json::array()},
                             {"encodings", json::array({{{"ssrc", 4321}}})},
                             {"rtcp", {{"cname", "c"}}}}}});
  ASSERT_TRUE(produced["ok"].get<bool>()) << produced.dump();
  const std::string producerId = produced["data"]["id"];
  json recv = request(*stays, 2, "createWebRtcTransport", {{"direction", "recv"}})["data"];
  json consumed = request(*stays, 3, "consume", {{"transportId", recv["id"]}, {"producerId", producerId}});
  ASSERT_TRUE(consumed["ok"].get<bool>()) << consumed.dump();

  // "Gone"'s browser does one authenticated ICE check from a real UDP socket, then nothing.
  udp::socket ice(clientIo_, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  ice::TransactionId tid{};
  tid.fill(7);
  auto check = ice::StunMessage::makeRequest(ice::StunMessage::kBinding, tid);
  check.setUsername(send["iceParameters"]["usernameFragment"].get<std::string>() + ":browser");
  check.setPriority(1);
  check.setIceControlling(1);
  check.setUseCandidate(true);
  auto bytes = check.serialize(send["iceParameters"]["password"].get<std::string>(), true);
  ice.send_to(asio::buffer(bytes), udp::endpoint(asio::ip::make_address("127.0.0.1"), worker_->port()));
  std::array<uint8_t, 1500> reply{};
  ASSERT_GT(ice.receive(asio::buffer(reply)), 0u) << "the check is answered";

  EXPECT_EQ(readUntilClosed(*gone), 4001) << "the silent peer's session is closed by the server";
  EXPECT_EQ(waitForNotification(*stays, "peerLeft")["peerId"], goneId);
  EXPECT_EQ(waitForNotification(*stays, "producerClosed")["producerId"], producerId);
  EXPECT_EQ(waitForNotification(*stays, "consumerClosed")["consumerId"], consumed["data"]["id"]);

  auto m = metrics();
  EXPECT_EQ(m.value("jb_peers"), 1);
  EXPECT_EQ(m.value("jb_transports"), 1) << "only the remaining peer's transport";
  EXPECT_EQ(m.value("jb_producers"), 0);
  EXPECT_EQ(m.value("jb_consumers"), 0);
  EXPECT_EQ(m.value("jb_ice_consent_expirations_total"), 1);
  EXPECT_EQ(m.value("jb_sessions_closed_by_server_total", {{"reason", "ice_consent_expired"}}), 1);
  EXPECT_TRUE(request(*stays, 4, "chat", {{"text", "alone now"}})["ok"].get<bool>());
}

}  // namespace
}  // namespace jb::signaling
