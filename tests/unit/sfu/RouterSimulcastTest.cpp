// The Router's side of simulcast on a real worker: a rid-simulcast camera is consumed as one
// "simulcast" encoding, and setConsumerPreferredLayers checks ownership and refuses garbage.
#include <gtest/gtest.h>

#include <functional>
#include <future>

#include "common/RequestError.hpp"
#include "dtls/Certificate.hpp"
#include "sfu/RouterCapabilities.hpp"
#include "sfu/Worker.hpp"

namespace jb::sfu {
namespace {

using nlohmann::json;

json simulcastCamera() {
  return json::parse(R"({
    "mid": "1",
    "codecs": [
      {"mimeType": "video/VP8", "payloadType": 96, "clockRate": 90000, "parameters": {}, "rtcpFeedback": []},
      {"mimeType": "video/rtx", "payloadType": 97, "clockRate": 90000, "parameters": {"apt": 96}, "rtcpFeedback": []}
    ],
    "headerExtensions": [
      {"uri": "urn:ietf:params:rtp-hdrext:sdes:mid", "id": 1},
      {"uri": "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id", "id": 2},
      {"uri": "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id", "id": 3}
    ],
    "encodings": [{"rid": "r0", "scalabilityMode": "L1T3"}, {"rid": "r1", "scalabilityMode": "L1T3"},
                  {"rid": "r2", "scalabilityMode": "L1T3"}],
    "rtcp": {"cname": ""}
  })");
}

json microphone(uint32_t ssrc) {
  return {{"mid", "0"},
          {"codecs", json::array({{{"mimeType", "audio/opus"},
                                   {"payloadType", 111},
                                   {"clockRate", 48000},
                                   {"channels", 2},
                                   {"parameters", json::object()},
                                   {"rtcpFeedback", json::array()}}})},
          {"encodings", json::array({{{"ssrc", ssrc}}})},
          {"rtcp", {{"cname", "mic-cname"}}}};
}

json screen(uint32_t ssrc) {
  json p = simulcastCamera();
  p["mid"] = "2";
  p["encodings"] = json::array({{{"ssrc", ssrc}}});
  return p;
}

class RouterSimulcastTest : public ::testing::Test {
 protected:
  void SetUp() override {
    worker_ = std::make_unique<Worker>(0, Worker::Options{"127.0.0.1", "127.0.0.1", 0},
                                       dtls::Certificate::generate());
    worker_->start();
  }
  void TearDown() override { worker_->stop(); }

  template <typename F>
  auto onWorker(F f) {
    std::promise<decltype(f())> done;
    worker_->post([&] {
      try {
        done.set_value(f());
      } catch (...) {
        done.set_exception(std::current_exception());
      }
    });
    return done.get_future().get();
  }
  Router& router() { return worker_->router("room"); }

  std::string errorOf(std::function<void()> f) {
    try {
      onWorker([&] {
        f();
        return 0;
      });
      return "ok";
    } catch (const common::RequestError& e) {
      return e.code();
    }
  }

  std::unique_ptr<Worker> worker_;
};

TEST_F(RouterSimulcastTest, ConsumesASimulcastCameraAsOneEncodingAndChecksPreferredLayers) {
  json caps = routerRtpCapabilities();
  json send = onWorker([&] { return router().createWebRtcTransport("alice"); });
  json recv = onWorker([&] { return router().createWebRtcTransport("bob"); });
  auto mic = onWorker(
      [&] { return router().produce("alice", send["id"], MediaKind::Audio, microphone(11), "mic"); });
  auto cam = onWorker(
      [&] { return router().produce("alice", send["id"], MediaKind::Video, simulcastCamera(), "webcam"); });
  auto scr =
      onWorker([&] { return router().produce("alice", send["id"], MediaKind::Video, screen(33), "screen"); });

  json camConsumer = onWorker([&] { return router().consume("bob", recv["id"], cam.id, caps); });
  EXPECT_EQ(camConsumer["type"], "simulcast");
  ASSERT_EQ(camConsumer["rtpParameters"]["encodings"].size(), 1u);
  EXPECT_EQ(camConsumer["rtpParameters"]["encodings"][0]["scalabilityMode"], "L3T3");
  EXPECT_EQ(camConsumer["rtpParameters"]["rtcp"]["cname"], "mic-cname")
      << "a rid camera has no CNAME of its own: it takes the transport's, so audio and video group";
  json micConsumer = onWorker([&] { return router().consume("bob", recv["id"], mic.id, caps); });
  EXPECT_EQ(micConsumer["type"], "simple");
  json scrConsumer = onWorker([&] { return router().consume("bob", recv["id"], scr.id, caps); });
  EXPECT_EQ(scrConsumer["type"], "simple");

  const std::string camId = camConsumer["id"];
  EXPECT_EQ(errorOf([&] { router().setConsumerPreferredLayers("bob", camId, 0, std::nullopt); }), "ok");
  EXPECT_EQ(errorOf([&] { router().setConsumerPreferredLayers("bob", camId, 2, 1); }), "ok");
  EXPECT_EQ(errorOf([&] { router().setConsumerPreferredLayers("bob", camId, 3, std::nullopt); }),
            "invalid_request");
  EXPECT_EQ(errorOf([&] { router().setConsumerPreferredLayers("bob", camId, -1, std::nullopt); }),
            "invalid_request");
  EXPECT_EQ(errorOf([&] { router().setConsumerPreferredLayers("alice", camId, 0, std::nullopt); }),
            "not_found")
      << "not alice's consumer";
  EXPECT_EQ(errorOf([&] { router().setConsumerPreferredLayers("bob", "nope", 0, std::nullopt); }),
            "not_found");
  EXPECT_EQ(errorOf([&] { router().setConsumerPreferredLayers("bob", micConsumer["id"], 0, std::nullopt); }),
            "invalid_request")
      << "audio has no layers";
  EXPECT_EQ(errorOf([&] { router().setConsumerPreferredLayers("bob", scrConsumer["id"], 1, std::nullopt); }),
            "ok")
      << "a single-stream video consumer ignores it";
}

TEST_F(RouterSimulcastTest, RefusesBadSimulcastProducers) {
  json send = onWorker([&] { return router().createWebRtcTransport("alice"); });
  json repeated = simulcastCamera();
  repeated["encodings"][1]["rid"] = "r0";
  EXPECT_EQ(errorOf([&] { router().produce("alice", send["id"], MediaKind::Video, repeated, "webcam"); }),
            "invalid_request");
  json audio = microphone(5);
  audio["encodings"] = json::array({{{"ssrc", 5}}, {{"ssrc", 6}}});
  EXPECT_EQ(errorOf([&] { router().produce("alice", send["id"], MediaKind::Audio, audio, "mic"); }),
            "unsupported");
  EXPECT_EQ(onWorker([&] { return router().producerCount(); }), 0u);
}

}  // namespace
}  // namespace jb::sfu
