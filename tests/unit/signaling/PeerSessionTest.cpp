#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <future>

#include "dtls/Certificate.hpp"
#include "sfu/RouterCapabilities.hpp"
#include "signaling/PeerSession.hpp"

namespace jb::signaling {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// Records what the session sends; the session itself, the room directory and the media worker are real.
class RecordingChannel : public MessageChannel {
 public:
  void send(std::string text) override { sent.push_back(json::parse(text)); }
  void close() override { closed = true; }
  std::vector<json> sent;
  bool closed = false;
};

struct Client {
  RecordingChannel channel;
  std::shared_ptr<PeerSession> session;
  int nextId = 1;
};

class PeerSessionTest : public ::testing::Test {
 protected:
  PeerSessionTest()
      : worker_(0, sfu::Worker::Options{"127.0.0.1", "127.0.0.1", 0}, dtls::Certificate::generate()),
        directory_({&worker_}) {
    worker_.start();
  }
  ~PeerSessionTest() override {
    clients_.clear();
    pump();
    worker_.stop();
  }

  Client& connect() {
    auto client = std::make_unique<Client>();
    client->session = std::make_shared<PeerSession>(io_, directory_, client->channel);
    clients_.push_back(std::move(client));
    return *clients_.back();
  }

  // Runs the signaling loop until worker round trips have come back.
  void pump() {
    for (int i = 0; i < 20; ++i) {
      io_.restart();
      io_.run_for(10ms);
    }
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

  json join(Client& c, const std::string& room, const std::string& name) {
    json caps = {{"codecs", sfu::routerRtpCapabilities()["codecs"]},
                 {"headerExtensions", sfu::routerRtpCapabilities()["headerExtensions"]}};
    return request(c, "join", {{"roomId", room}, {"displayName", name}, {"rtpCapabilities", caps}});
  }

  static std::vector<json> notifications(const Client& c, const std::string& method) {
    std::vector<json> out;
    for (const json& m : c.channel.sent)
      if (m.value("notification", false) && m["method"] == method) out.push_back(m["data"]);
    return out;
  }

  static json opusParameters(uint32_t ssrc) {
    return {{"mid", "0"},
            {"codecs", json::array({{{"mimeType", "audio/opus"},
                                     {"payloadType", 111},
                                     {"clockRate", 48000},
                                     {"channels", 2},
                                     {"parameters", json::object()},
                                     {"rtcpFeedback", json::array()}}})},
            {"headerExtensions", json::array()},
            {"encodings", json::array({{{"ssrc", ssrc}}})},
            {"rtcp", {{"cname", "c"}}}};
  }

  boost::asio::io_context io_;
  // Keeps run_for() waiting for replies posted back from the worker thread.
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_ =
      boost::asio::make_work_guard(io_);
  sfu::Worker worker_;
  RoomDirectory directory_;
  std::vector<std::unique_ptr<Client>> clients_;
};

TEST_F(PeerSessionTest, MalformedJsonGetsErrorAndSessionStaysUsable) {
  Client& c = connect();
  c.session->handleText("{this is not json");
  ASSERT_EQ(c.channel.sent.size(), 1u);
  EXPECT_EQ(c.channel.sent[0]["error"]["code"], "bad_json");
  EXPECT_TRUE(c.channel.sent[0]["id"].is_null());
  EXPECT_EQ(errorCode(request(c, "getRouterRtpCapabilities")), "ok");
}

TEST_F(PeerSessionTest, UnknownMethodIsRejected) {
  Client& c = connect();
  EXPECT_EQ(errorCode(request(c, "launchMissiles")), "unknown_method");
}

TEST_F(PeerSessionTest, WrongFieldTypeNamesTheField) {
  Client& c = connect();
  json r = request(c, "join", {{"roomId", 42}, {"displayName", "A"}, {"rtpCapabilities", json::object()}});
  EXPECT_EQ(errorCode(r), "invalid_request");
  EXPECT_EQ(r["error"]["message"], "data.roomId: expected string");

  // Nested fields the schema table cannot see are checked by their handlers, with the same clarity.
  join(c, "room1", "A");
  std::string transportId = request(c, "createWebRtcTransport", {{"direction", "send"}})["data"]["id"];
  json badSource = request(c, "produce",
                           {{"transportId", transportId},
                            {"kind", "audio"},
                            {"rtpParameters", opusParameters(5)},
                            {"appData", {{"source", 5}}}});
  EXPECT_EQ(errorCode(badSource), "invalid_request");
  EXPECT_EQ(badSource["error"]["message"], "data.appData.source: expected string");
  json badRole = request(
      c, "connectWebRtcTransport",
      {{"transportId", transportId},
       {"dtlsParameters",
        {{"role", 7}, {"fingerprints", json::array({{{"algorithm", "sha-256"}, {"value", "AB"}}})}}}});
  EXPECT_EQ(errorCode(badRole), "invalid_request");
}

TEST_F(PeerSessionTest, ConsumeBeforeJoinIsRefused) {
  Client& c = connect();
  EXPECT_EQ(errorCode(request(c, "consume", {{"transportId", "t"}, {"producerId", "p"}})), "not_joined");
  EXPECT_EQ(errorCode(request(c, "chat", {{"text", "hello"}})), "not_joined");
}

TEST_F(PeerSessionTest, JoinTwiceIsRefused) {
  Client& c = connect();
  EXPECT_EQ(errorCode(join(c, "room1", "A")), "ok");
  EXPECT_EQ(errorCode(join(c, "room1", "A")), "already_joined");
}

TEST_F(PeerSessionTest, IdsOfAnotherPeerAreNotFound) {
  Client& a = connect();
  Client& b = connect();
  join(a, "room1", "A");
  join(b, "room1", "B");
  json transport = request(a, "createWebRtcTransport", {{"direction", "send"}});
  ASSERT_EQ(errorCode(transport), "ok");
  const std::string transportId = transport["data"]["id"];
  json produced =
      request(a, "produce",
              {{"transportId", transportId}, {"kind", "audio"}, {"rtpParameters", opusParameters(1234)}});
  ASSERT_EQ(errorCode(produced), "ok");
  const std::string producerId = produced["data"]["id"];

  EXPECT_EQ(errorCode(request(
                b, "produce",
                {{"transportId", transportId}, {"kind", "audio"}, {"rtpParameters", opusParameters(99)}})),
            "not_found");
  EXPECT_EQ(errorCode(request(b, "pauseProducer", {{"producerId", producerId}})), "not_found");
  EXPECT_EQ(errorCode(request(b, "closeProducer", {{"producerId", producerId}})), "not_found");
  EXPECT_EQ(errorCode(request(b, "resumeConsumer", {{"consumerId", "nope"}})), "not_found");
  // And B is still fine afterwards.
  EXPECT_EQ(errorCode(request(b, "chat", {{"text", "still here"}})), "ok");
}

TEST_F(PeerSessionTest, FullFlowNotifiesOthersAndDisconnectFreesEverything) {
  Client& a = connect();
  Client& b = connect();
  join(a, "room1", "Alice");
  json joinB = join(b, "room1", "Bob");
  ASSERT_EQ(joinB["data"]["peers"].size(), 1u);
  EXPECT_EQ(joinB["data"]["peers"][0]["displayName"], "Alice");
  ASSERT_EQ(notifications(a, "peerJoined").size(), 1u);

  std::string sendId = request(a, "createWebRtcTransport", {{"direction", "send"}})["data"]["id"];
  std::string recvId = request(b, "createWebRtcTransport", {{"direction", "recv"}})["data"]["id"];
  json produced = request(a, "produce",
                          {{"transportId", sendId},
                           {"kind", "audio"},
                           {"rtpParameters", opusParameters(777)},
                           {"appData", {{"source", "mic"}}}});
  ASSERT_EQ(errorCode(produced), "ok");
  std::string producerId = produced["data"]["id"];
  auto newProducers = notifications(b, "newProducer");
  ASSERT_EQ(newProducers.size(), 1u);
  EXPECT_EQ(newProducers[0]["id"], producerId);
  EXPECT_EQ(newProducers[0]["source"], "mic");

  json consumed = request(b, "consume", {{"transportId", recvId}, {"producerId", producerId}});
  ASSERT_EQ(errorCode(consumed), "ok");
  EXPECT_EQ(consumed["data"]["kind"], "audio");
  EXPECT_EQ(consumed["data"]["rtpParameters"]["codecs"][0]["payloadType"], 100);
  EXPECT_EQ(consumed["data"]["rtpParameters"]["mid"], "0") << "the server numbers m-sections per transport";
  EXPECT_EQ(errorCode(request(b, "resumeConsumer", {{"consumerId", consumed["data"]["id"]}})), "ok");

  EXPECT_EQ(errorCode(request(a, "pauseProducer", {{"producerId", producerId}})), "ok");
  ASSERT_EQ(notifications(b, "producerPaused").size(), 1u);

  EXPECT_EQ(errorCode(request(a, "chat", {{"text", "hello Bob"}})), "ok");
  auto chats = notifications(b, "chat");
  ASSERT_EQ(chats.size(), 1u);
  EXPECT_EQ(chats[0]["text"], "hello Bob");
  EXPECT_EQ(chats[0]["displayName"], "Alice");
  EXPECT_TRUE(notifications(a, "chat").empty()) << "the sender is not echoed";

  EXPECT_EQ(directory_.peerCount(), 2u);
  a.session->handleDisconnect();
  pump();
  EXPECT_EQ(directory_.peerCount(), 1u);
  ASSERT_EQ(notifications(b, "peerLeft").size(), 1u);
  auto closed = notifications(b, "consumerClosed");
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0]["consumerId"], consumed["data"]["id"]);

