#include "app/TokenCommand.hpp"

#include <algorithm>
#include <charconv>
#include <iostream>
#include <stdexcept>

#include "app/Secrets.hpp"
#include "signaling/JoinToken.hpp"

namespace jb::app {

std::chrono::seconds parseDuration(std::string_view text) {
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  const std::string_view unit(end, text.data() + text.size() - end);
  long long scale = 0;
  if (unit.empty() || unit == "s")
    scale = 1;
  else if (unit == "m")
    scale = 60;
  else if (unit == "h")
    scale = 3600;
  else if (unit == "d")
    scale = 86400;
  if (ec != std::errc() || end == text.data() || scale == 0 || value <= 0 || value > 366LL * 86400 / scale)
    throw std::invalid_argument("bad duration '" + std::string(text) +
                                "' (e.g. 90s, 15m, 1h, 7d; at most a year)");
  return std::chrono::seconds(value * scale);
}

int runToken(const TokenOptions& options) {
  if (options.roomId.empty() || options.roomId.size() > 64 ||
      !std::all_of(options.roomId.begin(), options.roomId.end(),
                   [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; }))
    throw std::invalid_argument("--room: 1..64 letters, digits, '-' or '_'");
  auto secret = loadTokenSecret(options.tokenSecretFile);
  if (!secret) throw std::runtime_error("no token secret: set JB_TOKEN_SECRET or pass --token-secret-file");
  const signaling::JoinTokenKey key(std::move(*secret));

  const auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  signaling::JoinClaims claims;
  claims.roomId = options.roomId;
  claims.userId = options.userId;
  claims.displayName = options.displayName;
  claims.expiresAt = now + parseDuration(options.ttl);
  claims.permissions = {options.publish, options.subscribe, options.chat};
  const std::string token = key.mint(claims, now);
  // Rejects what the server would reject (e.g. a 65-character name) before anyone tries the link.
  key.verify(token, options.roomId, now);

  std::string base = options.urlBase;
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::cout << token << "\n" << base << "/r/" << options.roomId << "?token=" << token << "\n";
  return 0;
}

}  // namespace jb::app
