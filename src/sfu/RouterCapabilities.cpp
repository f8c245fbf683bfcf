#include "sfu/RouterCapabilities.hpp"

namespace jb::sfu {

using nlohmann::json;

namespace {

// draft-holmer-rmcat-transport-wide-cc-extensions-01 §4: "transport-cc" asks the browser to send
// the transport-wide sequence number and run send-side bandwidth estimation on our feedback.
constexpr const char* kTransportCc = "transport-cc";

json videoFeedback() {
  return json::array({{{"type", "nack"}, {"parameter", ""}},
                      {{"type", "nack"}, {"parameter", "pli"}},
                      {{"type", "ccm"}, {"parameter", "fir"}},
                      {{"type", kTransportCc}, {"parameter", ""}}});
}

// RFC 4588 §8.6: one rtx codec per media codec, tied to it by apt. mediasoup-client matches them by
// `parameters.apt === preferredPayloadType`, so apt must be a JSON number.
json rtxCodec(int payloadType, int apt) {
  return {{"kind", "video"},    {"mimeType", "video/rtx"},      {"preferredPayloadType", payloadType},
          {"clockRate", 90000}, {"parameters", {{"apt", apt}}}, {"rtcpFeedback", json::array()}};
}

json extension(const char* kind, const char* uri, int id, const char* direction) {
  return {{"kind", kind},
          {"uri", uri},
          {"preferredId", id},
          {"preferredEncrypt", false},
          {"direction", direction}};
}

json buildCapabilities() {
  json codecs = json::array();
  codecs.push_back({{"kind", "audio"},
                    {"mimeType", "audio/opus"},
                    {"preferredPayloadType", 100},
                    {"clockRate", 48000},
                    {"channels", 2},
                    {"parameters", {{"minptime", 10}, {"useinbandfec", 1}}},
                    {"rtcpFeedback", json::array({{{"type", kTransportCc}, {"parameter", ""}}})}});
  // x-google-start-bitrate: without it Chrome starts video at 300 kbps and, until congestion
  // feedback exists, would stay near that.
  codecs.push_back({{"kind", "video"},
                    {"mimeType", "video/VP8"},
                    {"preferredPayloadType", 101},
                    {"clockRate", 90000},
                    {"parameters", {{"x-google-start-bitrate", 1000}}},
                    {"rtcpFeedback", videoFeedback()}});
  codecs.push_back(rtxCodec(102, 101));
  codecs.push_back({{"kind", "video"},
                    {"mimeType", "video/H264"},
                    {"preferredPayloadType", 103},
                    {"clockRate", 90000},
                    {"parameters",
                     {{"packetization-mode", 1},
                      {"profile-level-id", "42e01f"},
                      {"level-asymmetry-allowed", 1},
                      {"x-google-start-bitrate", 1000}}},
                    {"rtcpFeedback", videoFeedback()}});
  codecs.push_back(rtxCodec(104, 103));

  json exts = json::array();
  exts.push_back(extension("audio", uri::kMid, 1, "sendrecv"));
  exts.push_back(extension("video", uri::kMid, 1, "sendrecv"));
  exts.push_back(extension("video", uri::kRid, 2, "recvonly"));
  exts.push_back(extension("video", uri::kRepairedRid, 3, "recvonly"));
  exts.push_back(extension("audio", uri::kAbsSendTime, 4, "sendrecv"));
  exts.push_back(extension("video", uri::kAbsSendTime, 4, "sendrecv"));
  // Only browsers send it to us (the feedback is for their uplink): consumers never carry it.
  exts.push_back(extension("audio", uri::kTransportWideCc, 5, "recvonly"));
  exts.push_back(extension("video", uri::kTransportWideCc, 5, "recvonly"));
  exts.push_back(extension("audio", uri::kAudioLevel, 10, "sendrecv"));
  exts.push_back(extension("video", uri::kVideoOrientation, 11, "sendrecv"));
  exts.push_back(extension("video", uri::kTimeOffset, 12, "sendrecv"));
  return {{"codecs", codecs}, {"headerExtensions", exts}};
}

// The parameter as text, or `fallback` when it is absent or empty.
std::string paramString(const json& params, const char* key, const char* fallback) {
  auto it = params.find(key);
  std::string value;
  if (it != params.end()) value = it->is_string() ? it->get<std::string>() : it->dump();
  return value.empty() ? std::string(fallback) : value;
}

// RFC 6184 §8.1: profile_idc + profile-iop decide compatibility; the level may differ.
bool sameH264Profile(const json& a, const json& b) {
  // RFC 6184 default: constrained baseline-compatible.
  const std::string pa = paramString(a, "profile-level-id", "42001f");
  const std::string pb = paramString(b, "profile-level-id", "42001f");
  auto profile = [](const std::string& p) {
    // Constrained Baseline may be written 42e0xx or 42c0xx / 4240xx; treat 42 with constraint bit set alike.
    if (p.size() < 4) return p;
    std::string idc = p.substr(0, 2), iop = p.substr(2, 2);
    if (idc == "42") return std::string("cb");
    return idc + iop;
  };
  const std::string ma = paramString(a, "packetization-mode", "0");
  const std::string mb = paramString(b, "packetization-mode", "0");
  return profile(pa) == profile(pb) && ma == mb;
}

}  // namespace

const json& routerRtpCapabilities() {
  static const json caps = buildCapabilities();
  return caps;
}

std::optional<RtpCodec> matchRouterCodec(const RtpCodec& codec) {
  for (const json& c : routerRtpCapabilities()["codecs"]) {
    const std::string mime = c["mimeType"].get<std::string>();
    if (!mimeTypeEquals(mime, codec.mimeType)) continue;
    if (c["clockRate"].get<uint32_t>() != codec.clockRate) continue;
    if (mimeTypeEquals(mime, "video/H264") && !sameH264Profile(c["parameters"], codec.parameters)) continue;
    RtpCodec out;
    out.mimeType = mime;
    out.payloadType = c["preferredPayloadType"].get<uint8_t>();
    out.clockRate = codec.clockRate;
    out.channels = c.contains("channels") ? c["channels"].get<uint8_t>() : 0;
    // Consumers get the producer's format parameters (e.g. Opus stereo/usedtx), which describe the bitstream.
    out.parameters = codec.parameters;
    for (const json& fb : c["rtcpFeedback"]) {
      // Consumers carry no transport-wide sequence numbers, so their receivers must not expect to
      // answer with transport-cc feedback (they keep REMB / receiver-side estimation).
      if (fb["type"] == kTransportCc) continue;
      out.rtcpFeedback.push_back({fb["type"], fb["parameter"]});
    }
    return out;
  }
  return std::nullopt;
}

std::optional<RtpCodec> routerRtxCodec(const RtpCodec& routerCodec) {
  for (const json& c : routerRtpCapabilities()["codecs"]) {
    if (!mimeTypeEquals(c["mimeType"].get<std::string>(), "video/rtx")) continue;
    if (c["parameters"]["apt"].get<uint32_t>() != routerCodec.payloadType) continue;
    RtpCodec out;
    out.mimeType = c["mimeType"].get<std::string>();
    out.payloadType = c["preferredPayloadType"].get<uint8_t>();
    out.clockRate = c["clockRate"].get<uint32_t>();
    out.parameters = c["parameters"];
    return out;
  }
  return std::nullopt;
}

uint8_t routerExtensionId(MediaKind kind, const std::string& extUri) {
  for (const json& e : routerRtpCapabilities()["headerExtensions"]) {
    if (e["kind"] == toString(kind) && e["uri"] == extUri) return e["preferredId"].get<uint8_t>();
  }
  return 0;
}

}  // namespace jb::sfu
