#pragma once

#include <optional>
#include <string>

namespace jb::app {

// The join-token secret, from `file` when given (--token-secret-file) or else from the environment
// ($JB_TOKEN_SECRET); never from argv, where any local user could read it in ps. nullopt when
// neither is set: rooms are open. Throws std::runtime_error for an unreadable file or a secret
// shorter than 32 bytes.
std::optional<std::string> loadTokenSecret(const std::string& file);

}  // namespace jb::app
