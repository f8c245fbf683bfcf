#include <gtest/gtest.h>

#include <boost/asio/ip/udp.hpp>

#include "signaling/TurnProbe.hpp"

namespace jb::signaling {
namespace {

namespace asio = boost::asio;
using asio::ip::udp;

TEST(TurnProbeTest, ParsesTurnUrls) {
  auto plain = TurnProbe::parseUrl("turn:127.0.0.1");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->host, "127.0.0.1");
  EXPECT_EQ(plain->port, 3478);
  auto withPort = TurnProbe::parseUrl("turn:10.0.0.5:5349?transport=udp");
  ASSERT_TRUE(withPort);
  EXPECT_EQ(withPort->host, "10.0.0.5");
  EXPECT_EQ(withPort->port, 5349);
  auto v6 = TurnProbe::parseUrl("turn:[::1]:3479");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 3479);
  EXPECT_FALSE(TurnProbe::parseUrl("stun:127.0.0.1"));
  EXPECT_FALSE(TurnProbe::parseUrl("turn::99999"));
  EXPECT_FALSE(TurnProbe::parseUrl("turn:host:notaport"));
}

// A STUN server on loopback that answers Binding requests, standing in for coturn's listener.
class StunResponder {
 public:
  explicit StunResponder(asio::io_context& io)
      : socket_(io, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    receive();
  }
  uint16_t port() const { return socket_.local_endpoint().port(); }

 private:
  void receive() {
    socket_.async_receive_from(
        asio::buffer(buffer_), from_, [this](const boost::system::error_code& ec, size_t n) {
          if (ec) return;
          if (auto request = ice::StunMessage::parse(std::span<const uint8_t>(buffer_.data(), n))) {
            auto response = std::make_shared<std::vector<uint8_t>>(
                ice::StunMessage::makeSuccessResponse(*request).serialize({}, true));
            socket_.async_send_to(asio::buffer(*response), from_, [response](auto, auto) {});
          }
          receive();
        });
  }
  udp::socket socket_;
  std::array<uint8_t, 1500> buffer_{};
  udp::endpoint from_;
};

TEST(TurnProbeTest, ReachableOnceTheServerAnswers) {
  asio::io_context io;
  StunResponder responder(io);
  TurnProbe probe(io, "turn:127.0.0.1:" + std::to_string(responder.port()), std::chrono::milliseconds(50));
  EXPECT_FALSE(probe.reachable());
  probe.start();
  io.run_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(probe.reachable());
}

TEST(TurnProbeTest, UnreachableWhenNothingListens) {
  asio::io_context io;
  uint16_t closedPort;
  {
    udp::socket taken(io, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    closedPort = taken.local_endpoint().port();
  }
  TurnProbe probe(io, "turn:127.0.0.1:" + std::to_string(closedPort), std::chrono::milliseconds(50));
  probe.start();
  io.run_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(probe.reachable());
}

}  // namespace
}  // namespace jb::signaling
