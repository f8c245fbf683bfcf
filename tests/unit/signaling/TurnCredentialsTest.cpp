#include <gtest/gtest.h>

#include "signaling/TurnCredentials.hpp"

namespace jb::signaling {
namespace {

using namespace std::chrono;
constexpr const char* kSecret = "jbcalling-test-turn-secret-0123456789abcdef";

TEST(TurnCredentialsTest, PasswordIsBase64HmacSha1OfTheUsername) {
  // Expected value computed independently:
  //   echo -n "1700003600:peer42" | openssl dgst -sha1 -hmac "$SECRET" -binary | base64
  EXPECT_EQ(TurnCredentials::passwordFor(kSecret, "1700003600:peer42"), "ycNHAU5EOh0FmiKSfX+gjumQhTY=");
}

TEST(TurnCredentialsTest, UsernameCarriesTheExpiryInUnixSeconds) {
  system_clock::time_point expiry{seconds(1700003600)};
  EXPECT_EQ(TurnCredentials::usernameFor("peer42", expiry), "1700003600:peer42");
}

TEST(TurnCredentialsTest, IceServersExpireAfterTheConfiguredLifetime) {
  TurnCredentials turn({"turn:127.0.0.1:3478?transport=udp", "turn:127.0.0.1:3478?transport=tcp"}, kSecret,
                       seconds(600));
  system_clock::time_point now{seconds(1700003000)};
  auto servers = turn.iceServers("peer42", now);
  ASSERT_EQ(servers.size(), 1u);
  EXPECT_EQ(servers[0]["urls"].size(), 2u);
  EXPECT_EQ(servers[0]["username"], "1700003600:peer42");
  EXPECT_EQ(servers[0]["credential"], "ycNHAU5EOh0FmiKSfX+gjumQhTY=");
}

TEST(TurnCredentialsTest, DifferentSecretsGiveDifferentPasswords) {
  EXPECT_NE(TurnCredentials::passwordFor(kSecret, "1700003600:peer42"),
            TurnCredentials::passwordFor(std::string(kSecret) + "x", "1700003600:peer42"));
}

TEST(TurnCredentialsTest, RejectsUrlsThatAreNotTurn) {
  EXPECT_THROW(TurnCredentials({"stun:127.0.0.1:3478"}, kSecret, seconds(600)), std::invalid_argument);
  EXPECT_THROW(TurnCredentials({}, kSecret, seconds(600)), std::invalid_argument);
  EXPECT_THROW(TurnCredentials({"turn:127.0.0.1"}, kSecret, seconds(0)), std::invalid_argument);
}

}  // namespace
}  // namespace jb::signaling
