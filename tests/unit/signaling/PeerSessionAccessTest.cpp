// Join tokens, permissions and room passcodes as PeerSession enforces them, with a real media worker.
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

const std::string kSecret = "a-test-secret-of-more-than-32-bytes-length";

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

class PeerSessionAccessTest : public ::testing::Test {
 protected:
  PeerSessionAccessTest()
      : worker_(0, sfu::Worker::Options{"127.0.0.1", "127.0.0.1", 0}, dtls::Certificate::generate()),
        directory_({&worker_}),
        key_(std::make_shared<JoinTokenKey>(kSecret)),
        tokenPolicy_(std::make_shared<AccessPolicy>(key_)) {
    worker_.start();
  }
  ~PeerSessionAccessTest() override {
    clients_.clear();
    pump();
    worker_.stop();
  }

  Client& connect(std::shared_ptr<const AccessPolicy> access) {
    auto client = std::make_unique<Client>();
    client->session = std::make_shared<PeerSession>(io_, directory_, client->channel, std::move(access));
    clients_.push_back(std::move(client));
    return *clients_.back();
  }

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

  // `extra` adds token/passcode to the join data.
  json join(Client& c, const std::string& room, const std::string& name, json extra = json::object()) {
    json data = {{"roomId", room},
                 {"displayName", name},
                 {"rtpCapabilities",
                  {{"codecs", sfu::routerRtpCapabilities()["codecs"]},
                   {"headerExtensions", sfu::routerRtpCapabilities()["headerExtensions"]}}}};
    data.update(extra);
    return request(c, "join", data);
  }

