#include "sfu/RtpParameters.hpp"

#include <algorithm>
#include <cctype>

#include "common/RequestError.hpp"

namespace jb::sfu {

using common::RequestError;
using nlohmann::json;

namespace {

[[noreturn]] void invalid(const std::string& field, const std::string& why) {
  throw RequestError("invalid_request", "rtpParameters." + field + ": " + why);
}

const json& require(const json& object, const char* key, json::value_t type, const std::string& path) {
  auto it = object.find(key);
  if (it == object.end()) invalid(path + key, "missing");
  bool ok = it->type() == type ||
            (type == json::value_t::number_unsigned && it->is_number_integer() && it->get<int64_t>() >= 0);
  if (!ok) invalid(path + key, std::string("expected ") + json(type).type_name());
  return *it;
}

uint32_t requireUint(const json& object, const char* key, const std::string& path, uint64_t max) {
  const json& v = require(object, key, json::value_t::number_unsigned, path);
  uint64_t n = v.get<uint64_t>();
  if (n > max) invalid(path + key, "out of range");
  return static_cast<uint32_t>(n);
}

std::optional<uint32_t> optionalUint(const json& object, const char* key, const std::string& path,
                                     uint64_t max) {
  if (!object.contains(key)) return std::nullopt;
  return requireUint(object, key, path, max);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

MediaKind parseMediaKind(const std::string& kind) {
  if (kind == "audio") return MediaKind::Audio;
  if (kind == "video") return MediaKind::Video;
  throw RequestError("invalid_request", "kind: expected \"audio\" or \"video\"");
}

const char* toString(MediaKind kind) {
  return kind == MediaKind::Audio ? "audio" : "video";
}

bool mimeTypeEquals(const std::string& a, const std::string& b) {
  return lower(a) == lower(b);
}

bool isMediaCodec(const std::string& mimeType) {
  const std::string m = lower(mimeType);
  auto slash = m.find('/');
  const std::string name = slash == std::string::npos ? m : m.substr(slash + 1);
  return name != "rtx" && name != "red" && name != "ulpfec" && name != "flexfec-03";
}

RtpParameters parseRtpParameters(const json& j) {
  if (!j.is_object()) invalid("", "expected object");
  RtpParameters p;
  if (auto it = j.find("mid"); it != j.end() && it->is_string()) p.mid = it->get<std::string>();

  const json& codecs = require(j, "codecs", json::value_t::array, "");
  if (codecs.empty() || codecs.size() > 16) invalid("codecs", "expected 1..16 entries");
  for (size_t i = 0; i < codecs.size(); ++i) {
    const json& c = codecs[i];
    const std::string path = "codecs[" + std::to_string(i) + "].";
    if (!c.is_object()) invalid(path, "expected object");
    RtpCodec codec;
    codec.mimeType = require(c, "mimeType", json::value_t::string, path).get<std::string>();
    if (codec.mimeType.find('/') == std::string::npos) invalid(path + "mimeType", "expected type/subtype");
    codec.payloadType = static_cast<uint8_t>(requireUint(c, "payloadType", path, 127));
    codec.clockRate = requireUint(c, "clockRate", path, 1'000'000);
    codec.channels = static_cast<uint8_t>(optionalUint(c, "channels", path, 8).value_or(0));
    if (auto it = c.find("parameters"); it != c.end() && it->is_object()) codec.parameters = *it;
    if (auto it = c.find("rtcpFeedback"); it != c.end() && it->is_array()) {
      for (const json& fb : *it) {
        if (!fb.is_object() || !fb.contains("type") || !fb["type"].is_string() ||
            (fb.contains("parameter") && !fb["parameter"].is_string()))
          continue;
        codec.rtcpFeedback.push_back({fb["type"].get<std::string>(), fb.value("parameter", std::string())});
      }
    }
    p.codecs.push_back(std::move(codec));
  }

  if (auto it = j.find("headerExtensions"); it != j.end()) {
    if (!it->is_array()) invalid("headerExtensions", "expected array");
    for (size_t i = 0; i < it->size(); ++i) {
      const json& e = (*it)[i];
      const std::string path = "headerExtensions[" + std::to_string(i) + "].";
      if (!e.is_object()) invalid(path, "expected object");
      RtpHeaderExtension ext;
      ext.uri = require(e, "uri", json::value_t::string, path).get<std::string>();
      ext.id = static_cast<uint8_t>(requireUint(e, "id", path, 255));
      if (ext.id == 0) invalid(path + "id", "must be 1..255");
      p.headerExtensions.push_back(std::move(ext));
    }
  }

  if (auto it = j.find("encodings"); it != j.end()) {
    if (!it->is_array() || it->size() > 4) invalid("encodings", "expected array of at most 4");
    for (size_t i = 0; i < it->size(); ++i) {
      const json& e = (*it)[i];
      const std::string path = "encodings[" + std::to_string(i) + "].";
      if (!e.is_object()) invalid(path, "expected object");
      RtpEncoding enc;
      enc.ssrc = optionalUint(e, "ssrc", path, 0xFFFFFFFFu);
      if (auto rtx = e.find("rtx"); rtx != e.end() && rtx->is_object())
        enc.rtxSsrc = optionalUint(*rtx, "ssrc", path + "rtx.", 0xFFFFFFFFu);
      if (auto rid = e.find("rid"); rid != e.end()) {
        // RFC 8851 §10: rid-id = 1*(alpha-numeric / "-" / "_"); we allow 16 characters.
        if (!rid->is_string()) invalid(path + "rid", "expected string");
        enc.rid = rid->get<std::string>();
        if (enc.rid.empty() || enc.rid.size() > 16 ||
            !std::all_of(enc.rid.begin(), enc.rid.end(),
                         [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; }))
          invalid(path + "rid", "expected 1..16 of [A-Za-z0-9_-]");
      }
      if (auto mode = e.find("scalabilityMode"); mode != e.end() && mode->is_string() && mode->size() <= 16)
        enc.scalabilityMode = mode->get<std::string>();
      p.encodings.push_back(std::move(enc));
    }
  }

  if (auto it = j.find("rtcp"); it != j.end() && it->is_object()) {
    if (auto cname = it->find("cname"); cname != it->end() && cname->is_string())
      p.cname = cname->get<std::string>();
  }
  return p;
}

json toJson(const RtpCodec& c) {
  json fb = json::array();
  for (const auto& f : c.rtcpFeedback) fb.push_back({{"type", f.type}, {"parameter", f.parameter}});
  json out = {{"mimeType", c.mimeType},
              {"payloadType", c.payloadType},
              {"clockRate", c.clockRate},
              {"parameters", c.parameters},
              {"rtcpFeedback", fb}};
  if (c.channels > 0) out["channels"] = c.channels;
  return out;
}

json toJson(const RtpParameters& p) {
  json codecs = json::array();
  for (const auto& c : p.codecs) codecs.push_back(toJson(c));
  json exts = json::array();
  for (const auto& e : p.headerExtensions)
    exts.push_back({{"uri", e.uri}, {"id", e.id}, {"encrypt", false}, {"parameters", json::object()}});
  json encodings = json::array();
  for (const auto& e : p.encodings) {
    json enc = json::object();
    if (e.ssrc) enc["ssrc"] = *e.ssrc;
    if (e.rtxSsrc) enc["rtx"] = {{"ssrc", *e.rtxSsrc}};
    if (!e.rid.empty()) enc["rid"] = e.rid;
    if (!e.scalabilityMode.empty()) enc["scalabilityMode"] = e.scalabilityMode;
    encodings.push_back(std::move(enc));
  }
  json out = {{"codecs", codecs},
              {"headerExtensions", exts},
              {"encodings", encodings},
              {"rtcp", {{"cname", p.cname}, {"reducedSize", true}}}};
  if (!p.mid.empty()) out["mid"] = p.mid;
  return out;
}

}  // namespace jb::sfu
