#include "app/Secrets.hpp"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "signaling/JoinToken.hpp"

namespace jb::app {

namespace {

void requireStrong(const std::string& secret, const std::string& source) {
  if (secret.size() < signaling::JoinTokenKey::kMinSecretBytes)
    throw std::runtime_error(
        "the join token secret from " + source + " is too weak: " + std::to_string(secret.size()) +
        " bytes, it must be at least " + std::to_string(signaling::JoinTokenKey::kMinSecretBytes) +
        " (e.g. `openssl rand -base64 48`)");
}

}  // namespace

std::optional<std::string> loadTokenSecret(const std::string& file) {
  if (!file.empty()) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read the token secret file '" + file + "'");
    std::ostringstream text;
    text << in.rdbuf();
    std::string secret = text.str();
    // Files written by `echo` or an editor end with a newline that is not part of the secret.
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    requireStrong(secret, "'" + file + "'");
    struct stat st {};
    if (::stat(file.c_str(), &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)))
      spdlog::warn("token secret file '{}' is readable by group or others; chmod 600 it", file);
    return secret;
  }
  if (const char* env = std::getenv("JB_TOKEN_SECRET")) {  // set but empty is weak, not "open"
    std::string secret = env;
    requireStrong(secret, "JB_TOKEN_SECRET");
    return secret;
  }
  return std::nullopt;
}

}  // namespace jb::app
