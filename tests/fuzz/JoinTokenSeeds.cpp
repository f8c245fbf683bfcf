#include <algorithm>
#include <chrono>
#include <string>

#include "FuzzSeeds.hpp"
#include "signaling/JoinToken.hpp"

namespace jb::fuzz {

namespace {
std::vector<uint8_t> withMode(uint8_t mode, const std::string& text) {
  std::vector<uint8_t> out(text.size() + 1);
  out[0] = mode;
  std::copy(text.begin(), text.end(), out.begin() + 1);
  return out;
}
}  // namespace

Seeds joinTokenSeeds() {
  Seeds out;
  // Signed by FuzzJoinToken.cpp's key: a valid token, and tokens for another room and long expired.
  signaling::JoinTokenKey key(std::string(48, 'k'));
  const auto issued = std::chrono::sys_seconds(std::chrono::seconds(1'800'000'000 - 60));
  signaling::JoinClaims claims;
  claims.roomId = "room-1";
  claims.userId = "ann";
  claims.displayName = "Ann";
  claims.expiresAt = issued + std::chrono::hours(1);
  out.push_back(withMode(0, key.mint(claims, issued)));
  claims.roomId = "room-2";
  out.push_back(withMode(0, key.mint(claims, issued)));
  // Claims payloads for the signed mode.
  out.push_back(withMode(1, R"({"room":"room-1","sub":"ann","name":"Ann","exp":1800003600,"nbf":1799999000,)"
                            R"("permissions":{"publish":true,"subscribe":true,"chat":false}})"));
  out.push_back(withMode(1, R"({"room":"room-1","sub":"x","exp":"soon"})"));
  out.push_back(withMode(0, "eyJhbGciOiJub25lIn0.eyJyb29tIjoicm9vbS0xIn0."));  // alg none
  return out;
}

}  // namespace jb::fuzz
