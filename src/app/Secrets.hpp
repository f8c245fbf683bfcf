#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace jb::app {

// A secret comes from `file` when given (e.g. --token-secret-file) or else from the environment
// variable `envVar`; never from argv, where any local user could read it in ps. nullopt when neither
// is set. Throws std::runtime_error for an unreadable file or a secret shorter than `minBytes`.
std::optional<std::string> loadSecret(const std::string& what, const std::string& file, const char* envVar,
                                      size_t minBytes);

// The join-token secret ($JB_TOKEN_SECRET, at least 32 bytes); nullopt: rooms are open.
std::optional<std::string> loadTokenSecret(const std::string& file);
// The TURN REST shared secret, the same as coturn's static-auth-secret ($JB_TURN_SECRET, at least
// 32 bytes); nullopt: no TURN credentials are handed out.
std::optional<std::string> loadTurnSecret(const std::string& file);

}  // namespace jb::app
