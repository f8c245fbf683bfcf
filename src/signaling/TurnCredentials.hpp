#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace jb::signaling {

// Time-limited TURN credentials in the "TURN REST API" scheme coturn implements with
// --use-auth-secret (draft-uberti-behave-turn-rest-00 §2.2): username "<unix expiry>:<user id>",
// password base64(HMAC-SHA1(shared secret, username)). coturn recomputes the password from the
// username and refuses it once the expiry has passed, so nothing has to be stored or revoked.
class TurnCredentials {
 public:
  TurnCredentials(std::vector<std::string> urls, std::string secret, std::chrono::seconds lifetime);

  // RTCIceServer[] for a join response: one entry with every URL and a credential for `userId`.
  nlohmann::json iceServers(std::string_view userId, std::chrono::system_clock::time_point now) const;

  static std::string usernameFor(std::string_view userId, std::chrono::system_clock::time_point expiry);
  static std::string passwordFor(std::string_view secret, std::string_view username);

  const std::vector<std::string>& urls() const { return urls_; }
  std::chrono::seconds lifetime() const { return lifetime_; }

 private:
  std::vector<std::string> urls_;
  std::string secret_;
  std::chrono::seconds lifetime_;
};

}  // namespace jb::signaling
