// Session resumption (docs/protocol.md "Reconnect"): a dropped socket parks its peer for the grace
// period; `resume` with the right token re-attaches it on a new socket with its media untouched.
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

class RecordingChannel : public MessageChannel {
 public:
  void send(std::string text) override { sent.push_back(json::parse(text)); }
  void close() override { closed = true; }
  void closeWith(CloseCode code, const std::string& reason) override {
    closeCode = static_cast<int>(code);
    closeReason = reason;
    closed = true;
  }
  std::vector<json> sent;
  bool closed = false;
  int closeCode = 0;
  std::string closeReason;
};

struct Client {
  RecordingChannel channel;
  std::shared_ptr<PeerSession> session;
  int nextId = 1;
};

SignalingLimits withGrace(std::chrono::milliseconds grace) {
  SignalingLimits limits;
  limits.resumeGrace = grace;
  return limits;
}

class PeerSessionResumeTest : public ::testing::Test {
 protected:
  explicit PeerSessionResumeTest(std::chrono::milliseconds grace = 400ms)
      : worker_(0, sfu::Worker::Options{"127.0.0.1", "127.0.0.1", 0}, dtls::Certificate::generate()),
        directory_({&worker_}, withGrace(grace)) {
    worker_.start();
  }
  ~PeerSessionResumeTest() override {
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

  void pump(std::chrono::milliseconds total = 200ms) {
    auto until = std::chrono::steady_clock::now() + total;
    while (std::chrono::steady_clock::now() < until) {
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

  json resume(Client& c, const std::string& peerId, const std::string& token) {
    return request(c, "resume", {{"peerId", peerId}, {"resumeToken", token}});
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

  // Alice publishes her mic and Bob consumes it; returns {Alice's send transport, producer, Bob's consumer}.
  std::array<std::string, 3> publishAndConsume(Client& alice, Client& bob) {
    std::string sendId = request(alice, "createWebRtcTransport", {{"direction", "send"}})["data"]["id"];
    std::string recvId = request(bob, "createWebRtcTransport", {{"direction", "recv"}})["data"]["id"];
    json produced =
        request(alice, "produce",
                {{"transportId", sendId}, {"kind", "audio"}, {"rtpParameters", opusParameters(777)}});
    EXPECT_EQ(errorCode(produced), "ok");
    std::string producerId = produced["data"]["id"];
    json consumed = request(bob, "consume", {{"transportId", recvId}, {"producerId", producerId}});
    EXPECT_EQ(errorCode(consumed), "ok");
    return {sendId, producerId, consumed["data"]["id"].get<std::string>()};
  }

  size_t mediaObjects(const std::string& room) {
    std::promise<size_t> count;
    worker_.post([&] {
      sfu::Router* r = worker_.findRouter(room);
      count.set_value(r ? r->transportCount() + r->producerCount() + r->consumerCount() : 0);
    });
    return count.get_future().get();
  }

  uint64_t resumes(const std::string& outcome) const {
    auto it = directory_.metrics().resumes().find(outcome);
    return it == directory_.metrics().resumes().end() ? 0 : it->second;
  }

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_ =
      boost::asio::make_work_guard(io_);
  sfu::Worker worker_;
  RoomDirectory directory_;
  std::vector<std::unique_ptr<Client>> clients_;
};

TEST_F(PeerSessionResumeTest, JoinResponseCarriesAnUnguessableToken) {
  Client& a = connect();
  Client& b = connect();
  std::string ta = join(a, "room1", "Alice")["data"]["resumeToken"];
  std::string tb = join(b, "room1", "Bob")["data"]["resumeToken"];
  EXPECT_GE(ta.size(), 22u) << "at least 128 bits of [A-Za-z0-9]";
  EXPECT_NE(ta, tb);
}

TEST_F(PeerSessionResumeTest, ResumeWithTheRightTokenReattachesTheSamePeerAndMedia) {
  Client& alice = connect();
  Client& bob = connect();
  json joined = join(alice, "room1", "Alice");
  const std::string peerId = joined["data"]["peerId"];
  const std::string token = joined["data"]["resumeToken"];
  join(bob, "room1", "Bob");
  auto [sendId, producerId, bobConsumer] = publishAndConsume(alice, bob);
  std::string aliceRecv = request(alice, "createWebRtcTransport", {{"direction", "recv"}})["data"]["id"];
  const size_t objects = mediaObjects("room1");

  alice.session->handleDisconnect();
  pump();
  EXPECT_TRUE(notifications(bob, "peerLeft").empty()) << "a dropped socket is not a leave";
  EXPECT_TRUE(notifications(bob, "producerClosed").empty());
  auto states = notifications(bob, "peerConnectionState");
  ASSERT_EQ(states.size(), 1u);
  EXPECT_EQ(states[0], (json{{"peerId", peerId}, {"state", "reconnecting"}}));
  EXPECT_EQ(directory_.peerCount(), 2u);
  EXPECT_EQ(mediaObjects("room1"), objects) << "transports, producers and consumers are kept";
  // Bob's view of the room shows Alice as away.
  Client& carol = connect();
  json carolJoin = join(carol, "room1", "Carol");
  for (const json& p : carolJoin["data"]["peers"])
    EXPECT_EQ(p.value("reconnecting", false), p["id"] == peerId) << p.dump();

  Client& alice2 = connect();
  json resumed = resume(alice2, peerId, token);
  ASSERT_EQ(errorCode(resumed), "ok") << resumed.dump();
  const json& data = resumed["data"];
  EXPECT_EQ(data["peerId"], peerId);
  EXPECT_EQ(data["displayName"], "Alice");
  EXPECT_EQ(data["peers"].size(), 2u) << "Bob and Carol";
  ASSERT_EQ(data["producers"].size(), 1u);
  EXPECT_EQ(data["producers"][0]["id"], producerId);
  std::vector<std::string> transports = data["transports"];
  std::sort(transports.begin(), transports.end());
  std::vector<std::string> expected = {sendId, aliceRecv};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(transports, expected);
  EXPECT_TRUE(data["consumers"].empty());
  EXPECT_NE(data["resumeToken"], token) << "the token rotates on every resume";
  auto back = notifications(bob, "peerConnectionState");
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[1], (json{{"peerId", peerId}, {"state", "connected"}}));
  EXPECT_EQ(resumes("ok"), 1u);

  // The resumed session works on the same objects: it can pause its producer and receives chat.
  EXPECT_EQ(errorCode(request(alice2, "pauseProducer", {{"producerId", producerId}})), "ok");
  EXPECT_EQ(notifications(bob, "producerPaused").size(), 1u);
  EXPECT_EQ(errorCode(request(bob, "chat", {{"text", "welcome back"}})), "ok");
  EXPECT_EQ(notifications(alice2, "chat").size(), 1u);
  EXPECT_EQ(errorCode(join(alice2, "room1", "Again")), "already_joined");
  // The old token is spent.
  Client& thief = connect();
  EXPECT_EQ(errorCode(resume(thief, peerId, token)), "resume_failed");
}

TEST_F(PeerSessionResumeTest, WrongTokenOrUnknownPeerIsRefusedAndTheRightOneStillWorks) {
  Client& alice = connect();
  Client& bob = connect();
  json joined = join(alice, "room1", "Alice");
  const std::string peerId = joined["data"]["peerId"];
  std::string token = joined["data"]["resumeToken"];
  join(bob, "room1", "Bob");
  alice.session->handleDisconnect();
  pump(50ms);

  Client& mallory = connect();
  std::string wrong = token;
  wrong.back() = wrong.back() == 'a' ? 'b' : 'a';
  json refused = resume(mallory, peerId, wrong);
  EXPECT_EQ(errorCode(refused), "resume_failed");
  EXPECT_NE(refused["error"]["message"].get<std::string>().find("join again"), std::string::npos);
  EXPECT_EQ(errorCode(resume(mallory, "nosuchpeer", token)), "resume_failed");
  EXPECT_EQ(errorCode(resume(mallory, peerId, token.substr(1))), "resume_failed");
  EXPECT_EQ(errorCode(request(mallory, "resume", {{"peerId", peerId}})), "invalid_request");
  EXPECT_EQ(errorCode(request(mallory, "resume", {{"peerId", "a b"}, {"resumeToken", token}})),
            "invalid_request");
  EXPECT_FALSE(mallory.session->joined());
  EXPECT_EQ(errorCode(request(mallory, "chat", {{"text", "hi"}})), "not_joined");
  EXPECT_EQ(resumes("failed"), 3u);

  Client& alice2 = connect();
  EXPECT_EQ(errorCode(resume(alice2, peerId, token)), "ok");
}

TEST_F(PeerSessionResumeTest, GraceExpiryRemovesThePeerAndClosesItsProducers) {
  Client& alice = connect();
  Client& bob = connect();
  json joined = join(alice, "room1", "Alice");
  const std::string peerId = joined["data"]["peerId"];
  const std::string token = joined["data"]["resumeToken"];
  join(bob, "room1", "Bob");
  auto [sendId, producerId, bobConsumer] = publishAndConsume(alice, bob);

  alice.session->handleDisconnect();
  pump(150ms);
  EXPECT_TRUE(notifications(bob, "peerLeft").empty()) << "still within the 400 ms grace";
  pump(500ms);
  auto left = notifications(bob, "peerLeft");
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0]["peerId"], peerId);
  auto closed = notifications(bob, "producerClosed");
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0]["producerId"], producerId);
  ASSERT_EQ(notifications(bob, "consumerClosed").size(), 1u);
  EXPECT_EQ(notifications(bob, "consumerClosed")[0]["consumerId"], bobConsumer);
  EXPECT_EQ(directory_.peerCount(), 1u);
  EXPECT_EQ(mediaObjects("room1"), 1u) << "only Bob's recv transport is left";
  EXPECT_EQ(resumes("expired"), 1u);

  Client& late = connect();
  EXPECT_EQ(errorCode(resume(late, peerId, token)), "resume_failed");
}

