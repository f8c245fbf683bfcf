// Limits a PeerSession enforces (docs/protocol.md "Limits"), with a real room directory and worker.
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
  void send(std::string text) override {
    if (!closed) sent.push_back(json::parse(text));  // like a socket: nothing after the close
  }
  void close() override { closeWith(CloseCode::Normal, {}); }
  void closeWith(CloseCode code, const std::string& reason) override {
    closed = true;
    closeCode = code;
    closeReason = reason;
  }
  std::vector<json> sent;
  bool closed = false;
  CloseCode closeCode = CloseCode::Normal;
  std::string closeReason;
};

struct Client {
  RecordingChannel channel;
  std::shared_ptr<PeerSession> session;
  int nextId = 1;
};

SignalingLimits testLimits() {
  SignalingLimits limits;
  limits.maxPeersPerRoom = 2;
  limits.abuseErrorLimit = 5;
  limits.abuseWindow = 10s;
  limits.messagesPerSecond = 1;
  limits.messageBurst = 20;
  return limits;
}

class PeerSessionLimitsTest : public ::testing::Test {
 protected:
  PeerSessionLimitsTest()
      : worker_(0, sfu::Worker::Options{"127.0.0.1", "127.0.0.1", 0}, dtls::Certificate::generate()),
        directory_({&worker_}, testLimits()) {
    worker_.start();
  }
  ~PeerSessionLimitsTest() override {
    clients_.clear();
    for (int i = 0; i < 10; ++i) {
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

  json join(Client& c, const std::string& room) {
    json caps = {{"codecs", sfu::routerRtpCapabilities()["codecs"]}};
    return request(c, "join", {{"roomId", room}, {"displayName", "N"}, {"rtpCapabilities", caps}});
  }

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_ =
      boost::asio::make_work_guard(io_);
  sfu::Worker worker_;
  RoomDirectory directory_;
  std::vector<std::unique_ptr<Client>> clients_;
};

TEST_F(PeerSessionLimitsTest, JoinBeyondMaxPeersGetsRoomFull) {
  Client& a = connect();
  Client& b = connect();
  Client& c = connect();
  EXPECT_EQ(errorCode(join(a, "r1")), "ok");
  EXPECT_EQ(errorCode(join(b, "r1")), "ok");
  json full = join(c, "r1");
  EXPECT_EQ(errorCode(full), "room_full");
  EXPECT_EQ(full["error"]["message"], "room is full (2 peers)");
  EXPECT_FALSE(c.channel.closed) << "a full room is not abuse";
  EXPECT_EQ(errorCode(join(c, "r2")), "ok") << "other rooms are unaffected";
  EXPECT_EQ(directory_.metrics().limitRejections().at("room_peers"), 1u);

  a.session->handleDisconnect();
  Client& d = connect();
  EXPECT_EQ(errorCode(join(d, "r1")), "ok") << "a leave frees a place";
}

TEST_F(PeerSessionLimitsTest, RepeatedBadRequestsCloseOnlyThatSessionWith1008) {
  Client& abuser = connect();
  Client& other = connect();
  ASSERT_EQ(errorCode(join(abuser, "r1")), "ok");
  ASSERT_EQ(errorCode(join(other, "r2")), "ok");
  for (int i = 0; i < 4; ++i) abuser.session->handleText("not json");
  EXPECT_FALSE(abuser.channel.closed) << "a few mistakes are tolerated";
  abuser.session->handleText(json{{"request", true}, {"id", 9}, {"method", "chat"}, {"data", 7}}.dump());
  EXPECT_TRUE(abuser.channel.closed);
  EXPECT_EQ(abuser.channel.closeCode, CloseCode::PolicyViolation);
  EXPECT_FALSE(abuser.channel.closeReason.empty());
  EXPECT_EQ(abuser.channel.sent.back()["error"]["code"], "invalid_request")
      << "the last error is still answered before the close";
  EXPECT_EQ(directory_.peerCount(), 1u) << "the abuser left its room";
  EXPECT_EQ(directory_.metrics().serverCloses().at("abuse"), 1u);

  EXPECT_FALSE(other.channel.closed);
  EXPECT_EQ(errorCode(request(other, "chat", {{"text", "fine here"}})), "ok");
}

TEST_F(PeerSessionLimitsTest, OtherErrorsDoNotCountTowardAbuse) {
  Client& c = connect();
  for (int i = 0; i < 10; ++i) EXPECT_EQ(errorCode(request(c, "chat", {{"text", "x"}})), "not_joined");
  EXPECT_FALSE(c.channel.closed) << "not_joined is a client bug, not garbage";
}

TEST_F(PeerSessionLimitsTest, RateComesFromTheLimitsAndIsCounted) {
  Client& c = connect();
  for (int i = 0; i < 24; ++i)
    c.session->handleText(
        json{{"request", true}, {"id", 100 + i}, {"method", "getRouterRtpCapabilities"}}.dump());
  size_t limited = 0;
  for (const json& m : c.channel.sent)
    if (!m.value("ok", true) && m["error"]["code"] == "rate_limited") ++limited;
  EXPECT_EQ(limited, 4u) << "a burst of 20, then about one per second";
  EXPECT_EQ(directory_.metrics().limitRejections().at("message_rate"), 4u);
  EXPECT_EQ(directory_.metrics().requests().at("getRouterRtpCapabilities"), 24u);
  EXPECT_EQ(directory_.metrics().errors().at({"getRouterRtpCapabilities", "rate_limited"}), 4u);
}

}  // namespace
}  // namespace jb::signaling
