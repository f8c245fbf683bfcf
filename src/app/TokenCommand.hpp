#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace jb::app {

struct TokenOptions {
  std::string roomId;
  std::string userId;
  std::string displayName;  // empty: the joiner types a name
  std::string ttl = "1h";
  bool publish = true;
  bool subscribe = true;
  bool chat = true;
  std::string urlBase = "http://localhost:8080";
  std::string tokenSecretFile;  // else $JB_TOKEN_SECRET, as `serve`
};

// Mints a join token and prints it, then a ready-to-open room URL, one per line. Returns the exit code.
int runToken(const TokenOptions& options);

// "90", "90s", "15m", "1h", "7d". Throws std::invalid_argument.
std::chrono::seconds parseDuration(std::string_view text);

}  // namespace jb::app
