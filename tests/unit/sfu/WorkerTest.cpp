#include <gtest/gtest.h>

#include <boost/asio/ip/udp.hpp>
#include <future>
#include <random>

#include "common/RequestError.hpp"
#include "dtls/Certificate.hpp"
#include "ice/StunMessage.hpp"
#include "sfu/Worker.hpp"

namespace jb::sfu {
namespace {

namespace asio = boost::asio;
using udp = asio::ip::udp;
using namespace std::chrono_literals;

// A real worker on a loopback port, driven by a real UDP client socket.
class WorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    worker_ = std::make_unique<Worker>(0, Worker::Options{"127.0.0.1", "127.0.0.1", 0},
                                       dtls::Certificate::generate());
    worker_->start();
    client_.open(udp::v4());
    client_.bind(udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    server_ = udp::endpoint(asio::ip::make_address("127.0.0.1"), worker_->port());
  }
  void TearDown() override { worker_->stop(); }

  template <typename F>
  auto onWorker(F f) {
    std::promise<decltype(f())> done;
    worker_->post([&] {
      try {
        done.set_value(f());
      } catch (...) {
        done.set_exception(std::current_exception());  // never let it unwind the worker thread
      }
    });
    return done.get_future().get();
  }

  void send(std::span<const uint8_t> bytes) {
    client_.send_to(asio::buffer(bytes.data(), bytes.size()), server_);
  }

  std::optional<std::vector<uint8_t>> receive(std::chrono::milliseconds timeout = 2000ms) {
    client_.non_blocking(true);
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::vector<uint8_t> buf(2048);
    while (std::chrono::steady_clock::now() < deadline) {
      boost::system::error_code ec;
      size_t n = client_.receive(asio::buffer(buf), 0, ec);
      if (!ec) {
        buf.resize(n);
        return buf;
      }
      std::this_thread::sleep_for(5ms);
    }
    return std::nullopt;
  }

  ice::StunMessage bindingRequest(const std::string& username) {
    ice::TransactionId tid{};
    for (size_t i = 0; i < tid.size(); ++i) tid[i] = static_cast<uint8_t>(i * 7 + 1);
    auto request = ice::StunMessage::makeRequest(ice::StunMessage::kBinding, tid);
    request.setUsername(username);
    request.setPriority(12345);
    request.setIceControlling(42);
    request.setUseCandidate(true);
    return request;
  }

  template <typename Counter>
  bool waitFor(Counter counter, uint64_t atLeast) {
    for (int i = 0; i < 200; ++i) {
      if (counter() >= atLeast) return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }

  asio::io_context io_;
  udp::socket client_{io_};
  udp::endpoint server_;
  std::unique_ptr<Worker> worker_;
};

TEST_F(WorkerTest, RandomBytesAreDroppedAndCounted) {
  std::mt19937 rng(7);
  for (int i = 0; i < 500; ++i) {
    std::vector<uint8_t> junk(1 + rng() % 1200);
    for (auto& b : junk) b = static_cast<uint8_t>(rng());
    send(junk);
  }
  const auto& c = worker_->counters();
  ASSERT_TRUE(waitFor([&] { return c.packetsIn.load(); }, 500));
  EXPECT_EQ(c.droppedTotal(), 500u);
  EXPECT_EQ(c.dropped(DropReason::UnknownKind) + c.dropped(DropReason::BadStun) +
                c.dropped(DropReason::UnknownTuple),
            500u)
      << "with no transports, garbage is dropped by the worker's demultiplexer";
  EXPECT_EQ(c.packetsOut.load(), 0u) << "garbage must never be answered";
}

TEST_F(WorkerTest, AnswersAuthenticatedBindingWithMappedAddress) {
  auto params = onWorker([&] { return worker_->router("room").createWebRtcTransport("peer"); });
  const std::string ufrag = params["iceParameters"]["usernameFragment"];
  const std::string password = params["iceParameters"]["password"];
  EXPECT_EQ(params["iceCandidates"][0]["port"], worker_->port());
  EXPECT_EQ(params["dtlsParameters"]["fingerprints"][0]["value"].get<std::string>().size(), 95u);

  send(bindingRequest(ufrag + ":browser").serialize(password, true));
  auto reply = receive();
  ASSERT_TRUE(reply);
  auto response = ice::StunMessage::parse(*reply);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->messageClass(), ice::StunMessage::Class::SuccessResponse);
  EXPECT_EQ(response->checkMessageIntegrity(password), ice::StunMessage::IntegrityResult::Ok);
  EXPECT_TRUE(response->checkFingerprint());
  ASSERT_TRUE(response->xorMappedAddress());
  EXPECT_EQ(response->xorMappedAddress()->port(), client_.local_endpoint().port());
}

TEST_F(WorkerTest, RejectsBindingWithBadIntegrity) {
  auto params = onWorker([&] { return worker_->router("room").createWebRtcTransport("peer"); });
  const std::string ufrag = params["iceParameters"]["usernameFragment"];
  send(bindingRequest(ufrag + ":browser").serialize("not-the-password", true));
  auto reply = receive();
  ASSERT_TRUE(reply);
  auto response = ice::StunMessage::parse(*reply);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->messageClass(), ice::StunMessage::Class::ErrorResponse);
  EXPECT_EQ(response->errorCode(), 401);