  std::promise<size_t> count;
  worker_.post([&] {
    count.set_value(worker_.router("room1").producerCount() + worker_.router("room1").transportCount());
  });
  EXPECT_EQ(count.get_future().get(), 1u) << "only Bob's recv transport is left";
}

TEST_F(PeerSessionTest, FloodIsRateLimited) {
  Client& c = connect();
  for (int i = 0; i < 300; ++i)
    c.session->handleText(
        json{{"request", true}, {"id", 1000 + i}, {"method", "getRouterRtpCapabilities"}}.dump());
  size_t limited = 0;
  for (const json& m : c.channel.sent)
    if (!m.value("ok", true) && m["error"]["code"] == "rate_limited") ++limited;
  EXPECT_GE(limited, 150u);
  EXPECT_LE(limited, 200u);
}

TEST_F(PeerSessionTest, OtherRoomsNeverSeeTraffic) {
  Client& a = connect();
  Client& b = connect();
  join(a, "room1", "A");
  join(b, "room2", "B");
  request(a, "chat", {{"text", "only room1"}});
  a.session->handleText("garbage");
  EXPECT_TRUE(notifications(b, "chat").empty());
  EXPECT_TRUE(notifications(b, "peerJoined").empty());
  EXPECT_EQ(directory_.roomCount(), 2u);
}

}  // namespace
}  // namespace jb::signaling
