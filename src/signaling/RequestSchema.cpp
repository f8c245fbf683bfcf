#include "signaling/RequestSchema.hpp"

#include <algorithm>
#include <string_view>

#include "common/RequestError.hpp"

namespace jb::signaling {

using common::RequestError;
using nlohmann::json;

namespace {

constexpr size_t kIdMax = 64;

FieldRule id(const char* name) {
  return {name, FieldType::String, true, 1, kIdMax, "", true};
}

const std::vector<MethodSchema>& schemas() {
  static const std::vector<MethodSchema> table = {
      {"getRouterRtpCapabilities", false, {}},
      {"join",
       false,
       {id("roomId"),
        {"displayName", FieldType::String, true, 1, 64},
        {"rtpCapabilities", FieldType::Object},
        {"token", FieldType::String, false, 1, 4096},
        {"passcode", FieldType::String, false, 1, 64},
        {"languages", FieldType::Object, false}}},
      // The first request of a socket that takes over a peer whose socket dropped (instead of join).
      {"resume", false, {id("peerId"), {"resumeToken", FieldType::String, true, 1, 128}}},
      {"leave", true, {}},
      {"createWebRtcTransport", true, {{"direction", FieldType::String, true, 0, 0, "send|recv"}}},
      {"connectWebRtcTransport", true, {id("transportId"), {"dtlsParameters", FieldType::Object}}},
      {"restartIce", true, {id("transportId")}},
      {"produce",
       true,
       {id("transportId"),
        {"kind", FieldType::String, true, 0, 0, "audio|video"},
        {"rtpParameters", FieldType::Object},
        {"appData", FieldType::Object, false}}},
      {"pauseProducer", true, {id("producerId")}},
      {"resumeProducer", true, {id("producerId")}},
      {"closeProducer", true, {id("producerId")}},
      {"consume", true, {id("transportId"), id("producerId")}},
      {"resumeConsumer", true, {id("consumerId")}},
      {"pauseConsumer", true, {id("consumerId")}},
      // Simulcast: the spatial layer (0 = lowest of 3) the receiver wants; see docs/media.md.
      {"setConsumerPreferredLayers",
       true,
       {id("consumerId"),
        {"spatialLayer", FieldType::Integer, true, 0, 0, "", false, 0, 2},
        {"temporalLayer", FieldType::Integer, false, 0, 0, "", false, 0, 2}}},
      {"chat", true, {{"text", FieldType::String, true, 1, 2000}}},
      {"getTranslationCapabilities", false, {}},
      // Nested fields are checked by TranslationBridge::parseLanguages.
      {"setLanguages",
       true,
       {{"speak", FieldType::String, false, 0, 8},
        {"captions", FieldType::String, false, 0, 8},
        {"voice", FieldType::Boolean, false}}},
      {"getTranscript", true, {}},
  };
  return table;
}

const char* typeName(FieldType t) {
  switch (t) {
    case FieldType::String:
      return "string";
    case FieldType::Integer:
      return "integer";
    case FieldType::Boolean:
      return "boolean";
    case FieldType::Object:
      return "object";
    case FieldType::Array:
      return "array";
  }
  return "?";
}

bool hasType(const json& v, FieldType t) {
  switch (t) {
    case FieldType::String:
      return v.is_string();
    case FieldType::Integer:
      return v.is_number_integer();
    case FieldType::Boolean:
      return v.is_boolean();
    case FieldType::Object:
      return v.is_object();
    case FieldType::Array:
      return v.is_array();
  }
  return false;
}

bool isAllowed(std::string_view value, std::string_view allowed) {
  while (!allowed.empty()) {
    auto bar = allowed.find('|');
    if (allowed.substr(0, bar) == value) return true;
    if (bar == std::string_view::npos) break;
    allowed.remove_prefix(bar + 1);
  }
  return false;
}

// Length in code points, so a 64-character name in any script fits.
size_t utf8Length(const std::string& s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

}  // namespace

const MethodSchema* findMethodSchema(const std::string& method) {
  for (const auto& s : schemas())
    if (method == s.method) return &s;
  return nullptr;
}

void validateRequestData(const MethodSchema& schema, const json& data) {
  if (!data.is_object()) throw RequestError("invalid_request", "data: expected object");
  for (const FieldRule& rule : schema.fields) {
    const std::string path = std::string("data.") + rule.name;
    auto it = data.find(rule.name);
    if (it == data.end() || it->is_null()) {
      if (rule.required) throw RequestError("invalid_request", path + ": missing");
      continue;
    }
    if (!hasType(*it, rule.type))
      throw RequestError("invalid_request", path + ": expected " + typeName(rule.type));
    if (rule.type == FieldType::Integer) {
      // nlohmann keeps non-negative integers as unsigned, so one above INT64_MAX stays out of range.
      bool inRange;
      if (it->is_number_unsigned()) {
        const auto v = it->get<uint64_t>();
        inRange = rule.maximum >= 0 && v <= static_cast<uint64_t>(rule.maximum) &&
                  (rule.minimum <= 0 || v >= static_cast<uint64_t>(rule.minimum));
      } else {
        const auto v = it->get<int64_t>();
        inRange = v >= rule.minimum && v <= rule.maximum;
      }
      if (!inRange)
        throw RequestError("invalid_request", path + ": expected " + std::to_string(rule.minimum) + ".." +
                                                  std::to_string(rule.maximum));
      continue;
    }
    if (rule.type != FieldType::String) continue;
    const auto& s = it->get_ref<const std::string&>();
    const size_t length = utf8Length(s);
    if (length < rule.minLength) throw RequestError("invalid_request", path + ": too short");
    if (rule.maxLength && length > rule.maxLength) throw RequestError("invalid_request", path + ": too long");
    if (*rule.allowed && !isAllowed(s, rule.allowed))
      throw RequestError("invalid_request", path + ": expected one of " + rule.allowed);
    if (rule.identifier && !std::all_of(s.begin(), s.end(), [](unsigned char c) {
          return std::isalnum(c) || c == '-' || c == '_';
        }))
      throw RequestError("invalid_request", path + ": only letters, digits, '-' and '_' allowed");
  }
}

}  // namespace jb::signaling