  // Not authenticated, so DTLS from this address is still unknown and dropped.
  const uint8_t clientHello[] = {22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  uint64_t before = worker_->counters().dropped(DropReason::UnknownTuple);
  send(clientHello);
  EXPECT_TRUE(waitFor([&] { return worker_->counters().dropped(DropReason::UnknownTuple); }, before + 1));
}

TEST_F(WorkerTest, IgnoresBindingForUnknownUsernameFragment) {
  send(bindingRequest("nobody:browser").serialize("whatever", true));
  EXPECT_FALSE(receive(300ms));
  EXPECT_GE(worker_->counters().dropped(DropReason::BadStun), 1u);
}

TEST_F(WorkerTest, ClosingPeerUnregistersItsTransports) {
  auto params = onWorker([&] { return worker_->router("room").createWebRtcTransport("peer"); });
  const std::string ufrag = params["iceParameters"]["usernameFragment"];
  const std::string password = params["iceParameters"]["password"];
  onWorker([&] { return worker_->router("room").closePeer("peer").producers.size(); });
  send(bindingRequest(ufrag + ":browser").serialize(password, true));
  EXPECT_FALSE(receive(300ms)) << "a freed transport must not answer";
  EXPECT_EQ(onWorker([&] { return worker_->router("room").transportCount(); }), 0u);
}

TEST_F(WorkerTest, GaugesFollowRoutersAndTransports) {
  const WorkerCounters& c = worker_->counters();
  onWorker([&] { return worker_->router("room").createWebRtcTransport("a"); });
  onWorker([&] { return worker_->router("room").createWebRtcTransport("b"); });
  onWorker([&] { return worker_->router("other").createWebRtcTransport("c"); });
  EXPECT_EQ(c.routers.load(), 2);
  EXPECT_EQ(c.transports.load(), 3);
  onWorker([&] { return worker_->router("room").closePeer("a").producers.size(); });
  EXPECT_EQ(c.transports.load(), 2);
  onWorker([&] {
    worker_->closeRouter("room");
    return 0;
  });
  EXPECT_EQ(c.routers.load(), 1);
  EXPECT_EQ(c.transports.load(), 1) << "a router's transports go with it";
}

TEST_F(WorkerTest, PeerLimitRejectionsAreCounted) {
  for (int i = 0; i < 4; ++i) onWorker([&] { return worker_->router("room").createWebRtcTransport("p"); });
  EXPECT_THROW(onWorker([&] { return worker_->router("room").createWebRtcTransport("p"); }),
               common::RequestError);
  EXPECT_EQ(worker_->counters().limitRejections[static_cast<size_t>(PeerLimitKind::Transports)].load(), 1u);
}

}  // namespace
}  // namespace jb::sfu