TEST_F(PeerSessionResumeTest, LeaveIsImmediateAndCannotBeResumed) {
  Client& alice = connect();
  Client& bob = connect();
  json joined = join(alice, "room1", "Alice");
  const std::string peerId = joined["data"]["peerId"];
  join(bob, "room1", "Bob");
  publishAndConsume(alice, bob);

  EXPECT_EQ(errorCode(request(alice, "leave")), "ok");
  EXPECT_TRUE(alice.channel.closed);
  pump(50ms);
  EXPECT_EQ(notifications(bob, "peerLeft").size(), 1u) << "no grace period after leave";
  EXPECT_EQ(notifications(bob, "producerClosed").size(), 1u);
  EXPECT_TRUE(notifications(bob, "peerConnectionState").empty());
  Client& alice2 = connect();
  EXPECT_EQ(errorCode(resume(alice2, peerId, joined["data"]["resumeToken"])), "resume_failed");
}

TEST_F(PeerSessionResumeTest, ServerEndedSessionIsNotKeptForResume) {
  Client& alice = connect();
  Client& bob = connect();
  json joined = join(alice, "room1", "Alice");
  join(bob, "room1", "Bob");
  alice.session->terminate(CloseCode::PolicyViolation, "abuse");
  pump(50ms);
  EXPECT_EQ(alice.channel.closeCode, 1008);
  EXPECT_EQ(notifications(bob, "peerLeft").size(), 1u);
  Client& alice2 = connect();
  EXPECT_EQ(errorCode(resume(alice2, joined["data"]["peerId"], joined["data"]["resumeToken"])),
            "resume_failed");
}

