// `restartIce` through a real PeerSession, room directory and media worker: the request is validated
// before it reaches the media thread, answers new iceParameters for the caller's own transport, and
// refuses anyone else's.
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "dtls/Certificate.hpp"
#include "sfu/RouterCapabilities.hpp"
#include "signaling/PeerSession.hpp"

namespace jb::signaling {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class RecordingChannel : public MessageChannel {
 public:
  void send(std::string text) override { sent.push_back(json::parse(text)); }
  void close() override {}
  std::vector<json> sent;
};

struct Client {
  RecordingChannel channel;
  std::shared_ptr<PeerSession> session;
  int nextId = 1;
};

class PeerSessionIceRestartTest : public ::testing::Test {
 protected:
  PeerSessionIceRestartTest()
      : worker_(0, sfu::Worker::Options{"127.0.0.1", "127.0.0.1", 0}, dtls::Certificate::generate()),
        directory_({&worker_}) {
    worker_.start();
  }
  ~PeerSessionIceRestartTest() override {
    clients_.clear();
    for (int i = 0; i < 20; ++i) {
      io_.restart();
      io_.run_for(10ms);
    }
    worker_.stop();
  }

  Client& connect() {
    auto client = std::make_unique<Client>();
    client->session = std::make_shared<PeerSession>(io_, directory_, client->channel);
    clients_.push_back(std::move(client));
    return *clients_.back();
  }

  json request(Client& c, const std::string& method, json data = json::object()) {
    int id = c.nextId++;
    c.session->handleText(json{{"request", true}, {"id", id}, {"method", method}, {"data", data}}.dump());
    for (int i = 0; i < 200; ++i) {
      for (const json& m : c.channel.sent)
        if (m.value("response", false) && m["id"] == id) return m;
      io_.restart();
      io_.run_for(5ms);
    }
    ADD_FAILURE() << "no response to " << method;
    return {};
  }

  static std::string errorCode(const json& response) {
    return response.value("ok", true) ? "ok" : response["error"]["code"].get<std::string>();
  }

  void join(Client& c, const std::string& name) {
    json caps = {{"codecs", sfu::routerRtpCapabilities()["codecs"]},
                 {"headerExtensions", sfu::routerRtpCapabilities()["headerExtensions"]}};
    ASSERT_EQ(errorCode(request(c, "join",
                                {{"roomId", "room1"}, {"displayName", name}, {"rtpCapabilities", caps}})),
              "ok");
  }

  boost::asio::io_context io_;
  // Keeps run_for() waiting for the worker's answers instead of returning at once.
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_ =
      boost::asio::make_work_guard(io_);
  sfu::Worker worker_;
  RoomDirectory directory_;
  std::vector<std::unique_ptr<Client>> clients_;
};

TEST_F(PeerSessionIceRestartTest, AnswersNewIceParametersForOwnTransport) {
  Client& a = connect();
  join(a, "A");
  json created = request(a, "createWebRtcTransport", {{"direction", "recv"}});
  ASSERT_EQ(errorCode(created), "ok");
  json restarted = request(a, "restartIce", {{"transportId", created["data"]["id"]}});
  ASSERT_EQ(errorCode(restarted), "ok");
  const json& before = created["data"]["iceParameters"];
  const json& after = restarted["data"]["iceParameters"];
  EXPECT_NE(after["usernameFragment"], before["usernameFragment"]);
  EXPECT_NE(after["password"], before["password"]);
  EXPECT_EQ(after["iceLite"], true);
  EXPECT_EQ(worker_.counters().iceRestarts.load(), 1u);
}

TEST_F(PeerSessionIceRestartTest, RejectsBadInputAndOtherPeersTransports) {
  Client& a = connect();
  Client& b = connect();
  EXPECT_EQ(errorCode(request(a, "restartIce", {{"transportId", "t"}})), "not_joined");
  join(a, "A");
  join(b, "B");
  EXPECT_EQ(errorCode(request(a, "restartIce", json::object())), "invalid_request");
  EXPECT_EQ(errorCode(request(a, "restartIce", {{"transportId", 42}})), "invalid_request");
  EXPECT_EQ(errorCode(request(a, "restartIce", {{"transportId", std::string(65, 'x')}})), "invalid_request");
  EXPECT_EQ(errorCode(request(a, "restartIce", {{"transportId", "nope"}})), "not_found");
  json bTransport = request(b, "createWebRtcTransport", {{"direction", "send"}});
  EXPECT_EQ(errorCode(request(a, "restartIce", {{"transportId", bTransport["data"]["id"]}})), "not_found");
  EXPECT_EQ(worker_.counters().iceRestarts.load(), 0u);
}

}  // namespace
}  // namespace jb::signaling
