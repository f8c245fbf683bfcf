#include "signaling/Envelope.hpp"

namespace jb::signaling {

using nlohmann::json;

namespace {
constexpr int kMaxDepth = 32;
}  // namespace

std::optional<Request> parseRequest(const std::string& text, std::string& errorCode,
                                    std::string& errorMessage, json& idForError) {
  idForError = nullptr;
  // Copying and dumping a json value recurse once per nesting level; a 64 KiB frame of '[' would
  // otherwise reach ~32k levels, close to the end of an 8 MiB stack. Real requests nest about 7 deep.
  bool tooDeep = false;
  auto limitDepth = [&](int depth, json::parse_event_t, json&) {
    if (depth > kMaxDepth) tooDeep = true;
    return !tooDeep;
  };
  json frame = json::parse(text, limitDepth, /*allow_exceptions=*/false);
  if (frame.is_discarded() || !frame.is_object() || tooDeep) {
    errorCode = "bad_json";
    errorMessage = tooDeep ? "frame nests deeper than 32 levels" : "frame is not a JSON object";
    return std::nullopt;
  }
  auto id = frame.find("id");
  if (id != frame.end() && id->is_number_integer()) idForError = *id;
  auto fail = [&](const char* why) {
    errorCode = "invalid_request";
    errorMessage = why;
    return std::nullopt;
  };
  // Not frame.value("request", false): that throws json::type_error when "request" is not a boolean.
  if (auto request = frame.find("request"); request == frame.end() || *request != true)
    return fail("request: expected true");
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