  std::string token(const std::string& room, JoinPermissions permissions = {}, const std::string& name = "",
                    std::chrono::seconds ttl = 1h) {
    const auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    JoinClaims c;
    c.roomId = room;
    c.userId = "user-" + room;
    c.displayName = name;
    c.expiresAt = now + ttl;
    c.permissions = permissions;
    return key_->mint(c, now);
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

  // Creates a send transport and produces audio; returns the produce response.
  json produceAudio(Client& c, uint32_t ssrc) {
    json transport = request(c, "createWebRtcTransport", {{"direction", "send"}});
    if (errorCode(transport) != "ok") return transport;
    return request(c, "produce",
                   {{"transportId", transport["data"]["id"]},
                    {"kind", "audio"},
                    {"rtpParameters", opusParameters(ssrc)}});
  }

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_ =
      boost::asio::make_work_guard(io_);
  sfu::Worker worker_;
  RoomDirectory directory_;
  std::shared_ptr<const JoinTokenKey> key_;
  std::shared_ptr<const AccessPolicy> tokenPolicy_;
  std::vector<std::unique_ptr<Client>> clients_;
};

TEST_F(PeerSessionAccessTest, WithASecretEveryJoinNeedsAValidTokenForItsRoom) {
  Client& c = connect(tokenPolicy_);
  EXPECT_EQ(errorCode(join(c, "room1", "A")), "token_required");
  EXPECT_EQ(errorCode(join(c, "room1", "A", {{"token", "not.a.token"}})), "token_invalid");
  EXPECT_EQ(errorCode(join(c, "room1", "A", {{"token", token("room2")}})), "token_invalid");
  EXPECT_EQ(errorCode(join(c, "room1", "A", {{"token", token("room1", {}, "", -1h)}})), "token_expired");
  EXPECT_EQ(directory_.roomCount(), 0u) << "refused joins create no room";
  EXPECT_EQ(errorCode(join(c, "room1", "A", {{"token", token("room1")}})), "ok");
}

TEST_F(PeerSessionAccessTest, NameInTheTokenWinsOverTheClientsName) {
  Client& a = connect(tokenPolicy_);
  Client& b = connect(tokenPolicy_);
  ASSERT_EQ(errorCode(join(a, "room1", "A", {{"token", token("room1")}})), "ok");
  json r = join(b, "room1", "Mallory", {{"token", token("room1", {}, "Bob Signed")}});
  ASSERT_EQ(errorCode(r), "ok");
  EXPECT_EQ(r["data"]["displayName"], "Bob Signed");
  auto joined = notifications(a, "peerJoined");
  ASSERT_EQ(joined.size(), 1u);
  EXPECT_EQ(joined[0]["displayName"], "Bob Signed");
  EXPECT_EQ(request(b, "chat", {{"text", "hi"}})["ok"], true);
  auto chats = notifications(a, "chat");
  ASSERT_EQ(chats.size(), 1u);
  EXPECT_EQ(chats[0]["displayName"], "Bob Signed");
}

TEST_F(PeerSessionAccessTest, SubscribeOnlyTokenCannotPublishOrChatButReceives) {
  Client& pub = connect(tokenPolicy_);
  Client& viewer = connect(tokenPolicy_);
  ASSERT_EQ(errorCode(join(pub, "room1", "Pub", {{"token", token("room1")}})), "ok");
  json r = join(viewer, "room1", "Viewer", {{"token", token("room1", {false, true, false})}});
  ASSERT_EQ(errorCode(r), "ok");
  EXPECT_EQ(r["data"]["permissions"], (json{{"publish", false}, {"subscribe", true}, {"chat", false}}));

  json refused = produceAudio(viewer, 4321);
  EXPECT_EQ(errorCode(refused), "forbidden");
  EXPECT_EQ(refused["error"]["message"], "your join token does not allow publish");
  EXPECT_TRUE(notifications(pub, "newProducer").empty());
  EXPECT_EQ(errorCode(request(viewer, "chat", {{"text", "hello"}})), "forbidden");
  EXPECT_TRUE(notifications(pub, "chat").empty());

  json produced = produceAudio(pub, 1234);
  ASSERT_EQ(errorCode(produced), "ok");
  std::string recvId = request(viewer, "createWebRtcTransport", {{"direction", "recv"}})["data"]["id"];
  json consumed =
      request(viewer, "consume", {{"transportId", recvId}, {"producerId", produced["data"]["id"]}});
  EXPECT_EQ(errorCode(consumed), "ok");
}

TEST_F(PeerSessionAccessTest, PublishOnlyTokenCannotConsume) {
  Client& a = connect(tokenPolicy_);
  Client& b = connect(tokenPolicy_);
  ASSERT_EQ(errorCode(join(a, "room1", "A", {{"token", token("room1")}})), "ok");
  ASSERT_EQ(errorCode(join(b, "room1", "B", {{"token", token("room1", {true, false, true})}})), "ok");
  json produced = produceAudio(a, 1234);
  ASSERT_EQ(errorCode(produced), "ok");
  std::string recvId = request(b, "createWebRtcTransport", {{"direction", "recv"}})["data"]["id"];
  EXPECT_EQ(
      errorCode(request(b, "consume", {{"transportId", recvId}, {"producerId", produced["data"]["id"]}})),
      "forbidden");
  EXPECT_EQ(errorCode(produceAudio(b, 999)), "ok");
  EXPECT_EQ(errorCode(request(b, "chat", {{"text", "can chat"}})), "ok");
}

TEST_F(PeerSessionAccessTest, WithoutASecretRoomsAreOpenAndEverythingIsAllowed) {
  Client& c = connect(std::make_shared<AccessPolicy>());
  json r = join(c, "room1", "A", {{"token", "ignored"}});
  ASSERT_EQ(errorCode(r), "ok");
  EXPECT_EQ(r["data"]["displayName"], "A");
  EXPECT_EQ(r["data"]["permissions"], (json{{"publish", true}, {"subscribe", true}, {"chat", true}}));
  EXPECT_EQ(errorCode(produceAudio(c, 1)), "ok");
}

TEST_F(PeerSessionAccessTest, SessionsUseThePolicyInstalledOnTheirIoContext) {
  installAccessPolicy(io_, tokenPolicy_);
  Client& c = connect(nullptr);
  EXPECT_EQ(errorCode(join(c, "room1", "A")), "token_required");
  installAccessPolicy(io_, nullptr);
  Client& d = connect(nullptr);
  EXPECT_EQ(errorCode(join(d, "room1", "D")), "ok");
}

TEST_F(PeerSessionAccessTest, CreatorSetsPasscodeAndLaterJoinersMustGiveIt) {
  auto open = std::make_shared<AccessPolicy>();
  Client& creator = connect(open);
  Client& joiner = connect(open);
  ASSERT_EQ(errorCode(join(creator, "room1", "Creator", {{"passcode", "s3cret"}})), "ok");
  EXPECT_EQ(errorCode(join(joiner, "room1", "J")), "passcode_required");
  EXPECT_EQ(errorCode(join(joiner, "room1", "J", {{"passcode", "S3cret"}})), "bad_passcode");
  EXPECT_EQ(directory_.peerCount(), 1u);
  EXPECT_TRUE(notifications(creator, "peerJoined").empty());
  EXPECT_EQ(errorCode(join(joiner, "room1", "J", {{"passcode", "s3cret"}})), "ok");
  EXPECT_EQ(directory_.peerCount(), 2u);
  EXPECT_FALSE(joiner.channel.closed);
}

TEST_F(PeerSessionAccessTest, RoomWithoutPasscodeIgnoresOneGivenLaterAndForgetsItWhenEmpty) {
  auto open = std::make_shared<AccessPolicy>();
  Client& a = connect(open);
  Client& b = connect(open);
  ASSERT_EQ(errorCode(join(a, "room1", "A")), "ok");
  EXPECT_EQ(errorCode(join(b, "room1", "B", {{"passcode", "late"}})), "ok") << "only the creator sets it";
  a.session->handleDisconnect();
  b.session->handleDisconnect();
  pump();
  EXPECT_EQ(directory_.roomCount(), 0u);
  // The room id is free again: the next creator chooses anew.
  Client& c = connect(open);
  Client& d = connect(open);
  ASSERT_EQ(errorCode(join(c, "room1", "C", {{"passcode", "new"}})), "ok");
  EXPECT_EQ(errorCode(join(d, "room1", "D")), "passcode_required");
}

TEST_F(PeerSessionAccessTest, FiveWrongPasscodesCloseTheConnection) {
  auto open = std::make_shared<AccessPolicy>();
  Client& creator = connect(open);
  Client& guesser = connect(open);
  ASSERT_EQ(errorCode(join(creator, "room1", "Creator", {{"passcode", "right"}})), "ok");
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(errorCode(join(guesser, "room1", "G", {{"passcode", "guess" + std::to_string(i)}})),
              "bad_passcode");
    pump();
    EXPECT_FALSE(guesser.channel.closed) << "after " << i + 1 << " wrong";
  }
  EXPECT_EQ(errorCode(join(guesser, "room1", "G", {{"passcode", "guess4"}})), "bad_passcode");
  pump();
  EXPECT_TRUE(guesser.channel.closed);
  // Even the right passcode no longer helps on this connection.
  EXPECT_EQ(errorCode(join(guesser, "room1", "G", {{"passcode", "right"}})), "bad_passcode");
  EXPECT_EQ(directory_.peerCount(), 1u);
}

TEST_F(PeerSessionAccessTest, TokenAndPasscodeTogether) {
  Client& a = connect(tokenPolicy_);
  Client& b = connect(tokenPolicy_);
  ASSERT_EQ(errorCode(join(a, "room1", "A", {{"token", token("room1")}, {"passcode", "pc"}})), "ok");
  EXPECT_EQ(errorCode(join(b, "room1", "B", {{"passcode", "pc"}})), "token_required");
  EXPECT_EQ(errorCode(join(b, "room1", "B", {{"token", token("room1")}})), "passcode_required");
  EXPECT_EQ(errorCode(join(b, "room1", "B", {{"token", token("room1")}, {"passcode", "pc"}})), "ok");
}

}  // namespace
}  // namespace jb::signaling