TEST_F(PeerSessionResumeTest, ResumingAPeerWhoseSocketIsStillOpenReplacesTheOldSocket) {
  Client& alice = connect();
  Client& bob = connect();
  json joined = join(alice, "room1", "Alice");
  const std::string peerId = joined["data"]["peerId"];
  join(bob, "room1", "Bob");

  Client& alice2 = connect();
  ASSERT_EQ(errorCode(resume(alice2, peerId, joined["data"]["resumeToken"])), "ok");
  EXPECT_TRUE(alice.channel.closed);
  EXPECT_EQ(alice.channel.closeCode, 4002);
  EXPECT_FALSE(alice.session->joined());
  // The old socket's close (as the connection reports it) must not park or remove the peer.
  alice.session->handleDisconnect();
  pump(600ms);
  EXPECT_TRUE(notifications(bob, "peerLeft").empty());
  EXPECT_EQ(directory_.peerCount(), 2u);
  EXPECT_EQ(errorCode(request(bob, "chat", {{"text", "still there?"}})), "ok");
  EXPECT_EQ(notifications(alice2, "chat").size(), 1u);
  EXPECT_TRUE(notifications(alice, "chat").empty());
}

class PeerSessionNoResumeTest : public PeerSessionResumeTest {
 protected:
  PeerSessionNoResumeTest() : PeerSessionResumeTest(0ms) {}
};

TEST_F(PeerSessionNoResumeTest, ZeroGraceIssuesNoTokenAndLeavesAtOnce) {
  Client& alice = connect();
  Client& bob = connect();
  json joined = join(alice, "room1", "Alice");
  EXPECT_FALSE(joined["data"].contains("resumeToken"));
  join(bob, "room1", "Bob");
  alice.session->handleDisconnect();
  pump(50ms);
  EXPECT_EQ(notifications(bob, "peerLeft").size(), 1u);
}

}  // namespace
}  // namespace jb::signaling
