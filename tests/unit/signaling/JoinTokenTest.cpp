#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <nlohmann/json.hpp>

#include "common/RequestError.hpp"
#include "signaling/JoinToken.hpp"

namespace jb::signaling {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

const std::string kSecret = "0123456789abcdef0123456789abcdef-test-secret";
const std::chrono::sys_seconds kNow{std::chrono::seconds(1'800'000'000)};

JoinClaims claimsFor(const std::string& room) {
  JoinClaims c;
  c.roomId = room;
  c.userId = "user-1";
  c.displayName = "Zoë Signed";
  c.expiresAt = kNow + 1h;
  c.permissions = {true, false, true};
  return c;
}

// The error code verify() throws, or "ok".
std::string outcome(const JoinTokenKey& key, const std::string& token, const std::string& room = "room1",
                    std::chrono::sys_seconds now = kNow) {
  try {
    key.verify(token, room, now);
    return "ok";
  } catch (const common::RequestError& e) {
    return e.code() + ": " + e.what();
  }
}

// Builds a token by hand, signed with HMAC-SHA256 over whatever header/payload text is given, so tests
// can make tokens our own minter never would.
std::string handMade(const std::string& headerJson, const std::string& payloadJson,
                     const std::string& secret = kSecret) {
  std::string input = base64UrlEncode(headerJson) + "." + base64UrlEncode(payloadJson);
  unsigned char mac[32];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &length);
  return input + "." + base64UrlEncode(std::string(reinterpret_cast<char*>(mac), length));
}

json payloadFor(const std::string& room) {
  return {{"room", room},
          {"sub", "u"},
          {"exp", (kNow + 1h).time_since_epoch().count()},
          {"permissions", {{"publish", true}, {"subscribe", true}, {"chat", true}}}};
}

TEST(Base64Url, RoundTripsEveryLengthAndRejectsNonCanonicalText) {
  std::string bytes;
  for (int i = 0; i < 40; ++i) {
    EXPECT_EQ(base64UrlDecode(base64UrlEncode(bytes)), bytes);
    bytes.push_back(static_cast<char>(i * 37 + 250));
  }
  EXPECT_EQ(base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_FALSE(base64UrlDecode("ab+c"));   // '+' is base64, not base64url
  EXPECT_FALSE(base64UrlDecode("YQ=="));   // JWS forbids padding
  EXPECT_FALSE(base64UrlDecode("abcde"));  // length 1 mod 4 cannot occur
  EXPECT_FALSE(base64UrlDecode("YR"));     // "YQ" spelled with non-zero spare bits
  EXPECT_EQ(base64UrlDecode("YQ"), "a");
}

TEST(JoinToken, MintedTokenVerifiesWithAllItsClaims) {
  JoinTokenKey key(kSecret);
  JoinClaims in = claimsFor("room1");
  in.notBefore = kNow - 1min;
  JoinClaims out = key.verify(key.mint(in, kNow), "room1", kNow);
  EXPECT_EQ(out.roomId, "room1");
  EXPECT_EQ(out.userId, "user-1");
  EXPECT_EQ(out.displayName, "Zoë Signed");
  EXPECT_EQ(out.expiresAt, in.expiresAt);
  EXPECT_EQ(out.notBefore, in.notBefore);
  EXPECT_TRUE(out.permissions.publish);
  EXPECT_FALSE(out.permissions.subscribe);
  EXPECT_TRUE(out.permissions.chat);
}

TEST(JoinToken, MintedTokenIsAStandardHs256Jwt) {
  JoinTokenKey key(kSecret);
  std::string token = key.mint(claimsFor("room1"), kNow);
  const size_t dot = token.find('.');
  json header = json::parse(*base64UrlDecode(token.substr(0, dot)));
  EXPECT_EQ(header, (json{{"alg", "HS256"}, {"typ", "JWT"}}));
  json payload = json::parse(*base64UrlDecode(token.substr(dot + 1, token.rfind('.') - dot - 1)));
  EXPECT_EQ(payload["sub"], "user-1");
  EXPECT_EQ(payload["iat"], kNow.time_since_epoch().count());
  // Equal to what an independent HMAC over the same header and payload gives.
  EXPECT_EQ(token, handMade(header.dump(), payload.dump()));
}

TEST(JoinToken, ExpiredTokenIsRefusedAfterTheLeeway) {
  JoinTokenKey key(kSecret);
  std::string token = key.mint(claimsFor("room1"), kNow);
  EXPECT_EQ(outcome(key, token, "room1", kNow + 1h + 10s), "ok") << "within the clock leeway";
  EXPECT_EQ(outcome(key, token, "room1", kNow + 1h + 31s), "token_expired: join token has expired");
}

TEST(JoinToken, NotYetValidTokenIsRefused) {
  JoinTokenKey key(kSecret);
  JoinClaims c = claimsFor("room1");
  c.notBefore = kNow + 10min;
  std::string token = key.mint(c, kNow);
  EXPECT_EQ(outcome(key, token), "token_invalid: join token is not valid yet ('nbf')");
  EXPECT_EQ(outcome(key, token, "room1", kNow + 10min - 20s), "ok") << "within the clock leeway";
}

TEST(JoinToken, BadSignatureIsRefused) {
  JoinTokenKey key(kSecret);
  JoinTokenKey otherKey("another-secret-that-is-long-enough-to-use!");
  EXPECT_EQ(outcome(key, otherKey.mint(claimsFor("room1"), kNow)),
            "token_invalid: join token has a bad signature");

  std::string token = key.mint(claimsFor("room1"), kNow);
  std::string flipped = token;
  flipped[flipped.size() - 2] = flipped[flipped.size() - 2] == 'A' ? 'B' : 'A';
  EXPECT_EQ(outcome(key, flipped), "token_invalid: join token has a bad signature");
  EXPECT_EQ(outcome(key, token.substr(0, token.rfind('.') + 1)),
            "token_invalid: join token has a bad signature");

  // A payload edited to another room, keeping the original signature.
  const size_t dot1 = token.find('.'), dot2 = token.rfind('.');
  std::string forged =
      token.substr(0, dot1 + 1) + base64UrlEncode(payloadFor("room2").dump()) + token.substr(dot2);
  EXPECT_EQ(outcome(key, forged, "room2"), "token_invalid: join token has a bad signature");
}

TEST(JoinToken, AlgNoneAndOtherAlgorithmsAreRefused) {
  JoinTokenKey key(kSecret);
  const std::string payload = payloadFor("room1").dump();
  const std::string unsigned_ =
      base64UrlEncode(R"({"alg":"none","typ":"JWT"})") + "." + base64UrlEncode(payload) + ".";
  EXPECT_EQ(outcome(key, unsigned_), "token_invalid: join token uses an unsupported algorithm (only HS256)");
  // Even correctly MACed with our key, a header that does not say HS256 is refused.
  for (const char* header : {R"({"alg":"none"})", R"({"alg":"HS512"})", R"({"alg":"hs256"})",
                             R"({"typ":"JWT"})", R"({"alg":["HS256"]})"})
    EXPECT_EQ(outcome(key, handMade(header, payload)),
              "token_invalid: join token uses an unsupported algorithm (only HS256)")
        << header;
  EXPECT_EQ(outcome(key, handMade(R"({"alg":"HS256","crit":["exp"]})", payload)),
            "token_invalid: join token has critical header parameters this server does not understand");
  EXPECT_EQ(outcome(key, handMade(R"({"alg":"HS256"})", payload)), "ok");
}

TEST(JoinToken, TokenForAnotherRoomIsRefused) {
  JoinTokenKey key(kSecret);
  EXPECT_EQ(outcome(key, key.mint(claimsFor("room1"), kNow), "room2"),
            "token_invalid: join token is for another room");
}

TEST(JoinToken, MalformedTokensAreRefusedWithoutThrowingAnythingElse) {
  JoinTokenKey key(kSecret);
  const std::string good = key.mint(claimsFor("room1"), kNow);
  EXPECT_EQ(outcome(key, ""), "token_invalid: join token is malformed (expected header.payload.signature)");
  EXPECT_EQ(outcome(key, "abc.def"),
            "token_invalid: join token is malformed (expected header.payload.signature)");
  EXPECT_EQ(outcome(key, good + ".x"),
            "token_invalid: join token is malformed (expected header.payload.signature)");
  EXPECT_EQ(outcome(key, "e30*." + good.substr(good.find('.') + 1)),
            "token_invalid: join token has a malformed header (not base64url)");
  EXPECT_EQ(outcome(key, base64UrlEncode("{not json") + good.substr(good.find('.'))),
            "token_invalid: join token has a malformed header (not a JSON object)");
  EXPECT_EQ(outcome(key, base64UrlEncode("[1]") + good.substr(good.find('.'))),
            "token_invalid: join token has a malformed header (not a JSON object)");
  EXPECT_EQ(outcome(key, std::string(5000, 'a')), "token_invalid: join token is too long");
  // Correctly signed, but the payload is not JSON / lacks what a join token must carry.
  EXPECT_EQ(outcome(key, handMade(R"({"alg":"HS256"})", "{\"room\":")),
            "token_invalid: join token has a malformed payload (not a JSON object)");
  json p = payloadFor("room1");
  p.erase("exp");
  EXPECT_EQ(outcome(key, handMade(R"({"alg":"HS256"})", p.dump())),
            "token_invalid: join token has no expiry ('exp')");
  p = payloadFor("room1");
  p["exp"] = "tomorrow";
  EXPECT_EQ(outcome(key, handMade(R"({"alg":"HS256"})", p.dump())),
            "token_invalid: join token claim 'exp' is not a number");
  p = payloadFor("room1");
  p.erase("sub");
  EXPECT_EQ(outcome(key, handMade(R"({"alg":"HS256"})", p.dump())),
            "token_invalid: join token has no valid user id ('sub')");
  p = payloadFor("room1");
  p.erase("permissions");
  EXPECT_EQ(outcome(key, handMade(R"({"alg":"HS256"})", p.dump())),
            "token_invalid: join token has no 'permissions' object");
  p = payloadFor("room1");
  p["name"] = std::string(65, 'n');
  EXPECT_EQ(outcome(key, handMade(R"({"alg":"HS256"})", p.dump())),
            "token_invalid: join token has an invalid 'name'");
}

TEST(JoinToken, PermissionsNotStatedAreNotGranted) {
  JoinTokenKey key(kSecret);
  json p = payloadFor("room1");
  p["permissions"] = {{"subscribe", true}};
  JoinClaims c = key.verify(handMade(R"({"alg":"HS256"})", p.dump()), "room1", kNow);
  EXPECT_FALSE(c.permissions.publish);
  EXPECT_TRUE(c.permissions.subscribe);
  EXPECT_FALSE(c.permissions.chat);
  EXPECT_TRUE(c.displayName.empty());
}

TEST(JoinToken, ShortSecretIsRejected) {
  EXPECT_THROW(JoinTokenKey("short"), std::invalid_argument);
  EXPECT_THROW(JoinTokenKey(std::string(31, 'x')), std::invalid_argument);
  EXPECT_NO_THROW(JoinTokenKey(std::string(32, 'x')));
}

}  // namespace
}  // namespace jb::signaling
