#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace jb::signaling {

// The three message shapes of docs/protocol.md.
struct Request {
  nlohmann::json id;  // integer; kept as json so it is echoed back exactly
  std::string method;
  nlohmann::json data;
};

// Parses a client frame. On failure fills `errorCode`/`errorMessage` and, if the frame had a usable
// id, `idForError` so the error response can still be matched by the client.
std::optional<Request> parseRequest(const std::string& text, std::string& errorCode,
                                    std::string& errorMessage, nlohmann::json& idForError);

std::string makeResponse(const nlohmann::json& id, const nlohmann::json& data);
std::string makeErrorResponse(const nlohmann::json& id, const std::string& code, const std::string& message);
std::string makeNotification(const std::string& method, const nlohmann::json& data);

}  // namespace jb::signaling
