// libFuzzer target: join tokens arrive from strangers in `join` (src/signaling/JoinToken.hpp).
// Input byte 0 picks the mode:
//   even: the rest is the token text, verified as is (form, base64url, algorithm, signature checks);
//   odd:  the rest is a claims JSON payload that we sign with the test key, so the claims parser behind
//         the signature check (types, times, room, permissions) sees arbitrary input too.
// common::RequestError is the expected rejection; anything else escaping is a finding.

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "common/RequestError.hpp"
#include "signaling/JoinToken.hpp"

namespace {

const std::string kSecret(48, 'k');

std::string hmacSha256(const std::string& input) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), kSecret.data(), static_cast<int>(kSecret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &length);
  return std::string(reinterpret_cast<const char*>(mac), length);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const jb::signaling::JoinTokenKey key(kSecret);
  const std::string rest(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string token = rest;
  if (data[0] & 1) {
    const std::string signingInput = jb::signaling::base64UrlEncode(R"({"alg":"HS256","typ":"JWT"})") + "." +
                                     jb::signaling::base64UrlEncode(rest);
    token = signingInput + "." + jb::signaling::base64UrlEncode(hmacSha256(signingInput));
  }
  const auto now = std::chrono::sys_seconds(std::chrono::seconds(1'800'000'000));
  try {
    auto claims = key.verify(token, "room-1", now);
    // A token that verifies must be for the room asked about.
    if (claims.roomId != "room-1") __builtin_trap();
  } catch (const jb::common::RequestError&) {
    // rejected with a clear error: expected
  }
  return 0;
}
