#include "app/Secrets.hpp"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "signaling/JoinToken.hpp"

namespace jb::app {

std::optional<std::string> loadSecret(const std::string& what, const std::string& file, const char* envVar,
                                      size_t minBytes) {
  auto requireStrong = [&](const std::string& secret, const std::string& source) {
    if (secret.size() < minBytes)
      throw std::runtime_error(
          "the " + what + " secret from " + source + " is too weak: " + std::to_string(secret.size()) +
          " bytes, it must be at least " + std::to_string(minBytes) + " (e.g. `openssl rand -base64 48`)");
  };
  if (!file.empty()) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read the " + what + " secret file '" + file + "'");
    std::ostringstream text;
    text << in.rdbuf();
    std::string secret = text.str();
    // Files written by `echo` or an editor end with a newline that is not part of the secret.
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    requireStrong(secret, "'" + file + "'");
    struct stat st {};
    if (::stat(file.c_str(), &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)))
      spdlog::warn("{} secret file '{}' is readable by group or others; chmod 600 it", what, file);
    return secret;
  }
  if (const char* env = std::getenv(envVar)) {  // set but empty is weak, not "off"
    std::string secret = env;
    requireStrong(secret, envVar);
    return secret;
  }
  return std::nullopt;
}

std::optional<std::string> loadTokenSecret(const std::string& file) {
  return loadSecret("join token", file, "JB_TOKEN_SECRET", signaling::JoinTokenKey::kMinSecretBytes);
}

std::optional<std::string> loadTurnSecret(const std::string& file) {
  return loadSecret("TURN", file, "JB_TURN_SECRET", 32);
}

}  // namespace jb::app
