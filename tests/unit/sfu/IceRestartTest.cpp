// ICE restart (RFC 8445 §9) on a real worker over loopback UDP: the transport's new credentials are
// routed by the worker, the old ones keep working until the browser's first check with the new ones,
// and only the owner may restart a transport.
#include <gtest/gtest.h>

#include <boost/asio/ip/udp.hpp>
#include <future>

#include "common/RequestError.hpp"
#include "dtls/Certificate.hpp"
#include "ice/StunMessage.hpp"
#include "sfu/Worker.hpp"

namespace jb::sfu {
namespace {

namespace asio = boost::asio;
using udp = asio::ip::udp;
using nlohmann::json;
using namespace std::chrono_literals;

class IceRestartTest : public ::testing::Test {
 protected:
  void SetUp() override {
    worker_ = std::make_unique<Worker>(0, Worker::Options{"127.0.0.1", "127.0.0.1", 0},
                                       dtls::Certificate::generate());
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
    worker_->post([&] {
      try {
        done.set_value(f());
      } catch (...) {
        done.set_exception(std::current_exception());
      }
    });
    return done.get_future().get();
  }

  // Sends one check with these credentials; the response's class, or nullopt when none came.
  std::optional<ice::StunMessage::Class> check(const json& iceParameters) {
    const std::string ufrag = iceParameters["usernameFragment"];
    const std::string password = iceParameters["password"];
    ice::TransactionId tid{};
    tid[0] = ++tidSeed_;
    auto request = ice::StunMessage::makeRequest(ice::StunMessage::kBinding, tid);
    request.setUsername(ufrag + ":browser");
    request.setIceControlling(7);
    request.setUseCandidate(true);
    auto bytes = request.serialize(password, true);
    client_.send_to(asio::buffer(bytes), server_);
    std::vector<uint8_t> buf(2048);
    for (auto deadline = std::chrono::steady_clock::now() + 500ms;
         std::chrono::steady_clock::now() < deadline;) {
      boost::system::error_code ec;
      size_t n = client_.receive(asio::buffer(buf), 0, ec);
      if (ec) {
        std::this_thread::sleep_for(2ms);
        continue;
      }
      auto response = ice::StunMessage::parse({buf.data(), n});
      if (!response) return std::nullopt;
      if (response->messageClass() == ice::StunMessage::Class::SuccessResponse &&
          response->checkMessageIntegrity(password) != ice::StunMessage::IntegrityResult::Ok)
        return std::nullopt;
      return response->messageClass();
    }
    return std::nullopt;
  }

  std::unique_ptr<Worker> worker_;
  asio::io_context io_;
  udp::socket client_{io_};
  udp::endpoint server_;
  uint8_t tidSeed_ = 0;
};

TEST_F(IceRestartTest, NewCredentialsTakeOverAndOldOnesRetireOnFirstNewCheck) {
  json params = onWorker([&] { return worker_->router("room").createWebRtcTransport("peer"); });
  const std::string transportId = params["id"];
  const json oldIce = params["iceParameters"];
  ASSERT_EQ(check(oldIce), ice::StunMessage::Class::SuccessResponse);

  json newIce = onWorker([&] { return worker_->router("room").restartIce("peer", transportId); });
  EXPECT_NE(newIce["usernameFragment"], oldIce["usernameFragment"]);
  EXPECT_NE(newIce["password"], oldIce["password"]);
  EXPECT_EQ(newIce["iceLite"], true);
  EXPECT_EQ(worker_->counters().iceRestarts.load(), 1u);

  EXPECT_EQ(check(oldIce), ice::StunMessage::Class::SuccessResponse) << "the browser has not switched yet";
  EXPECT_EQ(check(newIce), ice::StunMessage::Class::SuccessResponse);
  const uint64_t badStun = worker_->counters().dropped(DropReason::BadStun);
  EXPECT_EQ(check(oldIce), std::nullopt) << "retired: its ufrag no longer reaches the transport";
  EXPECT_EQ(worker_->counters().dropped(DropReason::BadStun), badStun + 1);
  EXPECT_EQ(check(newIce), ice::StunMessage::Class::SuccessResponse);
}

TEST_F(IceRestartTest, OnlyTheOwnerMayRestartATransport) {
  json params = onWorker([&] { return worker_->router("room").createWebRtcTransport("alice"); });
  const std::string transportId = params["id"];
  auto restartAs = [&](const std::string& peer, const std::string& id) {
    try {
      onWorker([&] { return worker_->router("room").restartIce(peer, id); });
      return std::string("ok");
    } catch (const common::RequestError& e) {
      return e.code();
    }
  };
  EXPECT_EQ(restartAs("mallory", transportId), "not_found");
  EXPECT_EQ(restartAs("alice", "no-such-transport"), "not_found");
  EXPECT_EQ(worker_->counters().iceRestarts.load(), 0u);
  EXPECT_EQ(check(params["iceParameters"]), ice::StunMessage::Class::SuccessResponse)
      << "credentials untouched";
}

}  // namespace
}  // namespace jb::sfu
