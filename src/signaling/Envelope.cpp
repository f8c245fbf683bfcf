#include "signaling/Envelope.hpp"

namespace jb::signaling {

using nlohmann::json;

std::optional<Request> parseRequest(const std::string& text, std::string& errorCode,
                                    std::string& errorMessage, json& idForError) {
  idForError = nullptr;
  json frame = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (frame.is_discarded() || !frame.is_object()) {
    errorCode = "bad_json";
    errorMessage = "frame is not a JSON object";
    return std::nullopt;
  }
  auto id = frame.find("id");
  if (id != frame.end() && id->is_number_integer()) idForError = *id;
  auto fail = [&](const char* why) {
    errorCode = "invalid_request";
    errorMessage = why;
    return std::nullopt;
  };
  if (frame.value("request", false) != true) return fail("request: expected true");
  if (id == frame.end() || !id->is_number_integer()) return fail("id: expected integer");
  auto method = frame.find("method");
  if (method == frame.end() || !method->is_string()) return fail("method: expected string");
  json data = json::object();
  if (auto d = frame.find("data"); d != frame.end() && !d->is_null()) {
    if (!d->is_object()) return fail("data: expected object");
    data = std::move(*d);
  }
  return Request{*id, method->get<std::string>(), std::move(data)};
}

std::string makeResponse(const json& id, const json& data) {
  return json{{"response", true}, {"id", id}, {"ok", true}, {"data", data}}.dump();
}

std::string makeErrorResponse(const json& id, const std::string& code, const std::string& message) {
  // Invalid UTF-8 from a client may be echoed in messages; replace rather than throw.
  return json{
      {"response", true}, {"id", id}, {"ok", false}, {"error", {{"code", code}, {"message", message}}}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string makeNotification(const std::string& method, const json& data) {
  return json{{"notification", true}, {"method", method}, {"data", data}}.dump(
      -1, ' ', false, json::error_handler_t::replace);
}

}  // namespace jb::signaling
