// RFC 7675 consent freshness on a real worker: a real UDP client authenticates with ICE, then falls
// silent; the worker must close everything that peer had and report it to "signaling" (here a plain
// io_context standing in for the signaling thread).
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/udp.hpp>
#include <future>

#include "dtls/Certificate.hpp"
#include "ice/StunMessage.hpp"
#include "sfu/RouterCapabilities.hpp"
#include "sfu/Worker.hpp"

namespace jb::sfu {
namespace {

namespace asio = boost::asio;
using udp = asio::ip::udp;
using nlohmann::json;
using namespace std::chrono_literals;

json opusParameters(uint32_t ssrc) {
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

class ConsentExpiryTest : public ::testing::Test {
 protected:
  static constexpr auto kConsentTimeout = 400ms;

  void SetUp() override {
    Worker::Options options{"127.0.0.1", "127.0.0.1", 0};
    options.iceConsentTimeout = kConsentTimeout;
    worker_ = std::make_unique<Worker>(0, options, dtls::Certificate::generate());
    worker_->onPeerMediaClosed(signaling_.get_executor(),
                               [this](PeerMediaClosed event) { events_.push_back(std::move(event)); });
    worker_->start();
    client_.open(udp::v4());
    client_.bind(udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    client_.non_blocking(true);
    server_ = udp::endpoint(asio::ip::make_address("127.0.0.1"), worker_->port());
  }
  void TearDown() override { worker_->stop(); }

  template <typename F>
  auto onWorker(F f) {
    std::promise<decltype(f())> done;
    worker_->post([&] { done.set_value(f()); });
    return done.get_future().get();
  }

  // One authenticated ICE check from the client, as a browser sends every few seconds; true if answered.
  bool sendCheck(const json& transportParameters) {
    const std::string ufrag = transportParameters["iceParameters"]["usernameFragment"];
    const std::string password = transportParameters["iceParameters"]["password"];
    ice::TransactionId tid{};
    for (size_t i = 0; i < tid.size(); ++i) tid[i] = static_cast<uint8_t>(nextTid_ + i);
    ++nextTid_;
    auto request = ice::StunMessage::makeRequest(ice::StunMessage::kBinding, tid);
    request.setUsername(ufrag + ":browser");
    request.setPriority(12345);
    request.setIceControlling(42);
    request.setUseCandidate(true);
    auto bytes = request.serialize(password, true);
    client_.send_to(asio::buffer(bytes), server_);
    std::vector<uint8_t> buf(2048);
    for (auto deadline = std::chrono::steady_clock::now() + 2s;
         std::chrono::steady_clock::now() < deadline;) {
      boost::system::error_code ec;
      size_t n = client_.receive(asio::buffer(buf), 0, ec);
      if (!ec) {
        auto response = ice::StunMessage::parse({buf.data(), n});
        return response && response->messageClass() == ice::StunMessage::Class::SuccessResponse;
      }
      std::this_thread::sleep_for(5ms);
    }
    return false;
  }

  // Runs the stand-in signaling loop until an event arrived or `timeout` passed.
  void runSignalingUntilEvent(std::chrono::milliseconds timeout) {
    for (auto deadline = std::chrono::steady_clock::now() + timeout;
         events_.empty() && std::chrono::steady_clock::now() < deadline;) {
      signaling_.restart();
      signaling_.run_for(20ms);
    }
  }

  asio::io_context signaling_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_ = asio::make_work_guard(signaling_);
  std::vector<PeerMediaClosed> events_;
  asio::io_context clientIo_;
  udp::socket client_{clientIo_};
  udp::endpoint server_;
  std::unique_ptr<Worker> worker_;
  uint8_t nextTid_ = 1;
};

TEST_F(ConsentExpiryTest, SilentPeerIsClosedAndSignalingIsTold) {
  json caps = {{"codecs", routerRtpCapabilities()["codecs"]},
               {"headerExtensions", routerRtpCapabilities()["headerExtensions"]}};
  // "gone" sends audio that "stays" receives; "stays" never does ICE, so it has no consent to lose.
  json goneSend = onWorker([&] { return worker_->router("room").createWebRtcTransport("gone"); });
  std::string producerId = onWorker([&] {
    return worker_->router("room")
        .produce("gone", goneSend["id"], MediaKind::Audio, opusParameters(1111), "mic")
        .id;
  });
  json staysRecv = onWorker([&] { return worker_->router("room").createWebRtcTransport("stays"); });
  json consumed =
      onWorker([&] { return worker_->router("room").consume("stays", staysRecv["id"], producerId, caps); });

  ASSERT_TRUE(sendCheck(goneSend));
  // While checks keep coming, consent stays fresh.
  for (int i = 0; i < 6; ++i) {
    std::this_thread::sleep_for(kConsentTimeout / 4);
    ASSERT_TRUE(sendCheck(goneSend));
  }
  signaling_.restart();
  signaling_.poll();
  EXPECT_TRUE(events_.empty()) << "consent was refreshed in time";

  // Then silence: the tab closed without a word.
  runSignalingUntilEvent(5s);
  ASSERT_EQ(events_.size(), 1u);
  const PeerMediaClosed& event = events_[0];
  EXPECT_EQ(event.cause, PeerMediaClosed::Cause::IceConsentExpired);
  EXPECT_EQ(event.roomId, "room");
  EXPECT_EQ(event.peerId, "gone");
  EXPECT_EQ(event.worker, 0u);
  ASSERT_EQ(event.report.producers.size(), 1u);
  EXPECT_EQ(event.report.producers[0].producerId, producerId);
  ASSERT_EQ(event.report.consumers.size(), 1u) << "the other peer's consumer of it closed too";
  EXPECT_EQ(event.report.consumers[0].consumerId, consumed["id"]);
  EXPECT_EQ(event.report.consumers[0].peerId, "stays");

  // Nothing of "gone" is left; "stays" keeps its transport.
  auto counts = onWorker([&] {
    Router& r = worker_->router("room");
    return std::array<size_t, 3>{r.transportCount(), r.producerCount(), r.consumerCount()};
  });
  EXPECT_EQ(counts, (std::array<size_t, 3>{1, 0, 0}));
  const WorkerCounters& c = worker_->counters();
  EXPECT_EQ(c.consentExpirations.load(), 1u);
  EXPECT_EQ(c.transports.load(), 1);
  EXPECT_EQ(c.producers.load(), 0);
  EXPECT_EQ(c.consumers.load(), 0);

  // The freed transport no longer answers, and no second event follows.
  EXPECT_FALSE(sendCheck(goneSend));
  runSignalingUntilEvent(kConsentTimeout * 3);
  EXPECT_EQ(events_.size(), 1u);
}

TEST_F(ConsentExpiryTest, TransportThatNeverConnectedDoesNotExpire) {
  onWorker([&] { return worker_->router("room").createWebRtcTransport("idle"); });
  runSignalingUntilEvent(kConsentTimeout * 3);
  EXPECT_TRUE(events_.empty()) << "consent is only lost after it was granted";
  EXPECT_EQ(onWorker([&] { return worker_->router("room").transportCount(); }), 1u);
}

}  // namespace
}  // namespace jb::sfu
