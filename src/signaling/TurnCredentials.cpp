#include "signaling/TurnCredentials.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

namespace jb::signaling {

TurnCredentials::TurnCredentials(std::vector<std::string> urls, std::string secret,
                                 std::chrono::seconds lifetime)
    : urls_(std::move(urls)), secret_(std::move(secret)), lifetime_(lifetime) {
  if (urls_.empty()) throw std::invalid_argument("TURN needs at least one URL");
  for (const std::string& url : urls_)
    if (!url.starts_with("turn:") && !url.starts_with("turns:"))
      throw std::invalid_argument("TURN URL '" + url + "' must start with turn: or turns:");
  if (lifetime_ <= std::chrono::seconds(0))
    throw std::invalid_argument("TURN credential lifetime must be positive");
}

std::string TurnCredentials::usernameFor(std::string_view userId,
                                         std::chrono::system_clock::time_point expiry) {
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(expiry.time_since_epoch()).count();
  return std::to_string(seconds) + ":" + std::string(userId);
}

std::string TurnCredentials::passwordFor(std::string_view secret, std::string_view username) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int macLength = 0;
  if (!HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()),
            reinterpret_cast<const unsigned char*>(username.data()), username.size(), mac, &macLength))
    throw std::runtime_error("HMAC-SHA1 failed");
  // Standard base64 with padding, as coturn expects (not the URL-safe alphabet of JWTs).
  std::string encoded(4 * ((macLength + 2) / 3), '\0');
  int written =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()), mac, static_cast<int>(macLength));
  encoded.resize(static_cast<size_t>(written));
  return encoded;
}

nlohmann::json TurnCredentials::iceServers(std::string_view userId,
                                           std::chrono::system_clock::time_point now) const {
  std::string username = usernameFor(userId, now + lifetime_);
  return nlohmann::json::array(
      {{{"urls", urls_}, {"username", username}, {"credential", passwordFor(secret_, username)}}});
}

}  // namespace jb::signaling
