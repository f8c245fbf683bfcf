// The ICE-lite state machine alone: credentials across an ICE restart (RFC 8445 §9), consent
// (RFC 7675) and the selected tuple, with hand-made checks and a hand-moved clock.
#include <gtest/gtest.h>

#include "ice/IceLiteServer.hpp"

namespace jb::ice {
namespace {

using namespace std::chrono_literals;
using Clock = IceLiteServer::Clock;

class IceLiteServerTest : public ::testing::Test {
 protected:
  StunMessage check(const std::string& ufrag, const std::string& password, bool useCandidate = true) {
    TransactionId tid{};
    tid[0] = ++tidSeed_;
    auto request = StunMessage::makeRequest(StunMessage::kBinding, tid);
    request.setUsername(ufrag + ":browser");
    request.setIceControlling(1);
    request.setUseCandidate(useCandidate);
    return *StunMessage::parse(request.serialize(password, true));
  }
  static TransportTuple udp(uint16_t port) {
    return TransportTuple::udp({boost::asio::ip::make_address("127.0.0.1"), port});
  }
  static TransportTuple tcp(uint16_t port, uint64_t id) {
    return TransportTuple::tcp({boost::asio::ip::make_address("127.0.0.1"), port}, id);
  }
  static std::optional<uint16_t> errorOf(const IceLiteServer::Outcome& outcome) {
    return StunMessage::parse(outcome.response)->errorCode();
  }

  uint8_t tidSeed_ = 0;
  Clock::time_point t0_ = Clock::now();
  IceLiteServer ice_{"oldufrag", "old-password-0123456789", 10s};
};

TEST_F(IceLiteServerTest, OldCredentialsWorkUntilFirstCheckWithNewOnes) {
  ASSERT_TRUE(ice_.handleRequest(check("oldufrag", "old-password-0123456789"), udp(1000), t0_).authenticated);
  EXPECT_FALSE(ice_.restart("newufrag", "new-password-0123456789", t0_));
  EXPECT_EQ(ice_.usernameFragment(), "newufrag");
  EXPECT_EQ(ice_.previousUsernameFragment(), "oldufrag");

  // The browser has not applied the restart yet: its consent checks still use the old credentials.
  auto stale = ice_.handleRequest(check("oldufrag", "old-password-0123456789"), udp(1000), t0_ + 1s);
  EXPECT_TRUE(stale.authenticated);
  EXPECT_FALSE(stale.retiredUsernameFragment);
  EXPECT_EQ(StunMessage::parse(stale.response)->checkMessageIntegrity("old-password-0123456789"),
            StunMessage::IntegrityResult::Ok)
      << "answered with the key the check used";

  // The old ufrag with the new password is not a valid check.
  EXPECT_EQ(errorOf(ice_.handleRequest(check("oldufrag", "new-password-0123456789"), udp(1000), t0_)), 401);

  auto fresh = ice_.handleRequest(check("newufrag", "new-password-0123456789"), udp(2000), t0_ + 2s);
  EXPECT_TRUE(fresh.authenticated);
  EXPECT_EQ(fresh.retiredUsernameFragment, "oldufrag");
  EXPECT_TRUE(fresh.selectedTupleChanged);
  EXPECT_EQ(ice_.selectedTuple(), udp(2000));
  EXPECT_FALSE(ice_.previousUsernameFragment());

  auto late = ice_.handleRequest(check("oldufrag", "old-password-0123456789"), udp(1000), t0_ + 3s);
  EXPECT_FALSE(late.authenticated);
  EXPECT_EQ(errorOf(late), 401);
}

TEST_F(IceLiteServerTest, SecondRestartBeforeCompletionDropsOnlyTheUnusedMiddleCredentials) {
  ice_.restart("midufrag", "mid-password-0123456789", t0_);
  auto dropped = ice_.restart("newufrag", "new-password-0123456789", t0_);
  EXPECT_EQ(dropped, "midufrag");
  EXPECT_EQ(ice_.previousUsernameFragment(), "oldufrag");
  EXPECT_FALSE(ice_.handleRequest(check("midufrag", "mid-password-0123456789"), udp(1), t0_).authenticated);
  EXPECT_TRUE(ice_.handleRequest(check("oldufrag", "old-password-0123456789"), udp(1), t0_).authenticated);
  EXPECT_TRUE(ice_.handleRequest(check("newufrag", "new-password-0123456789"), udp(1), t0_).authenticated);
}

TEST_F(IceLiteServerTest, RestartRenewsConsent) {
  ASSERT_TRUE(ice_.handleRequest(check("oldufrag", "old-password-0123456789"), udp(1000), t0_).authenticated);
  EXPECT_FALSE(ice_.checkConsent(t0_ + 8s));
  ice_.restart("newufrag", "new-password-0123456789", t0_ + 8s);
  EXPECT_FALSE(ice_.checkConsent(t0_ + 15s)) << "10 s counted from the restart, not from the last check";
  EXPECT_TRUE(ice_.checkConsent(t0_ + 19s));
  EXPECT_EQ(ice_.state(), IceLiteServer::State::Disconnected);
}

TEST_F(IceLiteServerTest, ForgottenTupleStopsBeingSelectedUntilANewCheck) {
  ASSERT_TRUE(
      ice_.handleRequest(check("oldufrag", "old-password-0123456789"), tcp(5000, 7), t0_).authenticated);
  EXPECT_FALSE(ice_.forgetTuple(tcp(5000, 8))) << "same address, another connection";
  EXPECT_FALSE(ice_.forgetTuple(udp(5000)));
  EXPECT_TRUE(ice_.selectedTuple());
  EXPECT_TRUE(ice_.forgetTuple(tcp(5000, 7)));
  EXPECT_FALSE(ice_.selectedTuple());
  // Consent still runs from the last check: a browser that never comes back expires as usual.
  EXPECT_TRUE(ice_.checkConsent(t0_ + 11s));

  // Without nomination, the first authenticated tuple is adopted again.
  auto again = ice_.handleRequest(check("oldufrag", "old-password-0123456789", false), udp(6000), t0_ + 12s);
  EXPECT_TRUE(again.selectedTupleChanged);
  EXPECT_EQ(ice_.selectedTuple(), udp(6000));
  EXPECT_EQ(ice_.state(), IceLiteServer::State::Connected);
}

TEST_F(IceLiteServerTest, MappedAddressOfTcpTupleIsTheConnectionsRemote) {
  auto outcome = ice_.handleRequest(check("oldufrag", "old-password-0123456789"), tcp(5555, 1), t0_);
  ASSERT_TRUE(outcome.authenticated);
  auto response = StunMessage::parse(outcome.response);
  ASSERT_TRUE(response && response->xorMappedAddress());
  EXPECT_EQ(response->xorMappedAddress()->port(), 5555);
}

}  // namespace
}  // namespace jb::ice
